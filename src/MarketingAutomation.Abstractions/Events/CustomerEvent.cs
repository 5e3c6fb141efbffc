namespace MarketingAutomation;

/// <summary>
/// Something that happened to or was done by a customer. Events are appended idempotently: the store ignores an
/// <see cref="EventId"/> it has already seen, so providers may deliver the same event more than once.
/// </summary>
/// <param name="EventId">A unique id for deduplication (the provider's event id, or a hash of the payload).</param>
/// <param name="CustomerId">The customer the event belongs to.</param>
/// <param name="OccurredAt">When it happened.</param>
public abstract record CustomerEvent(string EventId, string CustomerId, Instant OccurredAt);

/// <summary>The lifecycle step a message event reports.</summary>
public enum MessageEventKind
{
    /// <summary>The message was put in the outbox.</summary>
    Queued = 0,

    /// <summary>The provider accepted the message.</summary>
    Sent = 1,

    /// <summary>The provider reports delivery to the recipient's device or mailbox.</summary>
    Delivered = 2,

    /// <summary>The message was opened (see <see cref="MessageEvent.IsMachineOpen"/>).</summary>
    Opened = 3,

    /// <summary>A link in the message was clicked.</summary>
    Clicked = 4,

    /// <summary>The recipient replied (see <see cref="MessageEvent.ReplyText"/>).</summary>
    Replied = 5,

    /// <summary>The message bounced (see <see cref="MessageEvent.IsHardBounce"/>).</summary>
    Bounced = 6,

    /// <summary>The recipient marked the message as spam.</summary>
    Complained = 7,

    /// <summary>The recipient unsubscribed (link, one-click header or STOP keyword).</summary>
    Unsubscribed = 8,

    /// <summary>The message could not be delivered for a reason other than a bounce (provider failure, expired in queue).</summary>
    Failed = 9,
}

/// <summary>A message lifecycle event. Always carries the decision that caused the message, so feedback reaches the right model.</summary>
/// <param name="EventId">A unique id for deduplication.</param>
/// <param name="CustomerId">The recipient.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="DecisionId">The decision that produced the message.</param>
/// <param name="Kind">The lifecycle step.</param>
public sealed record MessageEvent(string EventId, string CustomerId, Instant OccurredAt, Guid DecisionId, MessageEventKind Kind)
    : CustomerEvent(EventId, CustomerId, OccurredAt)
{
    /// <summary>Gets the channel kind the message went out on.</summary>
    public ChannelKind? Channel { get; init; }

    /// <summary>Gets the provider's message id, when known.</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>Gets a value indicating whether an open came from a machine (privacy proxy, security scanner) rather than a person. Learning down-weights these.</summary>
    public bool IsMachineOpen { get; init; }

    /// <summary>Gets a value indicating whether a bounce is permanent (the address does not exist). A hard bounce disables the contact point.</summary>
    public bool IsHardBounce { get; init; }

    /// <summary>Gets the reply text for <see cref="MessageEventKind.Replied"/>. Personal data: never logged above Trace.</summary>
    public string? ReplyText { get; init; }

    /// <summary>Gets the clicked URL for <see cref="MessageEventKind.Clicked"/>.</summary>
    public string? Url { get; init; }

    /// <summary>Gets the provider's reason text for bounces and failures.</summary>
    public string? Reason { get; init; }
}

/// <summary>A purchase event: the customer bought something. Attributed to a decision when the user's system knows which message led to it.</summary>
/// <param name="EventId">A unique id for deduplication (usually the order id).</param>
/// <param name="CustomerId">The buyer.</param>
/// <param name="OccurredAt">When the purchase happened.</param>
/// <param name="Purchase">The purchase.</param>
public sealed record PurchaseEvent(string EventId, string CustomerId, Instant OccurredAt, Purchase Purchase)
    : CustomerEvent(EventId, CustomerId, OccurredAt);

/// <summary>A browsing event: the customer looked at a product or category.</summary>
/// <param name="EventId">A unique id for deduplication.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Category">The category viewed.</param>
public sealed record BrowseEvent(string EventId, string CustomerId, Instant OccurredAt, string Category)
    : CustomerEvent(EventId, CustomerId, OccurredAt)
{
    /// <summary>Gets the product viewed, if any.</summary>
    public string? Sku { get; init; }
}

/// <summary>What changed in a subscription.</summary>
public enum SubscriptionChangeKind
{
    /// <summary>A new subscription started.</summary>
    Started = 0,

    /// <summary>The subscription renewed.</summary>
    Renewed = 1,

    /// <summary>The subscription was cancelled.</summary>
    Cancelled = 2,

    /// <summary>The subscription expired.</summary>
    Expired = 3,
}

/// <summary>A change to one of the customer's subscriptions.</summary>
/// <param name="EventId">A unique id for deduplication.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Change">What changed.</param>
/// <param name="Subscription">The subscription after the change.</param>
public sealed record SubscriptionEvent(string EventId, string CustomerId, Instant OccurredAt, SubscriptionChangeKind Change, Subscription Subscription)
    : CustomerEvent(EventId, CustomerId, OccurredAt);

/// <summary>A consent change (opt-in, unsubscribe, STOP, objection) recorded in the customer's append-only ledger.</summary>
/// <param name="EventId">A unique id for deduplication.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Consent">The ledger entry.</param>
public sealed record ConsentEvent(string EventId, string CustomerId, Instant OccurredAt, ConsentRecord Consent)
    : CustomerEvent(EventId, CustomerId, OccurredAt);
