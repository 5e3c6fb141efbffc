namespace MarketingAutomation;

/// <summary>
/// Where customers, their history, decisions, the outbox and traces live. Implementations: the in-memory store in
/// MarketingAutomation.Testing, the EF Core store, or your own (derive a test class from the conformance suite
/// <c>CustomerStoreConformanceTests</c> to check it).
/// </summary>
/// <remarks>
/// Contract, checked by the conformance suite:
/// <list type="bullet">
/// <item>due customers come in keyset order (next evaluation, id), never by scanning everyone;</item>
/// <item>events are appended idempotently by <see cref="CustomerEvent.EventId"/> and projected with <see cref="CustomerProjection"/>;</item>
/// <item>a decision's trace, outbox row, review and schedule commit together or not at all;</item>
/// <item>an outbox row is claimed by one dispatcher at a time under a lease, and completed only by the lease owner.</item>
/// </list>
/// </remarks>
public interface ICustomerStore
{
    /// <summary>
    /// Reads a page of customers whose next evaluation is at or before <paramref name="dueBy"/>, ordered by (next evaluation, id), ids
    /// compared ordinally (binary; in SQL use a binary collation such as <c>COLLATE "C"</c>). <see cref="CustomerBatch.Next"/> may be
    /// non-null even when no more customers follow: callers stop when it is null or a page is empty.
    /// </summary>
    /// <param name="dueBy">The due instant (usually now).</param>
    /// <param name="after">The cursor from the previous page, or null for the first page.</param>
    /// <param name="maxCount">The page size.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The page.</returns>
    ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Reads one customer with recent history.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The customer, or null when unknown.</returns>
    ValueTask<CustomerContext?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts or replaces customers' facts by id, keeping their history, merged with <see cref="CustomerProjection.MergeFacts"/> so that
    /// consent withdrawals and contact invalidations recorded since are never undone by a re-import. New customers are due at
    /// <paramref name="dueAt"/>; changed ones become due then too; unchanged ones (<see cref="CustomerProjection.HasSameFacts"/>) keep their schedule.
    /// </summary>
    /// <param name="customers">The customers (already validated).</param>
    /// <param name="dueAt">When they should be evaluated.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>How many were inserted or changed.</returns>
    ValueTask<int> UpsertCustomersAsync(IReadOnlyList<Customer> customers, Instant dueAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends events idempotently (by <see cref="CustomerEvent.EventId"/> and <see cref="EventContentHash"/>: the inbox, RL-02) and projects them onto the customer with
    /// <see cref="CustomerProjection.Apply"/>. An appended event for which <see cref="CustomerProjection.MakesCustomerDue"/> holds makes its
    /// customer due no later than its <see cref="CustomerEvent.OccurredAt"/>. Events for unknown customers are counted, not stored, and not
    /// remembered as seen. The result reports, per input event, whether it was new (<see cref="EventAppendResult.IsNew"/>). An event whose id
    /// was seen with the same content hash is a duplicate; with a different content hash it is a conflict
    /// (<see cref="EventAppendResult.Conflicts"/>): not applied, not remembered, reported. Ids remembered without a hash (older stores) count
    /// as duplicates.
    /// </summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>How many were new, duplicate, or for unknown customers.</returns>
    ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits decisions: each record's trace (keyed by <see cref="DecisionTrace.DecisionId"/>, which equals <see cref="DecisionRecord.DecisionId"/>),
    /// outbox row (also added to the customer's message history as pending), review (its message added to the history as
    /// <see cref="MessageStatus.HeldForReview"/>, so it occupies its slot) and next evaluation, all or nothing. A record whose outbox
    /// row or review id is already stored is skipped (re-committing is idempotent). A record whose
    /// <see cref="DecisionRecord.BasedOnVersion"/> is set and no longer equals the customer's stored version (checked under the customer's
    /// lock in the same transaction) is superseded: none of it is written and the rest of the batch commits. Stores may drop old traces.
    /// </summary>
    /// <exception cref="InvalidOperationException">A decision names an unknown customer; nothing was committed.</exception>
    /// <param name="decisions">The decisions.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>What was committed and what was superseded, once durable.</returns>
    ValueTask<DecisionCommitResult> CommitDecisionsAsync(IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default);

    /// <summary>Sets customers' next evaluation instants (for no-action decisions, which keep no trace).</summary>
    /// <param name="updates">The updates.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>A task that completes when stored.</returns>
    ValueTask ScheduleAsync(ReadOnlyMemory<ScheduleUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces customers' learned states (<see cref="CustomerContext.LearnedState"/>), leaving everything else (facts, history,
    /// schedule) as it is. Unknown customers are skipped. The last write for a customer wins.
    /// </summary>
    /// <param name="updates">The new states.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>How many customers were updated.</returns>
    ValueTask<int> SaveLearnedStatesAsync(IReadOnlyList<LearnedStateUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>Claims due outbox rows (pending and due, or claimed with an expired lease) for one dispatcher.</summary>
    /// <param name="now">The current instant.</param>
    /// <param name="maxCount">The most rows to claim.</param>
    /// <param name="owner">The dispatcher's id.</param>
    /// <param name="lease">How long the claim holds.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The claimed rows, with <see cref="OutboxMessage.Attempts"/> already incremented.</returns>
    ValueTask<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(Instant now, int maxCount, string owner, Duration lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an attempt's result. Applied when the row is claimed by <see cref="OutboxCompletion.LeaseOwner"/>, even after the lease
    /// ended, unless another dispatcher claimed it since; refused (returns false) otherwise.
    /// </summary>
    /// <param name="completion">The result.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>Whether the completion was applied.</returns>
    ValueTask<bool> CompleteOutboxAsync(OutboxCompletion completion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Settles a row outside the dispatcher: an <see cref="OutboxStatus.Unknown"/> row becomes <see cref="OutboxStatus.Sent"/> or
    /// <see cref="OutboxStatus.Failed"/> after a provider lookup or a person's check; a <see cref="OutboxStatus.Pending"/> row may be
    /// <see cref="OutboxStatus.Cancelled"/>. Any other transition is refused. The customer's message history follows.
    /// </summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="status">Sent or Failed (from Unknown), or Cancelled (from Pending).</param>
    /// <param name="at">When it was settled.</param>
    /// <param name="providerMessageId">The provider's id, when it turned out sent.</param>
    /// <param name="note">Why (kept as the row's last error for Failed and Cancelled).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>Whether the transition was applied.</returns>
    ValueTask<bool> ResolveOutboxAsync(string messageId, OutboxStatus status, Instant at, string? providerMessageId = null, string? note = null, CancellationToken cancellationToken = default);

    /// <summary>Reads one outbox row.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The row, or null.</returns>
    ValueTask<OutboxMessage?> GetOutboxMessageAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>Reads the trace of a decision ("why did this customer get this message?").</summary>
    /// <param name="decisionId">The decision id (on every message and message event).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The trace, or null.</returns>
    ValueTask<DecisionTrace?> GetTraceAsync(Guid decisionId, CancellationToken cancellationToken = default);

    /// <summary>Reads a customer's newest traces, newest first.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="maxCount">The most traces to return.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The traces.</returns>
    ValueTask<IReadOnlyList<DecisionTrace>> GetTracesAsync(string customerId, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers "why did customer X get message Y": the trace of the decision that produced a message, found by the customer id and the
    /// message (outbox) id, whether the message is in the outbox or was held for review. Null when the message is unknown, belongs to
    /// another customer, or its trace was dropped.
    /// </summary>
    /// <remarks>The default implementation reads the outbox row, else the customer's message history, then the trace by decision id.</remarks>
    /// <param name="customerId">The customer id.</param>
    /// <param name="messageId">The message id (equal to the outbox row id).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The trace, or null.</returns>
    async ValueTask<DecisionTrace?> GetMessageTraceAsync(string customerId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(messageId);
        Guid? decisionId = null;
        var row = await GetOutboxMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
        if (row is not null)
        {
            if (!string.Equals(row.Message.CustomerId, customerId, StringComparison.Ordinal))
            {
                return null;
            }

            decisionId = row.Message.DecisionId;
        }
        else
        {
            var customer = await GetCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
            if (customer is not null)
            {
                foreach (var message in customer.Messages)
                {
                    if (string.Equals(message.MessageId, messageId, StringComparison.Ordinal))
                    {
                        decisionId = message.DecisionId;
                    }
                }
            }
        }

        if (decisionId is not { } id)
        {
            return null;
        }

        var trace = await GetTraceAsync(id, cancellationToken).ConfigureAwait(false);
        return trace is not null && string.Equals(trace.CustomerId, customerId, StringComparison.Ordinal) ? trace : null;
    }
}

/// <summary>Where messages wait for human review. Usually implemented by the same object as <see cref="ICustomerStore"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue of messages awaiting review; the name is part of the documented design.")]
public interface IReviewQueue
{
    /// <summary>Lists pending reviews, oldest first.</summary>
    /// <param name="maxCount">The most to return.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The pending reviews.</returns>
    ValueTask<IReadOnlyList<PendingReview>> ListPendingAsync(int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Reads one pending review.</summary>
    /// <param name="reviewId">The review id.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The review, or null when unknown or already resolved.</returns>
    ValueTask<PendingReview?> GetPendingAsync(string reviewId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resolves a pending review atomically: on approval the message enters the outbox (due at <see cref="ReviewResolution.ReleaseAt"/>)
    /// and its history record becomes pending at that instant; on rejection it is dropped and its history record cancelled.
    /// Resolving twice has no further effect.
    /// </summary>
    /// <param name="resolution">The resolution.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The review that was pending, or null when it was unknown or already resolved.</returns>
    ValueTask<PendingReview?> ResolveAsync(ReviewResolution resolution, CancellationToken cancellationToken = default);
}
