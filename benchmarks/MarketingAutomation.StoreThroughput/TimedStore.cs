using System.Diagnostics;

namespace MarketingAutomation.Benchmarking;

/// <summary>
/// Passes every call to the real store and adds up the wall-clock time of the calls a decision cycle makes (due pages, committed
/// decisions, schedules), so that the console can say where a cycle spends its time. It changes nothing that is stored.
/// </summary>
/// <param name="inner">The real store.</param>
internal sealed class TimedStore(ICustomerStore inner) : ICustomerStore
{
    private long _loadTicks;
    private long _commitTicks;
    private long _scheduleTicks;

    public TimeSpan Load => Stopwatch.GetElapsedTime(0, _loadTicks);

    public TimeSpan Commit => Stopwatch.GetElapsedTime(0, _commitTicks);

    public TimeSpan Schedule => Stopwatch.GetElapsedTime(0, _scheduleTicks);

    public int Pages { get; private set; }

    public int Commits { get; private set; }

    public int Schedules { get; private set; }

    public async ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await inner.GetDueCustomersAsync(dueBy, after, maxCount, cancellationToken);
        _loadTicks += Stopwatch.GetTimestamp() - started;
        Pages++;
        return result;
    }

    public async ValueTask<DecisionCommitResult> CommitDecisionsAsync(IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await inner.CommitDecisionsAsync(decisions, cancellationToken);
        _commitTicks += Stopwatch.GetTimestamp() - started;
        Commits++;
        return result;
    }

    public async ValueTask ScheduleAsync(ReadOnlyMemory<ScheduleUpdate> updates, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await inner.ScheduleAsync(updates, cancellationToken);
        _scheduleTicks += Stopwatch.GetTimestamp() - started;
        Schedules++;
    }

    public ValueTask<CustomerContext?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default) =>
        inner.GetCustomerAsync(customerId, cancellationToken);

    public ValueTask<int> UpsertCustomersAsync(IReadOnlyList<Customer> customers, Instant dueAt, CancellationToken cancellationToken = default) =>
        inner.UpsertCustomersAsync(customers, dueAt, cancellationToken);

    public ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default) =>
        inner.AppendEventsAsync(events, cancellationToken);

    public ValueTask<int> SaveLearnedStatesAsync(IReadOnlyList<LearnedStateUpdate> updates, CancellationToken cancellationToken = default) =>
        inner.SaveLearnedStatesAsync(updates, cancellationToken);

    public ValueTask<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(Instant now, int maxCount, string owner, Duration lease, CancellationToken cancellationToken = default) =>
        inner.ClaimOutboxAsync(now, maxCount, owner, lease, cancellationToken);

    public ValueTask<bool> CompleteOutboxAsync(OutboxCompletion completion, CancellationToken cancellationToken = default) =>
        inner.CompleteOutboxAsync(completion, cancellationToken);

    public ValueTask<bool> ResolveOutboxAsync(string messageId, OutboxStatus status, Instant at, string? providerMessageId = null, string? note = null, CancellationToken cancellationToken = default) =>
        inner.ResolveOutboxAsync(messageId, status, at, providerMessageId, note, cancellationToken);

    public ValueTask<OutboxMessage?> GetOutboxMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        inner.GetOutboxMessageAsync(messageId, cancellationToken);

    public ValueTask<DecisionTrace?> GetTraceAsync(Guid decisionId, CancellationToken cancellationToken = default) =>
        inner.GetTraceAsync(decisionId, cancellationToken);

    public ValueTask<DecisionTrace?> GetMessageTraceAsync(string customerId, string messageId, CancellationToken cancellationToken = default) =>
        inner.GetMessageTraceAsync(customerId, messageId, cancellationToken);

    public ValueTask<IReadOnlyList<DecisionTrace>> GetTracesAsync(string customerId, int maxCount, CancellationToken cancellationToken = default) =>
        inner.GetTracesAsync(customerId, maxCount, cancellationToken);
}
