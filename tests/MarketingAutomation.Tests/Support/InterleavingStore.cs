using MarketingAutomation.Testing;

namespace MarketingAutomation.Tests.Support;

/// <summary>
/// Wraps an <see cref="InMemoryCustomerStore"/> shared with another agent and, once, runs <see cref="Interleave"/> after reading a page
/// of due customers and before handing it to the agent: the other agent changes those customers in between, as a second instance
/// would, so the agent decides from a stale page.
/// </summary>
/// <param name="inner">The shared store.</param>
public sealed class InterleavingStore(InMemoryCustomerStore inner) : ICustomerStore, IReviewQueue
{
    /// <summary>Gets or sets what to run (once) between reading the next page and returning it.</summary>
    public Func<Task>? Interleave { get; set; }

    public ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default) =>
        inner.AppendEventsAsync(events, cancellationToken);

    public async ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default)
    {
        var page = await inner.GetDueCustomersAsync(dueBy, after, maxCount, cancellationToken);
        if (Interleave is { } interleave)
        {
            Interleave = null;
            await interleave();
        }

        return page;
    }

    public ValueTask<CustomerContext?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default) => inner.GetCustomerAsync(customerId, cancellationToken);

    public ValueTask<int> UpsertCustomersAsync(IReadOnlyList<Customer> customers, Instant dueAt, CancellationToken cancellationToken = default) =>
        inner.UpsertCustomersAsync(customers, dueAt, cancellationToken);

    public ValueTask<DecisionCommitResult> CommitDecisionsAsync(IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default) =>
        inner.CommitDecisionsAsync(decisions, cancellationToken);

    public ValueTask ScheduleAsync(ReadOnlyMemory<ScheduleUpdate> updates, CancellationToken cancellationToken = default) => inner.ScheduleAsync(updates, cancellationToken);

    public ValueTask<int> SaveLearnedStatesAsync(IReadOnlyList<LearnedStateUpdate> updates, CancellationToken cancellationToken = default) => inner.SaveLearnedStatesAsync(updates, cancellationToken);

    public ValueTask<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(Instant now, int maxCount, string owner, Duration lease, CancellationToken cancellationToken = default) =>
        inner.ClaimOutboxAsync(now, maxCount, owner, lease, cancellationToken);

    public ValueTask<bool> CompleteOutboxAsync(OutboxCompletion completion, CancellationToken cancellationToken = default) => inner.CompleteOutboxAsync(completion, cancellationToken);

    public ValueTask<bool> ResolveOutboxAsync(string messageId, OutboxStatus status, Instant at, string? providerMessageId = null, string? note = null, CancellationToken cancellationToken = default) =>
        inner.ResolveOutboxAsync(messageId, status, at, providerMessageId, note, cancellationToken);

    public ValueTask<OutboxMessage?> GetOutboxMessageAsync(string messageId, CancellationToken cancellationToken = default) => inner.GetOutboxMessageAsync(messageId, cancellationToken);

    public ValueTask<DecisionTrace?> GetTraceAsync(Guid decisionId, CancellationToken cancellationToken = default) => inner.GetTraceAsync(decisionId, cancellationToken);

    public ValueTask<IReadOnlyList<DecisionTrace>> GetTracesAsync(string customerId, int maxCount, CancellationToken cancellationToken = default) =>
        inner.GetTracesAsync(customerId, maxCount, cancellationToken);

    public ValueTask<IReadOnlyList<PendingReview>> ListPendingAsync(int maxCount, CancellationToken cancellationToken = default) => inner.ListPendingAsync(maxCount, cancellationToken);

    public ValueTask<PendingReview?> GetPendingAsync(string reviewId, CancellationToken cancellationToken = default) => inner.GetPendingAsync(reviewId, cancellationToken);

    public ValueTask<PendingReview?> ResolveAsync(ReviewResolution resolution, CancellationToken cancellationToken = default) => inner.ResolveAsync(resolution, cancellationToken);
}
