using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MarketingAutomation;

/// <summary>Text helpers shared by the content rules: links, invisible characters, whitespace-insensitive search.</summary>
internal static partial class ContentText
{
    /// <summary>An http(s) URL up to the first whitespace, quote, angle bracket or parenthesis (so HTML attributes and prose both work).</summary>
    [GeneratedRegex(@"\bhttps?://[^\s<>""'()\[\]{}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    internal static partial Regex Url();

    /// <summary>Returns the text without Unicode format characters (zero-width spaces and joiners, BiDi controls), which can hide words from a check (AI-05).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The same instance when it has none.</returns>
    internal static string WithoutFormatCharacters(string text)
    {
        var i = 0;
        for (; i < text.Length; i++)
        {
            if (char.GetUnicodeCategory(text[i]) == UnicodeCategory.Format)
            {
                break;
            }
        }

        if (i == text.Length)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            if (char.GetUnicodeCategory(text[i]) != UnicodeCategory.Format)
            {
                sb.Append(text[i]);
            }
        }

        return sb.ToString();
    }

    /// <summary>Returns whether <paramref name="text"/> contains <paramref name="needle"/>, ignoring case and treating any run of white space (line breaks included) as one space.</summary>
    /// <param name="text">The text searched.</param>
    /// <param name="needle">The text looked for.</param>
    /// <returns><see langword="true"/> when found.</returns>
    internal static bool ContainsLoosely(string text, string needle)
    {
        var n = CollapseWhitespace(needle);
        return n.Length == 0 || CollapseWhitespace(text).Contains(n, StringComparison.OrdinalIgnoreCase);
    }

    private static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
