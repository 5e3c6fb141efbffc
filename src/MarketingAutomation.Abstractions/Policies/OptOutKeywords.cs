namespace MarketingAutomation;

/// <summary>
/// Recognises SMS opt-out replies: Twilio's default keywords STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT (TW-06) and the
/// FCC per-se revocations "stop, quit, end, revoke, opt out, cancel, unsubscribe" (TC-03). The whole message must be the keyword
/// (Twilio: "STOP PLEASE" does not trigger the block); case, surrounding whitespace, punctuation and separators inside the keyword
/// ("opt out", "opt-out", "Stop.") are ignored. Free-text revocations ("please stop texting me") need a classifier; this is not one.
/// </summary>
public static class OptOutKeywords
{
    private const int MaxLetters = 16;

    /// <summary>Gets the keywords, upper-case, separators removed.</summary>
    public static IReadOnlyList<string> Keywords { get; } = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"];

    /// <summary>Returns whether a reply is an opt-out keyword. Does not allocate.</summary>
    /// <param name="replyText">The inbound text.</param>
    /// <returns>True for an opt-out.</returns>
    public static bool IsOptOut(string? replyText)
    {
        if (string.IsNullOrWhiteSpace(replyText))
        {
            return false;
        }

        Span<char> letters = stackalloc char[MaxLetters];
        var count = 0;
        foreach (var c in replyText)
        {
            if (char.IsLetter(c))
            {
                if (count == MaxLetters)
                {
                    return false;
                }

                letters[count++] = char.ToUpperInvariant(c);
            }
            else if (char.IsDigit(c))
            {
                return false;
            }
        }

        var word = letters[..count];
        var keywords = Keywords;
        for (var i = 0; i < keywords.Count; i++)
        {
            if (word.SequenceEqual(keywords[i]))
            {
                return true;
            }
        }

        return false;
    }
}
