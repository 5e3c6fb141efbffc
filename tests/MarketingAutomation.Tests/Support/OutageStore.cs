namespace MarketingAutomation.Tests.Support;

/// <summary>A store whose database can be switched off: while <see cref="IsDown"/>, every call throws as a dropped connection would.</summary>
/// <param name="inner">The store behind it (the database).</param>
public sealed class OutageStore(ICustomerStore inner) : ICustomerStore
{
    private volatile bool _down;

    /// <summary>Gets or sets a value indicating whether the database is down.</summary>
    public bool IsDown
    {
        get => _down;
        set => _down = value;
    }

    /// <summary>Gets how many calls failed because the database was down.</summary>
    public int FailedCalls => Volatile.Read(ref _failedCalls);

    private int _failedCalls;

    public ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default) =>
        Up() ? inner.GetDueCustomersAsync(dueBy, after, maxCount, cancellationToken) : default;

    public ValueTask<CustomerContext?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default) =>
        Up() ? inner.GetCustomerAsync(customerId, cancellationToken) : default;

    public ValueTask<int> UpsertCustomersAsync(IReadOnlyList<Customer> customers, Instant dueAt, CancellationToken cancellationToken = default) =>
        Up() ? inner.UpsertCustomersAsync(customers, dueAt, cancellationToken) : default;

    public ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default) =>
        Up() ? inner.AppendEventsAsync(events, cancellationToken) : default;

    public ValueTask<DecisionCommitResult> CommitDecisionsAsync(IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default) =>
        Up() ? inner.CommitDecisionsAsync(decisions, cancellationToken) : default;

    public ValueTask ScheduleAsync(ReadOnlyMemory<ScheduleUpdate> updates, CancellationToken cancellationToken = default) =>
        Up() ? inner.ScheduleAsync(updates, cancellationToken) : default;

    public ValueTask<int> SaveLearnedStatesAsync(IReadOnlyList<LearnedStateUpdate> updates, CancellationToken cancellationToken = default) =>
        Up() ? inner.SaveLearnedStatesAsync(updates, cancellationToken) : default;

    public ValueTask<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(Instant now, int maxCount, string owner, Duration lease, CancellationToken cancellationToken = default) =>
        Up() ? inner.ClaimOutboxAsync(now, maxCount, owner, lease, cancellationToken) : default;

    public ValueTask<bool> CompleteOutboxAsync(OutboxCompletion completion, CancellationToken cancellationToken = default) =>
        Up() ? inner.CompleteOutboxAsync(completion, cancellationToken) : default;

    public ValueTask<bool> ResolveOutboxAsync(string messageId, OutboxStatus status, Instant at, string? providerMessageId = null, string? note = null, CancellationToken cancellationToken = default) =>
        Up() ? inner.ResolveOutboxAsync(messageId, status, at, providerMessageId, note, cancellationToken) : default;

    public ValueTask<OutboxMessage?> GetOutboxMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        Up() ? inner.GetOutboxMessageAsync(messageId, cancellationToken) : default;

    public ValueTask<DecisionTrace?> GetTraceAsync(Guid decisionId, CancellationToken cancellationToken = default) =>
        Up() ? inner.GetTraceAsync(decisionId, cancellationToken) : default;

    public ValueTask<IReadOnlyList<DecisionTrace>> GetTracesAsync(string customerId, int maxCount, CancellationToken cancellationToken = default) =>
        Up() ? inner.GetTracesAsync(customerId, maxCount, cancellationToken) : default;

    private bool Up()
    {
        if (_down)
        {
            Interlocked.Increment(ref _failedCalls);
            throw new TimeoutException("simulated outage: the database does not answer");
        }

        return true;
    }
}
