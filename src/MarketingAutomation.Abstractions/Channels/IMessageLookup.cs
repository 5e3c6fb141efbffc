namespace MarketingAutomation;

/// <summary>
/// Looks a message up at the provider by its idempotency key (<see cref="OutboundMessage.MessageId"/>). A channel offers it through
/// <see cref="IChannel.GetService"/> when its provider can answer "did you accept this message?" (a message search API, a send log
/// keyed by a custom argument). The dispatcher uses it for an outbox row taken over from a dispatcher that died during its attempt:
/// found means the earlier attempt reached the provider (recorded as sent, not sent again); not found means it did not (sent now).
/// Without a lookup such a row becomes <see cref="OutboxStatus.Unknown"/>, never re-sent blindly.
/// </summary>
public interface IMessageLookup
{
    /// <summary>Asks the provider whether it accepted <paramref name="message"/> (by its <see cref="OutboundMessage.MessageId"/>).</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>Found (with the provider's id), not found, or unavailable (the lookup itself failed: the outcome stays unknown).</returns>
    ValueTask<MessageLookupResult> LookupAsync(OutboundMessage message, CancellationToken cancellationToken = default);
}

/// <summary>What a provider lookup found.</summary>
public enum MessageLookupStatus
{
    /// <summary>The lookup could not answer (provider down, lookup not possible for this message); the outcome stays unknown.</summary>
    Unavailable = 0,

    /// <summary>The provider has no message with this idempotency key: it never accepted it, so sending it now is not a duplicate.</summary>
    NotFound = 1,

    /// <summary>The provider accepted the message earlier.</summary>
    Found = 2,
}

/// <summary>The result of <see cref="IMessageLookup.LookupAsync"/>.</summary>
/// <param name="Status">What the lookup found.</param>
/// <param name="ProviderMessageId">The provider's id, when found.</param>
/// <param name="Reason">Why the lookup could not answer, when unavailable.</param>
public readonly record struct MessageLookupResult(MessageLookupStatus Status, string? ProviderMessageId = null, string? Reason = null)
{
    /// <summary>The provider accepted the message earlier.</summary>
    /// <param name="providerMessageId">The provider's id for it.</param>
    /// <returns>The result.</returns>
    public static MessageLookupResult Found(string providerMessageId) => new(MessageLookupStatus.Found, providerMessageId);

    /// <summary>The provider has no such message.</summary>
    /// <returns>The result.</returns>
    public static MessageLookupResult NotFound() => new(MessageLookupStatus.NotFound);

    /// <summary>The lookup could not answer.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>The result.</returns>
    public static MessageLookupResult Unavailable(string reason) => new(MessageLookupStatus.Unavailable, null, reason);
}
