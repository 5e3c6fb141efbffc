using System.Text;
using System.Text.RegularExpressions;

namespace MarketingAutomation;

/// <summary>
/// The subject and body must not use any banned word or phrase (AI-04): whole words only ("free" does not match "freedom"),
/// case-insensitive, any run of white space between the words of a phrase, and invisible format characters (zero-width spaces,
/// BiDi controls) removed first so they cannot hide a word. Denies with <see cref="ContentReasonCodes.BannedWord"/>, naming the
/// banned entry (configuration, never the customer's text).
/// </summary>
/// <remarks>Look-alike letters ("fr3e", Cyrillic "е") are not folded; list such spellings explicitly if they matter.</remarks>
public sealed class BannedWordsRule : IContentRule, IValidatableRule
{
    private readonly Regex? _pattern;
    private readonly Dictionary<string, string> _canonical;

    /// <summary>Initializes a new instance of the <see cref="BannedWordsRule"/> class.</summary>
    /// <param name="words">The banned words and phrases (see <see cref="Validate"/> for what is accepted).</param>
    public BannedWordsRule(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        Words = [.. words];
        _canonical = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var alternatives = new List<string>();
        foreach (var word in Words)
        {
            var trimmed = word?.Trim();
            if (string.IsNullOrEmpty(trimmed))
            {
                continue;
            }

            var parts = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var key = string.Join(' ', parts);
            if (_canonical.TryAdd(key, key))
            {
                var sb = new StringBuilder();
                for (var i = 0; i < parts.Length; i++)
                {
                    sb.Append(i == 0 ? string.Empty : @"\s+").Append(Regex.Escape(parts[i]));
                }

                alternatives.Add(sb.ToString());
            }
        }

        // Longest first, so a phrase wins over a word it starts with. Built once: the pattern is configuration, so it cannot be a
        // [GeneratedRegex]; RegexOptions.Compiled gives the same matching speed after the one-time compile.
        alternatives.Sort(static (a, b) => b.Length.CompareTo(a.Length));
        if (alternatives.Count > 0)
        {
            _pattern = new Regex(
                @"(?<![\w])(?:" + string.Join('|', alternatives) + @")(?![\w])",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled,
                TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Initializes a new instance of the <see cref="BannedWordsRule"/> class.</summary>
    /// <param name="words">The banned words and phrases.</param>
    public BannedWordsRule(params string[] words)
        : this((IEnumerable<string>)words)
    {
    }

    /// <inheritdoc />
    public string Name => "banned-words";

    /// <summary>Gets the banned words and phrases as configured.</summary>
    public ImmutableArray<string> Words { get; }

    /// <inheritdoc />
    IEnumerable<string> IValidatableRule.Validate(RuleValidationContext context) => Validate();

    /// <summary>Returns the configuration problems, each naming the rule; empty when the rule is usable.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (_pattern is null)
        {
            problems.Add($"{Name}: the list of banned words is empty; pass at least one word or phrase, for example AddBannedWords(\"guaranteed\", \"risk-free\").");
        }

        for (var i = 0; i < Words.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(Words[i]))
            {
                problems.Add($"{Name}: entry {i} is empty or white space; remove it.");
            }
        }

        return problems;
    }

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in ContentRuleContext context)
    {
        if (_pattern is null)
        {
            return PolicyVerdict.Allow;
        }

        var message = context.Message;
        if (Find(message.Subject) is { } inSubject)
        {
            return PolicyVerdict.Deny(ContentReasonCodes.BannedWord, $"The subject uses the banned phrase '{inSubject}'.");
        }

        return Find(message.Body) is { } inBody
            ? PolicyVerdict.Deny(ContentReasonCodes.BannedWord, $"The body uses the banned phrase '{inBody}'.")
            : PolicyVerdict.Allow;
    }

    private string? Find(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var match = _pattern!.Match(ContentText.WithoutFormatCharacters(text));
        if (!match.Success)
        {
            return null;
        }

        // Name the configured entry, not the customer's text.
        var key = string.Join(' ', match.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return _canonical.TryGetValue(key, out var canonical) ? canonical : key;
    }
}
