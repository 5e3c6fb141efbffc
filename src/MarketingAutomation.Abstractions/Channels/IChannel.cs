namespace MarketingAutomation;

/// <summary>
/// A way to send messages (e-mail, SMS, push, in-app, webhook). Implementations should be thin: map the message to the provider's
/// request and the provider's answer to a <see cref="SendResult"/>. Never throw for an expected provider answer; resilience (retries,
/// circuit breaker, rate limit, timeout) is added by the engine's dispatcher.
/// </summary>
public interface IChannel
{
    /// <summary>Gets the channel's registration name (unique in one pipeline, for example <c>email</c> or <c>sms-us</c>).</summary>
    string Name { get; }

    /// <summary>Gets the kind of address the channel sends to.</summary>
    ChannelKind Kind { get; }

    /// <summary>Gets what the channel can carry and how late it may deliver.</summary>
    ChannelCapabilities Capabilities { get; }

    /// <summary>
    /// Sends one message. The <see cref="OutboundMessage.MessageId"/> is the idempotency key: pass it to the provider where it has one.
    /// A body longer than <see cref="ChannelCapabilities.MaxBodyLength"/> returns <c>Rejected(permanent: false)</c>: permanent means the
    /// address is unusable and disables the contact point.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">A cancellation token (the dispatcher's timeout).</param>
    /// <returns>Accepted, rejected, transient or unknown.</returns>
    ValueTask<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the channel offers: <see cref="ChannelMetadata"/>, the underlying provider client, or the channel itself.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or null.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

/// <summary>What a channel can carry and how it delivers.</summary>
public sealed record ChannelCapabilities
{
    /// <summary>Gets the default capabilities: no length limit, no subject, immediate delivery.</summary>
    public static ChannelCapabilities Default { get; } = new();

    /// <summary>Gets the longest body the channel accepts, in characters; null for no limit.</summary>
    public int? MaxBodyLength { get; init; }

    /// <summary>Gets a value indicating whether messages have a subject line.</summary>
    public bool SupportsSubject { get; init; }

    /// <summary>Gets a value indicating whether the channel renders links.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SupportsLinks { get; init; } = true;

    /// <summary>
    /// Gets how long the provider may hold a message before delivering it (queueing, validity period). Quiet-hours rules allow the
    /// channel only when the whole interval [send, send + delay] lies inside the permitted window.
    /// </summary>
    public Duration MaxProviderQueueDelay { get; init; }

    /// <summary>Gets the cost of one message in currency units (used by value-aware strategies and the simulation lab).</summary>
    public double CostPerMessage { get; init; }
}

/// <summary>Describes a channel's provider, for telemetry tags and diagnostics. Returned by <see cref="IChannel.GetService"/>.</summary>
/// <param name="ProviderName">The provider (for example <c>sendgrid</c>, <c>twilio</c>, <c>recording</c>).</param>
public sealed record ChannelMetadata(string ProviderName)
{
    /// <summary>Gets the provider endpoint, if useful for diagnostics (never with credentials).</summary>
    public Uri? Endpoint { get; init; }
}

/// <summary>How a send attempt ended.</summary>
public enum SendStatus
{
    /// <summary>The provider accepted the message.</summary>
    Accepted = 0,

    /// <summary>The provider refused it; retrying will not help (see <see cref="SendResult.IsPermanent"/>).</summary>
    Rejected = 1,

    /// <summary>A temporary failure before the provider accepted it (throttled, unavailable); safe to retry.</summary>
    Transient = 2,

    /// <summary>The provider may have accepted it (timeout after sending, connection lost); never retried blindly.</summary>
    Unknown = 3,
}

/// <summary>The result of <see cref="IChannel.SendAsync"/>.</summary>
public readonly record struct SendResult
{
    private SendResult(SendStatus status, string? providerMessageId, string? reason, bool permanent, Duration? retryAfter)
    {
        Status = status;
        ProviderMessageId = providerMessageId;
        Reason = reason;
        IsPermanent = permanent;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets how the attempt ended.</summary>
    public SendStatus Status { get; }

    /// <summary>Gets the provider's message id, when accepted.</summary>
    public string? ProviderMessageId { get; }

    /// <summary>Gets the provider's reason, when not accepted.</summary>
    public string? Reason { get; }

    /// <summary>Gets a value indicating whether a rejection means the address is unusable (the contact point is disabled).</summary>
    public bool IsPermanent { get; }

    /// <summary>Gets how long the provider asked to wait, for transient failures.</summary>
    public Duration? RetryAfter { get; }

    /// <summary>The provider accepted the message.</summary>
    /// <param name="providerMessageId">The provider's id for it.</param>
    /// <returns>The result.</returns>
    public static SendResult Accepted(string providerMessageId) => new(SendStatus.Accepted, providerMessageId, null, false, null);

    /// <summary>The provider refused the message.</summary>
    /// <param name="permanent">Whether the address is unusable (invalid number, unknown mailbox, opted out at the carrier).</param>
    /// <param name="reason">The provider's reason.</param>
    /// <returns>The result.</returns>
    public static SendResult Rejected(bool permanent, string reason) => new(SendStatus.Rejected, null, reason, permanent, null);

    /// <summary>A temporary failure before acceptance; the dispatcher retries with jitter.</summary>
    /// <param name="reason">The reason.</param>
    /// <param name="retryAfter">How long the provider asked to wait, if it said.</param>
    /// <returns>The result.</returns>
    public static SendResult Transient(string reason, Duration? retryAfter = null) => new(SendStatus.Transient, null, reason, false, retryAfter);

    /// <summary>The outcome is unknown: the provider may have accepted it. The dispatcher never retries it blindly.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The result.</returns>
    public static SendResult Unknown(string reason) => new(SendStatus.Unknown, null, reason, false, null);
}

/// <summary>A channel that passes every call to an inner channel; derive from it to add behaviour around a channel.</summary>
public abstract class DelegatingChannel : IChannel
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingChannel"/> class.</summary>
    /// <param name="inner">The channel to wrap.</param>
    protected DelegatingChannel(IChannel inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>Gets the wrapped channel.</summary>
    protected IChannel Inner { get; }

    /// <inheritdoc />
    public virtual string Name => Inner.Name;

    /// <inheritdoc />
    public virtual ChannelKind Kind => Inner.Kind;

    /// <inheritdoc />
    public virtual ChannelCapabilities Capabilities => Inner.Capabilities;

    /// <inheritdoc />
    public virtual ValueTask<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default) => Inner.SendAsync(message, cancellationToken);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : Inner.GetService(serviceType, serviceKey);
    }
}
