namespace MarketingAutomation;

/// <summary>
/// Stable reason codes of the content-boundary rules (<see cref="MaxDiscountRule"/>, <see cref="BannedWordsRule"/>,
/// <see cref="AllowedLanguagesRule"/>, <see cref="LinkDomainAllowlistRule"/>, <see cref="RequiredElementsRule"/>,
/// <see cref="SmsSegmentBudgetRule"/>). A content verdict with one of these codes holds the message for review with
/// <see cref="ReasonCodes.ContentViolation"/>; the rule's own code stays on the trace's content verdicts.
/// </summary>
public static class ContentReasonCodes
{
    /// <summary>The text claims a discount that no approved offer of the candidate carries, or a different one (AI-03).</summary>
    public const string DiscountNotApproved = "DiscountNotApproved";

    /// <summary>The text claims (or the candidate's offer is) a discount above the configured maximum.</summary>
    public const string DiscountTooHigh = "DiscountTooHigh";

    /// <summary>The subject or body uses a banned word or phrase (AI-04).</summary>
    public const string BannedWord = "BannedWord";

    /// <summary>The message's language is not one of the allowed languages.</summary>
    public const string LanguageNotAllowed = "LanguageNotAllowed";

    /// <summary>Neither the message nor the customer has a language, so the allowed languages cannot be proven.</summary>
    public const string LanguageUnknown = "LanguageUnknown";

    /// <summary>A link points outside the allowed domains, or cannot be parsed (AI-04).</summary>
    public const string LinkDomainNotAllowed = "LinkDomainNotAllowed";

    /// <summary>A marketing e-mail has no unsubscribe link in its body (EM-01, EM-03).</summary>
    public const string MissingUnsubscribeLink = "MissingUnsubscribeLink";

    /// <summary>A marketing e-mail has no postal address (EM-03 CAN-SPAM).</summary>
    public const string MissingPostalAddress = "MissingPostalAddress";

    /// <summary>The first marketing SMS to a customer does not name the brand (TW-06, AI-04).</summary>
    public const string MissingBrandName = "MissingBrandName";

    /// <summary>The first marketing SMS to a customer does not tell how to opt out, for example "Reply STOP to opt out" (TW-06, AI-04).</summary>
    public const string MissingOptOutText = "MissingOptOutText";

    /// <summary>The SMS needs more segments than the budget allows (TW-07, TW-08).</summary>
    public const string TooManySmsSegments = "TooManySmsSegments";
}
