namespace MarketingAutomation;

/// <summary>A message waiting for a person to approve or reject it.</summary>
/// <param name="ReviewId">The review id.</param>
/// <param name="Message">The outbox row that is released on approval.</param>
/// <param name="Reason">Why it waits (see <see cref="ReasonCodes"/>).</param>
/// <param name="CreatedAt">When it was held.</param>
public sealed record PendingReview(string ReviewId, OutboxMessage Message, string Reason, Instant CreatedAt)
{
    /// <summary>Gets the customer id.</summary>
    public string CustomerId => Message.Message.CustomerId;

    /// <summary>Gets the decision id.</summary>
    public Guid DecisionId => Message.Message.DecisionId;

    /// <summary>Gets the strategy's confidence when the message was held.</summary>
    public double Confidence { get; init; }
}

/// <summary>How a review ended.</summary>
/// <param name="ReviewId">The review id.</param>
/// <param name="Approved">Whether it was approved.</param>
/// <param name="Reviewer">Who decided.</param>
/// <param name="At">When.</param>
public sealed record ReviewResolution(string ReviewId, bool Approved, string Reviewer, Instant At)
{
    /// <summary>Gets the reviewer's reason (required for rejections).</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the instant the approved message becomes due (now, or the original send instant if later).</summary>
    public Instant? ReleaseAt { get; init; }
}

/// <summary>
/// Everything one decision writes, committed atomically by <see cref="ICustomerStore.CommitDecisionsAsync"/>: the trace, the outbox row
/// or pending review, and the customer's next evaluation instant.
/// </summary>
/// <param name="DecisionId">The decision id.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="DecidedAt">When the decision was made.</param>
/// <param name="Outcome">What it led to.</param>
/// <param name="ReasonCode">The compact reason.</param>
/// <param name="NextEvaluationAt">When to evaluate the customer again.</param>
public sealed record DecisionRecord(Guid DecisionId, string CustomerId, Instant DecidedAt, DecisionOutcome Outcome, string ReasonCode, Instant NextEvaluationAt)
{
    /// <summary>Gets the full trace (null for a plain no-action).</summary>
    public DecisionTrace? Trace { get; init; }

    /// <summary>Gets the outbox row to add, for <see cref="DecisionOutcome.Send"/>.</summary>
    public OutboxMessage? Outbox { get; init; }

    /// <summary>Gets the review to hold, for <see cref="DecisionOutcome.Review"/>.</summary>
    public PendingReview? Review { get; init; }

    /// <summary>Gets the strategy's updated learned state for the customer, if it changed.</summary>
    public ReadOnlyMemory<byte>? LearnedState { get; init; }

    /// <summary>
    /// Gets the <see cref="CustomerContext.Version"/> the decision was made from, or null to commit unconditionally. When set, the store
    /// commits the record only if the customer's stored version still equals it, checked under the customer's lock in the commit's
    /// transaction; otherwise the record is superseded (<see cref="DecisionCommitResult.Superseded"/>) and nothing of it is written.
    /// This is what keeps caps and consent safe when several agent instances decide for the same customer at once: whoever commits
    /// second decided from a customer that has changed since, and must decide again.
    /// </summary>
    public long? BasedOnVersion { get; init; }
}

/// <summary>What <see cref="ICustomerStore.CommitDecisionsAsync"/> did.</summary>
/// <param name="Committed">Records written, or already stored (a re-commit of the same outbox row or review is idempotent).</param>
/// <param name="Superseded">
/// Ids of records not written because their customer changed after the decision (<see cref="DecisionRecord.BasedOnVersion"/> no longer
/// matches); their customers keep their schedule, so they are decided again from the current state.
/// </param>
public sealed record DecisionCommitResult(int Committed, ImmutableArray<Guid> Superseded)
{
    /// <summary>Gets a result for a call that committed nothing.</summary>
    public static DecisionCommitResult None { get; } = new(0, []);

    /// <summary>Gets a result in which every record was committed.</summary>
    /// <param name="count">How many records.</param>
    /// <returns>The result.</returns>
    public static DecisionCommitResult AllCommitted(int count) => count == 0 ? None : new(count, []);
}

/// <summary>A cursor for keyset paging through due customers: (due instant, customer id).</summary>
/// <param name="DueAt">The last customer's due instant.</param>
/// <param name="CustomerId">The last customer's id.</param>
public readonly record struct DueCursor(Instant DueAt, string CustomerId);

/// <summary>One page of due customers.</summary>
/// <param name="Customers">The customers, ordered by (next evaluation, id).</param>
/// <param name="Next">The cursor for the next page, or null when this was the last page.</param>
public sealed record CustomerBatch(IReadOnlyList<CustomerContext> Customers, DueCursor? Next);

/// <summary>A new next-evaluation instant for a customer.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="NextEvaluationAt">When to evaluate next.</param>
public readonly record struct ScheduleUpdate(string CustomerId, Instant NextEvaluationAt);

/// <summary>A customer's new learned state (the strategy's per-customer model), written after feedback was learned.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="State">The new state (opaque bytes, versioned by the strategy).</param>
public readonly record struct LearnedStateUpdate(string CustomerId, ReadOnlyMemory<byte> State);

/// <summary>What appending a batch of events did.</summary>
/// <param name="Appended">Events stored for the first time.</param>
/// <param name="Duplicates">Events already seen with the same content (ignored).</param>
/// <param name="UnknownCustomers">Events for customers the store does not hold (ignored).</param>
public readonly record struct EventAppendResult(int Appended, int Duplicates, int UnknownCustomers)
{
    /// <summary>
    /// Gets, per input event in order, whether it was appended for the first time. Feedback is learned only from these, so a
    /// redelivered event never counts twice. Empty when the store does not report it (then nothing is learned from the batch).
    /// </summary>
    public ImmutableArray<bool> IsNew { get; init; }

    /// <summary>
    /// Gets how many events reused an event id already seen with different content (by <see cref="EventContentHash"/>). A conflict is
    /// neither applied nor remembered: the first content stays, and the caller is told (RL-02). Not included in <see cref="Duplicates"/>.
    /// </summary>
    public int Conflicts { get; init; }

    /// <summary>Gets the ids of the conflicting events, in input order (empty when none). Event ids only: no personal data.</summary>
    public ImmutableArray<string> ConflictingEventIds { get; init; } = [];
}
