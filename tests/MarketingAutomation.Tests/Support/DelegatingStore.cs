using MarketingAutomation.Testing;

namespace MarketingAutomation.Tests.Support;

/// <summary>
/// A store and review queue that forwards every call to an <see cref="InMemoryCustomerStore"/>; test doubles derive from it and
/// override only the calls they change.
/// </summary>
/// <param name="inner">The store calls go to.</param>
public abstract class DelegatingStore(InMemoryCustomerStore inner) : ICustomerStore, IReviewQueue
{
    protected InMemoryCustomerStore Inner { get; } = inner;

    public virtual ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default) =>
        Inner.AppendEventsAsync(events, cancellationToken);

    public virtual ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default) =>
        Inner.GetDueCustomersAsync(dueBy, after, maxCount, cancellationToken);

    public virtual ValueTask<CustomerContext?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default) => Inner.GetCustomerAsync(customerId, cancellationToken);

    public virtual ValueTask<int> UpsertCustomersAsync(IReadOnlyList<Customer> customers, Instant dueAt, CancellationToken cancellationToken = default) =>
        Inner.UpsertCustomersAsync(customers, dueAt, cancellationToken);

    public virtual ValueTask<DecisionCommitResult> CommitDecisionsAsync(IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default) =>
        Inner.CommitDecisionsAsync(decisions, cancellationToken);

    public virtual ValueTask ScheduleAsync(ReadOnlyMemory<ScheduleUpdate> updates, CancellationToken cancellationToken = default) => Inner.ScheduleAsync(updates, cancellationToken);

    public virtual ValueTask<int> SaveLearnedStatesAsync(IReadOnlyList<LearnedStateUpdate> updates, CancellationToken cancellationToken = default) => Inner.SaveLearnedStatesAsync(updates, cancellationToken);

    public virtual ValueTask<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(Instant now, int maxCount, string owner, Duration lease, CancellationToken cancellationToken = default) =>
        Inner.ClaimOutboxAsync(now, maxCount, owner, lease, cancellationToken);

    public virtual ValueTask<bool> CompleteOutboxAsync(OutboxCompletion completion, CancellationToken cancellationToken = default) => Inner.CompleteOutboxAsync(completion, cancellationToken);

    public virtual ValueTask<bool> ResolveOutboxAsync(string messageId, OutboxStatus status, Instant at, string? providerMessageId = null, string? note = null, CancellationToken cancellationToken = default) =>
        Inner.ResolveOutboxAsync(messageId, status, at, providerMessageId, note, cancellationToken);

    public virtual ValueTask<OutboxMessage?> GetOutboxMessageAsync(string messageId, CancellationToken cancellationToken = default) => Inner.GetOutboxMessageAsync(messageId, cancellationToken);

    public virtual ValueTask<DecisionTrace?> GetTraceAsync(Guid decisionId, CancellationToken cancellationToken = default) => Inner.GetTraceAsync(decisionId, cancellationToken);

    public virtual ValueTask<IReadOnlyList<DecisionTrace>> GetTracesAsync(string customerId, int maxCount, CancellationToken cancellationToken = default) =>
        Inner.GetTracesAsync(customerId, maxCount, cancellationToken);

    public virtual ValueTask<IReadOnlyList<PendingReview>> ListPendingAsync(int maxCount, CancellationToken cancellationToken = default) => Inner.ListPendingAsync(maxCount, cancellationToken);

    public virtual ValueTask<PendingReview?> GetPendingAsync(string reviewId, CancellationToken cancellationToken = default) => Inner.GetPendingAsync(reviewId, cancellationToken);

    public virtual ValueTask<PendingReview?> ResolveAsync(ReviewResolution resolution, CancellationToken cancellationToken = default) => Inner.ResolveAsync(resolution, cancellationToken);
}
