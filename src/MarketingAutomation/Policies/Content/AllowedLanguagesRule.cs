using System.Text.RegularExpressions;

namespace MarketingAutomation;

/// <summary>
/// The message's language (<see cref="ComposedMessage.Language"/>, else the customer's <see cref="Customer.Language"/>) must be one of
/// the allowed BCP 47 tags. An allowed tag matches itself and every more specific tag: "en" allows "en", "en-US" and "en-GB";
/// "pt-BR" allows "pt-BR" but not "pt" or "pt-PT". Case and "_" instead of "-" are ignored. A message with no language at all is
/// denied with <see cref="ContentReasonCodes.LanguageUnknown"/>, since nothing proves it is allowed; otherwise
/// <see cref="ContentReasonCodes.LanguageNotAllowed"/>.
/// </summary>
public sealed partial class AllowedLanguagesRule : IContentRule, IValidatableRule
{
    private readonly string[] _normalized;

    /// <summary>Initializes a new instance of the <see cref="AllowedLanguagesRule"/> class.</summary>
    /// <param name="languages">The allowed BCP 47 tags, for example "en", "de-DE".</param>
    public AllowedLanguagesRule(params string[] languages)
    {
        ArgumentNullException.ThrowIfNull(languages);
        Languages = [.. languages];
        var normalized = new List<string>(languages.Length);
        foreach (var tag in languages)
        {
            if (!string.IsNullOrWhiteSpace(tag))
            {
                normalized.Add(Normalize(tag));
            }
        }

        _normalized = [.. normalized];
    }

    /// <inheritdoc />
    public string Name => "allowed-languages";

    /// <summary>Gets the allowed tags as configured.</summary>
    public ImmutableArray<string> Languages { get; }

    /// <inheritdoc />
    IEnumerable<string> IValidatableRule.Validate(RuleValidationContext context) => Validate();

    /// <summary>Returns the configuration problems, each naming the rule; empty when the rule is usable.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Languages.IsEmpty)
        {
            problems.Add($"{Name}: no language is allowed; pass at least one BCP 47 tag, for example AddAllowedLanguages(\"en\", \"de\").");
        }

        foreach (var tag in Languages)
        {
            if (tag is null || !Tag().IsMatch(tag))
            {
                problems.Add($"{Name}: '{tag}' is not a BCP 47 language tag; use a primary subtag with optional subtags, for example \"en\" or \"en-US\".");
            }
        }

        return problems;
    }

    /// <summary>Returns whether a language tag is allowed.</summary>
    /// <param name="language">The BCP 47 tag.</param>
    /// <returns><see langword="true"/> when it equals or is more specific than an allowed tag.</returns>
    public bool IsAllowed(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return false;
        }

        var tag = Normalize(language);
        foreach (var allowed in _normalized)
        {
            if (tag.Length == allowed.Length ? string.Equals(tag, allowed, StringComparison.Ordinal)
                : tag.Length > allowed.Length && tag[allowed.Length] == '-' && tag.StartsWith(allowed, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in ContentRuleContext context)
    {
        var language = context.Message.Language ?? context.Customer.Customer.Language;
        if (string.IsNullOrWhiteSpace(language))
        {
            return PolicyVerdict.Deny(ContentReasonCodes.LanguageUnknown, "Neither the message nor the customer has a language, so the allowed languages cannot be checked.");
        }

        return IsAllowed(language)
            ? PolicyVerdict.Allow
            : PolicyVerdict.Deny(ContentReasonCodes.LanguageNotAllowed, $"The message is in '{language}'; allowed: {string.Join(", ", Languages)}.");
    }

    private static string Normalize(string tag) => tag.Trim().Replace('_', '-').ToLowerInvariant();

    [GeneratedRegex(@"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}
