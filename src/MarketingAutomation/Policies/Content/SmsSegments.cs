using System.Buffers;
using System.Globalization;

namespace MarketingAutomation;

/// <summary>The encoding an SMS travels in.</summary>
public enum SmsEncoding
{
    /// <summary>The GSM 03.38 7-bit default alphabet (TW-08): 160 septets in one segment, 153 per segment when concatenated.</summary>
    Gsm7 = 0,

    /// <summary>UCS-2 (UTF-16 code units): 70 in one segment, 67 per segment when concatenated.</summary>
    Ucs2 = 1,
}

/// <summary>How an SMS body is sent: its encoding, its length in encoding units and its number of segments.</summary>
/// <param name="Encoding">The encoding.</param>
/// <param name="Units">The length in septets (GSM-7; extension characters count 2) or UTF-16 code units (UCS-2; an emoji counts 2).</param>
/// <param name="Segments">The number of segments (billable messages).</param>
public readonly record struct SmsSegmentCount(SmsEncoding Encoding, int Units, int Segments);

/// <summary>
/// Counts SMS segments the way carriers and Twilio's segment calculator do (TW-07, TW-08). Any single character outside the GSM-7
/// basic and extension sets switches the whole message to UCS-2. GSM-7: one segment holds 160 septets, a concatenated segment 153, and
/// an extension character (<c>\f ^ { } \ [ ~ ] | €</c>, 2 septets) is never split across segments. UCS-2: 70 code units in one segment,
/// 67 per concatenated segment, and a surrogate pair is never split. Allocation-free.
/// </summary>
public static class SmsSegments
{
    /// <summary>Septets in a single GSM-7 segment.</summary>
    public const int Gsm7SingleSegment = 160;

    /// <summary>Septets in each segment of a concatenated GSM-7 message.</summary>
    public const int Gsm7ConcatenatedSegment = 153;

    /// <summary>Code units in a single UCS-2 segment.</summary>
    public const int Ucs2SingleSegment = 70;

    /// <summary>Code units in each segment of a concatenated UCS-2 message.</summary>
    public const int Ucs2ConcatenatedSegment = 67;

    // TW-08 basic set (1 septet each), LF and CR included; ESC (0x1B) is not a printable character.
    private const string BasicSet =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // TW-08 extension set (ESC + byte, 2 septets each).
    private const string ExtensionSet = "\f^{}\\[~]|€";

    private static readonly SearchValues<char> Gsm7 = SearchValues.Create(BasicSet + ExtensionSet);
    private static readonly SearchValues<char> Extension = SearchValues.Create(ExtensionSet);

    /// <summary>Returns whether every character of the text is in the GSM-7 basic or extension set.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> for GSM-7, <see langword="false"/> for UCS-2.</returns>
    public static bool IsGsm7(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(Gsm7);

    /// <summary>Returns the septets one character costs in GSM-7: 1 (basic set), 2 (extension set) or 0 (not GSM-7).</summary>
    /// <param name="c">The character.</param>
    /// <returns>The cost.</returns>
    public static int Gsm7Septets(char c) => Extension.Contains(c) ? 2 : Gsm7.Contains(c) ? 1 : 0;

    /// <summary>Counts the segments of an SMS body.</summary>
    /// <param name="text">The body. An empty body is one (empty) segment.</param>
    /// <returns>The encoding, units and segments.</returns>
    public static SmsSegmentCount Count(ReadOnlySpan<char> text) => IsGsm7(text) ? CountGsm7(text) : CountUcs2(text);

    private static SmsSegmentCount CountGsm7(ReadOnlySpan<char> text)
    {
        var septets = 0;
        for (var i = 0; i < text.Length; i++)
        {
            septets += Extension.Contains(text[i]) ? 2 : 1;
        }

        if (septets <= Gsm7SingleSegment)
        {
            return new SmsSegmentCount(SmsEncoding.Gsm7, septets, 1);
        }

        var segments = 1;
        var used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var cost = Extension.Contains(text[i]) ? 2 : 1;
            if (used + cost > Gsm7ConcatenatedSegment)
            {
                segments++;
                used = 0;
            }

            used += cost;
        }

        return new SmsSegmentCount(SmsEncoding.Gsm7, septets, segments);
    }

    private static SmsSegmentCount CountUcs2(ReadOnlySpan<char> text)
    {
        if (text.Length <= Ucs2SingleSegment)
        {
            return new SmsSegmentCount(SmsEncoding.Ucs2, text.Length, 1);
        }

        var segments = 1;
        var used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var cost = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (used + cost > Ucs2ConcatenatedSegment)
            {
                segments++;
                used = 0;
            }

            used += cost;
            i += cost - 1;
        }

        return new SmsSegmentCount(SmsEncoding.Ucs2, text.Length, segments);
    }
}

/// <summary>
/// An SMS body must fit in at most <see cref="MaxSegments"/> segments (TW-07: Twilio recommends at most 320 characters; each segment is
/// billed). Counted with <see cref="SmsSegments"/>. Only SMS candidates are checked. Denies with
/// <see cref="ContentReasonCodes.TooManySmsSegments"/>, naming the encoding so a reviewer can spot the one character that forced UCS-2.
/// </summary>
public sealed class SmsSegmentBudgetRule : IContentRule, IValidatableRule
{
    /// <summary>Initializes a new instance of the <see cref="SmsSegmentBudgetRule"/> class.</summary>
    /// <param name="maxSegments">The most segments an SMS may take (1 or more; see <see cref="Validate"/>).</param>
    public SmsSegmentBudgetRule(int maxSegments) => MaxSegments = maxSegments;

    /// <inheritdoc />
    public string Name => "sms-segment-budget";

    /// <summary>Gets the most segments an SMS may take.</summary>
    public int MaxSegments { get; }

    /// <inheritdoc />
    IEnumerable<string> IValidatableRule.Validate(RuleValidationContext context) => Validate();

    /// <summary>Returns the configuration problems, each naming the rule; empty when the rule is usable.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate() =>
        MaxSegments < 1
            ? [string.Create(CultureInfo.InvariantCulture, $"{Name}: maxSegments must be 1 or more (got {MaxSegments}); for example AddSmsSegmentBudget(2).")]
            : [];

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in ContentRuleContext context)
    {
        if (context.Candidate.ChannelKind != ChannelKind.Sms)
        {
            return PolicyVerdict.Allow;
        }

        var count = SmsSegments.Count(context.Message.Body);
        if (count.Segments <= MaxSegments)
        {
            return PolicyVerdict.Allow;
        }

        var units = count.Encoding == SmsEncoding.Gsm7 ? "septets" : "UTF-16 code units, because a character outside GSM-7 forces UCS-2";
        return PolicyVerdict.Deny(
            ContentReasonCodes.TooManySmsSegments,
            string.Create(CultureInfo.InvariantCulture, $"The SMS needs {count.Segments} segments ({count.Units} {units}); the budget is {MaxSegments}."));
    }
}
