namespace MarketingAutomation;

/// <summary>A rendered message ready for a channel. Personal data (recipient, body): never logged above Trace.</summary>
/// <param name="MessageId">The idempotency key: one per logical message, the same on every attempt.</param>
/// <param name="DecisionId">The decision that produced it.</param>
/// <param name="CustomerId">The recipient customer.</param>
/// <param name="Channel">The channel name.</param>
/// <param name="Recipient">The address (e-mail, E.164 number, token, handle).</param>
/// <param name="Body">The rendered body.</param>
public sealed record OutboundMessage(string MessageId, Guid DecisionId, string CustomerId, string Channel, string Recipient, string Body)
{
    /// <summary>Gets the channel kind.</summary>
    public ChannelKind Kind { get; init; }

    /// <summary>Gets the rendered subject, for channels that have one.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets the purpose.</summary>
    public MessagePurpose Purpose { get; init; }

    /// <summary>Gets the goal id.</summary>
    public string GoalId { get; init; } = string.Empty;

    /// <summary>Gets the content variant id.</summary>
    public string VariantId { get; init; } = string.Empty;

    /// <summary>Gets the variant's sequence step.</summary>
    public int Step { get; init; }

    /// <summary>Gets the offer id, if any.</summary>
    public string? OfferId { get; init; }

    /// <summary>Gets extra headers or provider parameters (for example List-Unsubscribe).</summary>
    public ImmutableDictionary<string, string> Headers { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Gets a value indicating whether the message is important (follow-up on silence).</summary>
    public bool Important { get; init; }

    /// <summary>Gets the follow-up window for important messages.</summary>
    public Duration FollowUpAfter { get; init; }

    /// <summary>Gets the decision this message follows up, if any.</summary>
    public Guid? FollowUpOf { get; init; }
}

/// <summary>Where an outbox row is in its life.</summary>
public enum OutboxStatus
{
    /// <summary>Waiting for its due instant or a dispatcher.</summary>
    Pending = 0,

    /// <summary>Claimed by a dispatcher under a lease.</summary>
    Claimed = 1,

    /// <summary>Accepted by the channel (terminal).</summary>
    Sent = 2,

    /// <summary>Failed permanently or out of attempts (terminal).</summary>
    Failed = 3,

    /// <summary>The outcome is unknown; resolved by lookup or review, never retried blindly (terminal for the dispatcher).</summary>
    Unknown = 4,

    /// <summary>Cancelled before sending (terminal).</summary>
    Cancelled = 5,
}

/// <summary>An outbox row: a message to send, with its dispatch state.</summary>
/// <param name="Message">The message.</param>
/// <param name="DueAt">When it may be sent.</param>
public sealed record OutboxMessage(OutboundMessage Message, Instant DueAt)
{
    /// <summary>Gets the message id (the idempotency key).</summary>
    public string Id => Message.MessageId;

    /// <summary>Gets the dispatch state.</summary>
    public OutboxStatus Status { get; init; }

    /// <summary>Gets how many send attempts were made.</summary>
    public int Attempts { get; init; }

    /// <summary>
    /// Gets a value indicating whether this claim took the row over from a dispatcher whose lease ended while it held the row (it
    /// died or stalled during its attempt). That attempt may have reached the provider, so the row is not sent again blindly: the
    /// dispatcher looks it up (<see cref="IMessageLookup"/>) or marks it <see cref="OutboxStatus.Unknown"/>. Set by
    /// <see cref="ICustomerStore.ClaimOutboxAsync"/> on the rows it returns; not stored.
    /// </summary>
    public bool Reclaimed { get; init; }

    /// <summary>Gets the dispatcher holding the lease, when claimed.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Gets when the lease ends; after that another dispatcher may claim the row.</summary>
    public Instant? LeaseUntil { get; init; }

    /// <summary>Gets the provider's message id once sent.</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>Gets the last error.</summary>
    public string? LastError { get; init; }
}

/// <summary>What a dispatcher reports after an attempt.</summary>
/// <param name="MessageId">The outbox row.</param>
/// <param name="LeaseOwner">The dispatcher that claimed it; a completion from anyone else is refused.</param>
/// <param name="Status">The new status: Sent, Failed, Unknown, or Pending to retry later.</param>
/// <param name="At">When the attempt ended.</param>
public sealed record OutboxCompletion(string MessageId, string LeaseOwner, OutboxStatus Status, Instant At)
{
    /// <summary>Gets the provider's message id, when sent.</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>Gets the error, when not sent.</summary>
    public string? Error { get; init; }

    /// <summary>Gets when to try again, for <see cref="OutboxStatus.Pending"/>.</summary>
    public Instant? RetryAt { get; init; }
}
