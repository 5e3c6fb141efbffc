namespace MarketingAutomation;

/// <summary>
/// Bulk-sender content rule (EM-01 Gmail/Yahoo/Microsoft, EM-02 RFC 8058): a marketing e-mail must carry exactly one
/// <c>List-Unsubscribe</c> header with an <c>https</c> URI (a <c>mailto:</c> may be present too) and a <c>List-Unsubscribe-Post</c> header
/// whose value is exactly <c>List-Unsubscribe=One-Click</c>. Header names are compared case-insensitively.
/// </summary>
public sealed class ListUnsubscribeHeaderRule : IContentRule, IValidatableRule
{
    /// <summary>The <c>List-Unsubscribe</c> header name.</summary>
    public const string ListUnsubscribe = "List-Unsubscribe";

    /// <summary>The <c>List-Unsubscribe-Post</c> header name.</summary>
    public const string ListUnsubscribePost = "List-Unsubscribe-Post";

    /// <summary>The only valid <c>List-Unsubscribe-Post</c> value.</summary>
    public const string OneClick = "List-Unsubscribe=One-Click";

    /// <inheritdoc />
    public string Name => "bulk-sender-one-click-unsubscribe";

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in ContentRuleContext context)
    {
        if (context.Candidate.ChannelKind != ChannelKind.Email || context.Candidate.Purpose != MessagePurpose.Marketing)
        {
            return PolicyVerdict.Allow;
        }

        string? unsubscribe = null;
        string? post = null;
        var unsubscribeCount = 0;
        var postCount = 0;
        foreach (var (name, value) in context.Message.Headers)
        {
            if (string.Equals(name, ListUnsubscribe, StringComparison.OrdinalIgnoreCase))
            {
                unsubscribe = value;
                unsubscribeCount++;
            }
            else if (string.Equals(name, ListUnsubscribePost, StringComparison.OrdinalIgnoreCase))
            {
                post = value;
                postCount++;
            }
        }

        if (unsubscribeCount != 1 || !HasOneHttpsUri(unsubscribe!))
        {
            return PolicyVerdict.Deny(ComplianceReasonCodes.MissingListUnsubscribe, "A marketing e-mail needs one List-Unsubscribe header with one https URI (RFC 8058).");
        }

        return postCount == 1 && string.Equals(post?.Trim(), OneClick, StringComparison.Ordinal)
            ? PolicyVerdict.Allow
            : PolicyVerdict.Deny(ComplianceReasonCodes.MissingListUnsubscribe, "A marketing e-mail needs 'List-Unsubscribe-Post: List-Unsubscribe=One-Click' (RFC 8058).");
    }

    /// <summary>Checks the configuration.</summary>
    /// <returns>No problems: the rule has no settings.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Instance member of the rule-validation contract.")]
    public IReadOnlyList<string> Validate() => [];

    /// <inheritdoc />
    public IEnumerable<string> Validate(RuleValidationContext context) => Validate();

    /// <summary>Formats the two headers for a one-click unsubscribe URL (for composers).</summary>
    /// <param name="httpsUrl">The absolute https URL carrying an opaque token.</param>
    /// <returns>The headers.</returns>
    public static ImmutableDictionary<string, string> HeadersFor(Uri httpsUrl)
    {
        ArgumentNullException.ThrowIfNull(httpsUrl);
        if (!httpsUrl.IsAbsoluteUri || httpsUrl.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("The one-click unsubscribe URL must be an absolute https URL (RFC 8058).", nameof(httpsUrl));
        }

        return ImmutableDictionary<string, string>.Empty
            .Add(ListUnsubscribe, "<" + httpsUrl.AbsoluteUri + ">")
            .Add(ListUnsubscribePost, OneClick);
    }

    private static bool HasOneHttpsUri(string value)
    {
        var https = 0;
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Length < 2 || part[0] != '<' || part[^1] != '>')
            {
                return false;
            }

            if (Uri.TryCreate(part[1..^1], UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
            {
                https++;
            }
        }

        return https == 1;
    }
}
