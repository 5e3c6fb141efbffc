using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation;

/// <summary>
/// Denies every message, marketing and transactional, to a contact address on the suppression list (GDPR GD-02/GD-03: an objector or
/// erased person is never contacted again, even after a re-import in another case or format). Hot path: the address is hashed into
/// stack buffers and looked up by value; nothing is allocated for e-mail and E.164 numbers.
/// </summary>
public sealed class SuppressionPolicy : IPolicy, IValidatableRule
{
    private readonly SuppressionKey _key;

    /// <summary>Initializes a new instance of the <see cref="SuppressionPolicy"/> class.</summary>
    /// <param name="key">The keyed hash.</param>
    /// <param name="list">The suppression list.</param>
    public SuppressionPolicy(SuppressionKey key, ISuppressionList list)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(list);
        _key = key;
        List = list;
    }

    /// <inheritdoc />
    public string Name => "suppression";

    /// <summary>Gets the keyed hash the rule computes addresses with (erasure hashes addresses with the same key).</summary>
    public SuppressionKey Key => _key;

    /// <summary>Gets the suppression list consulted.</summary>
    public ISuppressionList List { get; }

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context)
    {
        var contact = context.Candidate.Contact;
        if (contact is null || !_key.TryHash(contact, out var hash))
        {
            return PolicyVerdict.Allow;
        }

        return List.Contains(contact.Kind, in hash)
            ? PolicyVerdict.Deny(ComplianceReasonCodes.Suppressed, "The contact address is on the suppression list (opted out, objected or erased).")
            : PolicyVerdict.Allow;
    }

    /// <summary>Checks the configuration.</summary>
    /// <returns>No problems: the key is validated when it is created.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Instance member of the rule-validation contract.")]
    public IReadOnlyList<string> Validate() => [];

    /// <inheritdoc />
    public IEnumerable<string> Validate(RuleValidationContext context) => Validate();
}

/// <summary>Builder shortcuts and helpers for suppression.</summary>
public static class SuppressionExtensions
{
    /// <summary>
    /// Adds the suppression rule with a secret key (at least 32 bytes) and a list (default: a new <see cref="InMemorySuppressionList"/>).
    /// Registers the <see cref="SuppressionKey"/> and the <see cref="ISuppressionList"/> as singletons so importers and erasure handlers
    /// can suppress addresses. A short key is reported with the other configuration errors when the pipeline is built.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="key">The secret key.</param>
    /// <param name="list">The list, or null for an in-memory list.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddSuppressionList(this IMarketingAutomationBuilder builder, ReadOnlySpan<byte> key, ISuppressionList? list = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var copy = key.ToArray();
        var theList = list ?? new InMemorySuppressionList();
        builder.Services.AddSingleton(_ => new SuppressionKey(copy));
        builder.Services.AddSingleton(theList);
        return builder.AddPolicy(sp => new SuppressionPolicy(sp.GetRequiredService<SuppressionKey>(), theList));
    }

    /// <inheritdoc cref="AddSuppressionList(IMarketingAutomationBuilder, ReadOnlySpan{byte}, ISuppressionList?)" />
    public static IMarketingAutomationBuilder AddSuppressionList(this IMarketingAutomationBuilder builder, byte[] key, ISuppressionList? list = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        return builder.AddSuppressionList(key.AsSpan(), list);
    }

    /// <summary>Suppresses an address: hashes it with <paramref name="key"/> and adds the hash. The address itself is not kept.</summary>
    /// <param name="list">The list.</param>
    /// <param name="key">The keyed hash.</param>
    /// <param name="kind">The channel kind.</param>
    /// <param name="address">The address, in any case or format.</param>
    /// <returns>True when the entry is new.</returns>
    public static bool Suppress(this ISuppressionList list, SuppressionKey key, ChannelKind kind, string address)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(key);
        return list.Add(kind, key.Hash(kind, address));
    }

    /// <summary>Returns whether an address is suppressed.</summary>
    /// <param name="list">The list.</param>
    /// <param name="key">The keyed hash.</param>
    /// <param name="kind">The channel kind.</param>
    /// <param name="address">The address, in any case or format.</param>
    /// <returns>True when suppressed (false when a phone number does not parse).</returns>
    public static bool IsSuppressed(this ISuppressionList list, SuppressionKey key, ChannelKind kind, string address)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(key);
        return key.TryHash(kind, address, out var hash) && list.Contains(kind, in hash);
    }
}
