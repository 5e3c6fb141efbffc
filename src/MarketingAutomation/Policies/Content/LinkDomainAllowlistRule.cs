using System.Globalization;
using System.Text.RegularExpressions;

namespace MarketingAutomation;

/// <summary>
/// Every http(s) link in the subject and body must point to an allowed domain or one of its subdomains (AI-04: own domains only; no raw
/// IPs, shorteners or look-alikes). Hosts are compared in their ASCII (punycode) form, so a look-alike such as "shор.example" with
/// Cyrillic letters never matches "shop.example"; a user-info trick ("https://shop.example@evil.example/") is judged by its real host.
/// A link that cannot be parsed is denied too, and so is any script link (<c>javascript:</c>, <c>vbscript:</c>). Denies with
/// <see cref="ContentReasonCodes.LinkDomainNotAllowed"/>.
/// </summary>
/// <remarks>Host names written without a scheme ("www.example.net") are plain text to this rule: only http(s) links are judged.</remarks>
public sealed partial class LinkDomainAllowlistRule : IContentRule, IValidatableRule
{
    private static readonly System.Buffers.SearchValues<char> NotInHost = System.Buffers.SearchValues.Create("/:@?# \t");
    private readonly string[] _normalized;

    /// <summary>Initializes a new instance of the <see cref="LinkDomainAllowlistRule"/> class.</summary>
    /// <param name="domains">The allowed domains, host names only, for example "example.com" (which also allows "www.example.com").</param>
    public LinkDomainAllowlistRule(params string[] domains)
    {
        ArgumentNullException.ThrowIfNull(domains);
        Domains = [.. domains];
        var normalized = new List<string>(domains.Length);
        foreach (var domain in domains)
        {
            if (Normalize(domain) is { } d)
            {
                normalized.Add(d);
            }
        }

        _normalized = [.. normalized];
    }

    /// <inheritdoc />
    public string Name => "link-domains";

    /// <summary>Gets the allowed domains as configured.</summary>
    public ImmutableArray<string> Domains { get; }

    /// <inheritdoc />
    IEnumerable<string> IValidatableRule.Validate(RuleValidationContext context) => Validate();

    /// <summary>Returns the configuration problems, each naming the rule; empty when the rule is usable.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Domains.IsEmpty)
        {
            problems.Add($"{Name}: the domain allowlist is empty; pass the domains links may point to, for example AddLinkDomains(\"example.com\").");
        }

        foreach (var domain in Domains)
        {
            if (Normalize(domain) is null)
            {
                problems.Add($"{Name}: '{domain}' is not a host name; give the domain only (no scheme, path, port or spaces), for example \"example.com\".");
            }
        }

        return problems;
    }

    /// <summary>Returns whether a URL's host is an allowed domain or a subdomain of one.</summary>
    /// <param name="url">An absolute http(s) URL.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    public bool IsAllowed(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        string host;
        try
        {
            host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        }
        catch (UriFormatException)
        {
            return false;
        }

        foreach (var allowed in _normalized)
        {
            if (host.Length == allowed.Length ? string.Equals(host, allowed, StringComparison.Ordinal)
                : host.Length > allowed.Length && host[host.Length - allowed.Length - 1] == '.' && host.EndsWith(allowed, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in ContentRuleContext context)
    {
        var message = context.Message;
        var verdict = Check(message.Subject, "subject");
        return verdict.IsAllowed ? Check(message.Body, "body") : verdict;
    }

    private PolicyVerdict Check(string? text, string where)
    {
        if (string.IsNullOrEmpty(text))
        {
            return PolicyVerdict.Allow;
        }

        var clean = ContentText.WithoutFormatCharacters(text);
        if (ScriptLink().IsMatch(clean))
        {
            return PolicyVerdict.Deny(ContentReasonCodes.LinkDomainNotAllowed, $"The {where} contains a script link (javascript: or vbscript:).");
        }

        if (!clean.Contains("://", StringComparison.Ordinal))
        {
            return PolicyVerdict.Allow;
        }

        foreach (Match m in ContentText.Url().Matches(clean))
        {
            var url = m.Value.TrimEnd('.', ',', ';', ':', '!', '?');
            if (!IsAllowed(url))
            {
                return PolicyVerdict.Deny(
                    ContentReasonCodes.LinkDomainNotAllowed,
                    $"A link in the {where} points to '{HostOf(url)}', which is not an allowed domain ({string.Join(", ", Domains)}).");
            }
        }

        return PolicyVerdict.Allow;
    }

    // Only the host is quoted: paths and queries can carry tokens or personal data.
    private static string HostOf(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            try
            {
                return uri.IdnHost;
            }
            catch (UriFormatException)
            {
                return "(unparsable host)";
            }
        }

        return "(unparsable link)";
    }

    [GeneratedRegex(@"\b(?:javascript|vbscript)\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ScriptLink();

    private static string? Normalize(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            return null;
        }

        var d = domain.Trim().TrimEnd('.');
        if (d.Length == 0 || d.Contains("://", StringComparison.Ordinal) || d.AsSpan().IndexOfAny(NotInHost) >= 0 || d.StartsWith('.'))
        {
            return null;
        }

        try
        {
            return new IdnMapping().GetAscii(d).ToLower(CultureInfo.InvariantCulture);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
