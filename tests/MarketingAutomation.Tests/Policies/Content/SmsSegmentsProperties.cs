using System.Text;
using FsCheck.Xunit;

namespace MarketingAutomation.Tests.Policies.Content;

/// <summary>
/// TW-07 test sketch: random texts mixing the GSM basic set, the extension set, Latin-1, typographic characters and emoji, checked against
/// an independent count written per Unicode scalar (runes) and against the bounds the segment sizes imply.
/// </summary>
public sealed class SmsSegmentsProperties
{
    private static readonly string[] Alphabet =
    [
        "a", "Z", "0", " ", "\n", "@", "é", "Ç", "Δ", "ß", "¿", // basic set
        "€", "[", "]", "{", "}", "^", "~", "|", "\\", "\f", // extension set
        "ç", "Á", "’", "“", "…", "–", "`", "\t", // outside GSM-7
        "😀", "👍🏽", "👨‍👩‍👧", "é", // surrogate pairs, modifiers, ZWJ sequence, combining mark
    ];

    private static string Text(int[] picks, int extra)
    {
        var sb = new StringBuilder();
        var repeat = (Math.Abs(extra) % 8) + 1;
        foreach (var p in picks)
        {
            for (var r = 0; r < repeat; r++)
            {
                sb.Append(Alphabet[Math.Abs(p % Alphabet.Length)]);
            }
        }

        return sb.ToString();
    }

    /// <summary>An independent count: per rune, whole runes (and GSM escapes) never split, greedy packing.</summary>
    private static (SmsEncoding Encoding, int Units, int Segments) Reference(string text)
    {
        const string gsm = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
        const string ext = "\f^{}\\[~]|€";
        var costs = new List<int>();
        var isGsm = true;
        foreach (var rune in text.EnumerateRunes())
        {
            var s = rune.ToString();
            isGsm &= s.Length == 1 && (gsm.Contains(s[0], StringComparison.Ordinal) || ext.Contains(s[0], StringComparison.Ordinal));
        }

        foreach (var rune in text.EnumerateRunes())
        {
            var s = rune.ToString();
            costs.Add(isGsm ? (ext.Contains(s[0], StringComparison.Ordinal) ? 2 : 1) : rune.Utf16SequenceLength);
        }

        var (single, concat) = isGsm ? (160, 153) : (70, 67);
        var units = costs.Sum();
        if (units <= single)
        {
            return (isGsm ? SmsEncoding.Gsm7 : SmsEncoding.Ucs2, units, 1);
        }

        var segments = 1;
        var used = 0;
        foreach (var c in costs)
        {
            if (used + c > concat)
            {
                segments++;
                used = 0;
            }

            used += c;
        }

        return (isGsm ? SmsEncoding.Gsm7 : SmsEncoding.Ucs2, units, segments);
    }

    [Property(MaxTest = 3000)]
    public bool Count_AgreesWithAnIndependentRuneCount(int[] picks, int extra)
    {
        var text = Text(picks, extra);
        var count = SmsSegments.Count(text);
        return (count.Encoding, count.Units, count.Segments) == Reference(text);
    }

    [Property(MaxTest = 3000)]
    public bool Count_StaysWithinTheBoundsOfTheSegmentSizes(int[] picks, int extra)
    {
        var count = SmsSegments.Count(Text(picks, extra));
        var (single, concat) = count.Encoding == SmsEncoding.Gsm7 ? (160, 153) : (70, 67);
        return count.Units <= single
            ? count.Segments == 1
            : count.Segments >= (count.Units + concat - 1) / concat && count.Segments <= (count.Units + concat - 2) / (concat - 1);
    }

    [Property(MaxTest = 2000)]
    public bool AppendingACharacter_NeverNeedsFewerSegments(int[] picks, int extra, int next)
    {
        var text = Text(picks, extra);
        var longer = text + Alphabet[Math.Abs(next % Alphabet.Length)];
        return SmsSegments.Count(longer).Segments >= SmsSegments.Count(text).Segments;
    }

    [Property(MaxTest = 2000)]
    public bool ContentRules_NeverThrowOnRandomText(int[] picks, int extra)
    {
        var text = Text(picks, extra) + " 20% off https://shop.example/x";
        _ = MaxDiscountRule.FindClaims(text);
        _ = ContentRuleKit.Judge(new LinkDomainAllowlistRule("shop.example"), text, subject: text);
        _ = ContentRuleKit.Judge(new BannedWordsRule("free"), text, subject: text);
        return true;
    }
}
