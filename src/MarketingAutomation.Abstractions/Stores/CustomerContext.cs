namespace MarketingAutomation;

/// <summary>The delivery state of a message in a customer's history.</summary>
public enum MessageStatus
{
    /// <summary>In the outbox, not yet handed to the channel.</summary>
    Pending = 0,

    /// <summary>Accepted by the channel.</summary>
    Sent = 1,

    /// <summary>Permanently failed or rejected; not delivered.</summary>
    Failed = 2,

    /// <summary>The channel may or may not have accepted it (for example a timeout after sending); never retried blindly.</summary>
    Unknown = 3,

    /// <summary>Cancelled before sending, or rejected by a reviewer.</summary>
    Cancelled = 4,

    /// <summary>Held for human review: not in the outbox, but it occupies its slot (counts against caps, goals see it) until resolved.</summary>
    HeldForReview = 5,
}

/// <summary>A message in a customer's recent history, with its engagement. Frequency rules count these; goals read them to order sequences.</summary>
/// <param name="MessageId">The message id (idempotency key).</param>
/// <param name="DecisionId">The decision that produced it.</param>
/// <param name="GoalId">The goal.</param>
/// <param name="VariantId">The content variant.</param>
/// <param name="Channel">The channel name.</param>
/// <param name="Kind">The channel kind.</param>
/// <param name="Purpose">Marketing or transactional.</param>
/// <param name="ScheduledAt">When it was (or is) to be sent; caps count messages from this instant.</param>
public sealed record MessageRecord(
    string MessageId, Guid DecisionId, string GoalId, string VariantId, string Channel, ChannelKind Kind, MessagePurpose Purpose, Instant ScheduledAt)
{
    /// <summary>Gets the sequence step of the variant.</summary>
    public int Step { get; init; }

    /// <summary>Gets the delivery state.</summary>
    public MessageStatus Status { get; init; }

    /// <summary>Gets when the channel accepted it.</summary>
    public Instant? SentAt { get; init; }

    /// <summary>Gets when a person first engaged (human open, click, reply or attributed purchase), if they did.</summary>
    public Instant? EngagedAt { get; init; }

    /// <summary>Gets a value indicating whether the message was important (follow-up on silence).</summary>
    public bool Important { get; init; }

    /// <summary>Gets how long to wait for engagement before following up, for important messages.</summary>
    public Duration FollowUpAfter { get; init; }

    /// <summary>Gets the decision this message followed up, if it is a follow-up.</summary>
    public Guid? FollowUpOf { get; init; }

    /// <summary>Gets a value indicating whether the message counts against frequency caps (pending, held for review, sent or unknown).</summary>
    public bool CountsTowardCaps => Status is MessageStatus.Pending or MessageStatus.Sent or MessageStatus.Unknown or MessageStatus.HeldForReview;
}

/// <summary>
/// One customer as the engine sees them when deciding: facts, recent message history, recent events and learned state.
/// Built by the store; immutable.
/// </summary>
/// <param name="Customer">The customer's facts.</param>
public sealed record CustomerContext(Customer Customer)
{
    /// <summary>Gets the customer id.</summary>
    public string Id => Customer.Id;

    /// <summary>Gets the messages of the last weeks (every message whose follow-up or cap window is still open), oldest first.</summary>
    public ImmutableArray<MessageRecord> Messages { get; init; } = [];

    /// <summary>Gets recent events (purchases, browsing, message events), oldest first.</summary>
    public ImmutableArray<CustomerEvent> RecentEvents { get; init; } = [];

    /// <summary>Gets when the customer is due for evaluation.</summary>
    public Instant NextEvaluationAt { get; init; }

    /// <summary>Gets the strategy's learned state for this customer (opaque, versioned by the strategy).</summary>
    public ReadOnlyMemory<byte> LearnedState { get; init; }

    /// <summary>Gets a version the store increments on every change, for optimistic concurrency.</summary>
    public long Version { get; init; }

    /// <summary>Counts messages that count against caps, scheduled at or after an instant.</summary>
    /// <param name="since">The start of the window (inclusive).</param>
    /// <param name="kind">A channel kind to count, or null for every channel.</param>
    /// <param name="purpose">A purpose to count, or null for both.</param>
    /// <returns>The count.</returns>
    public int CountMessagesSince(Instant since, ChannelKind? kind = null, MessagePurpose? purpose = null)
    {
        var count = 0;
        var messages = Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (m.ScheduledAt >= since && m.CountsTowardCaps && (kind is null || m.Kind == kind) && (purpose is null || m.Purpose == purpose))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Finds the newest message of a goal that counts (pending, sent or unknown).</summary>
    /// <param name="goalId">The goal id.</param>
    /// <returns>The message, or null.</returns>
    public MessageRecord? LastMessageOf(string goalId)
    {
        MessageRecord? last = null;
        var messages = Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (m.CountsTowardCaps && string.Equals(m.GoalId, goalId, StringComparison.Ordinal) && (last is null || m.ScheduledAt >= last.ScheduledAt))
            {
                last = m;
            }
        }

        return last;
    }
}
