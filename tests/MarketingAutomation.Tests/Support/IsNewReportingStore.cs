using MarketingAutomation.Testing;

namespace MarketingAutomation.Tests.Support;

/// <summary>
/// Wraps an <see cref="InMemoryCustomerStore"/> and reports <see cref="EventAppendResult.IsNew"/> per event (which the in-memory store
/// does not), so the feedback ingestor's learning can be tested on its own. Assumes it is the only writer of events to the inner store.
/// </summary>
/// <param name="inner">The store.</param>
public sealed class IsNewReportingStore(InMemoryCustomerStore inner) : ICustomerStore, IReviewQueue
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public async ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var known = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            known.TryAdd(e.CustomerId, await inner.GetCustomerAsync(e.CustomerId, cancellationToken) is not null);
        }

        var isNew = ImmutableArray.CreateBuilder<bool>(events.Count);
        lock (_gate)
        {
            foreach (var e in events)
            {
                isNew.Add(known[e.CustomerId] && _seen.Add(e.EventId));
            }
        }

        var result = await inner.AppendEventsAsync(events, cancellationToken);
        return result with { IsNew = isNew.MoveToImmutable() };
    }

    public ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default) =>
        inner.GetDueCustomersAsync(dueBy, after, maxCount, cancellationToken);

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
