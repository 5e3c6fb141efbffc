namespace MarketingAutomation.Testing;

/// <content>Data-subject rights (export, erase, consent ledger, durable suppressions) and model snapshots.</content>
public sealed partial class InMemoryCustomerStore
{
    private readonly Dictionary<(ChannelKind Kind, SuppressionHash Hash), SuppressionEntry> _suppressions = [];
    private readonly Dictionary<string, ModelStateSnapshot> _models = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<CustomerDataExport?> ExportCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_customers.TryGetValue(customerId, out var context))
            {
                return ValueTask.FromResult<CustomerDataExport?>(null);
            }

            var outbox = new List<OutboxMessage>();
            foreach (var row in _outbox.Values)
            {
                if (string.Equals(row.Message.CustomerId, customerId, StringComparison.Ordinal))
                {
                    outbox.Add(row);
                }
            }

            outbox.Sort(static (a, b) =>
            {
                var c = a.DueAt.CompareTo(b.DueAt);
                return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
            });

            var reviews = new List<PendingReview>();
            foreach (var review in _allReviews.Values)
            {
                if (string.Equals(review.CustomerId, customerId, StringComparison.Ordinal))
                {
                    reviews.Add(review);
                }
            }

            reviews.Sort(static (a, b) =>
            {
                var c = a.CreatedAt.CompareTo(b.CreatedAt);
                return c != 0 ? c : string.CompareOrdinal(a.ReviewId, b.ReviewId);
            });

            var traces = _tracesByCustomer.TryGetValue(customerId, out var list) ? [.. list] : ImmutableArray<DecisionTrace>.Empty;
            var customer = context.Customer;
            return ValueTask.FromResult<CustomerDataExport?>(new CustomerDataExport(customer)
            {
                ConsentLedger = Ledger(customer),
                Messages = context.Messages,
                RecentEvents = context.RecentEvents,
                NextEvaluationAt = context.NextEvaluationAt,
                LearnedState = context.LearnedState.ToArray(),
                Outbox = [.. outbox],
                Traces = traces,
                Reviews = [.. reviews],
            });
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConsentRecord>> GetConsentLedgerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<ConsentRecord>>(_customers.TryGetValue(customerId, out var context) ? Ledger(context.Customer) : []);
        }
    }

    /// <inheritdoc />
    public ValueTask<ErasureResult> EraseCustomerAsync(string customerId, IReadOnlyList<SuppressionEntry> suppressions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(suppressions);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var found = _customers.Remove(customerId, out var context);
            if (found)
            {
                _due.Remove(new DueKey(context!.NextEvaluationAt, customerId));
            }

            int outboxRows = 0, pendingRows = 0;
            foreach (var row in _outbox.Values.Where(r => string.Equals(r.Message.CustomerId, customerId, StringComparison.Ordinal)).ToArray())
            {
                RemoveRowFromIndex(row);
                _outbox.Remove(row.Id);
                outboxRows++;
                if (row.Status is OutboxStatus.Pending or OutboxStatus.Claimed)
                {
                    pendingRows++;
                }
            }

            var traces = 0;
            if (_tracesByCustomer.Remove(customerId, out var list))
            {
                foreach (var trace in list)
                {
                    traces += _traces.Remove(trace.DecisionId) ? 1 : 0;
                }
            }

            var reviews = 0;
            foreach (var review in _allReviews.Values.Where(r => string.Equals(r.CustomerId, customerId, StringComparison.Ordinal)).ToArray())
            {
                _allReviews.Remove(review.ReviewId);
                if (_reviews.Remove(review.ReviewId))
                {
                    _reviewOrder.Remove(new DueKey(review.CreatedAt, review.ReviewId));
                }

                reviews++;
            }

            foreach (var id in _eventIds.Where(p => string.Equals(p.Value.CustomerId, customerId, StringComparison.Ordinal)).Select(p => p.Key).ToArray())
            {
                _eventIds.Remove(id);
            }

            var added = AddSuppressionsLocked(suppressions);
            return ValueTask.FromResult(new ErasureResult(found, outboxRows, pendingRows, traces, reviews, added));
        }
    }

    /// <inheritdoc />
    public ValueTask<int> AddSuppressionsAsync(IReadOnlyList<SuppressionEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(AddSuppressionsLocked(entries));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SuppressionEntry>> GetSuppressionsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<SuppressionEntry>>([.. _suppressions.Values]);
        }
    }

    /// <inheritdoc />
    public ValueTask<ModelStateSnapshot?> LoadModelStateAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_models.GetValueOrDefault(name));
        }
    }

    /// <inheritdoc />
    public ValueTask<long> SaveModelStateAsync(string name, ReadOnlyMemory<byte> data, Instant savedAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var version = (_models.TryGetValue(name, out var previous) ? previous.Version : 0) + 1;
            _models[name] = new ModelStateSnapshot(name, version, savedAt, data.ToArray());
            return ValueTask.FromResult(version);
        }
    }

    private static ImmutableArray<ConsentRecord> Ledger(Customer customer) =>
        customer.Consents.IsDefaultOrEmpty ? [] : [.. customer.Consents.OrderBy(c => c.RecordedAt)];

    /// <summary>Adds suppression entries, keeping existing ones. Caller holds the lock.</summary>
    private int AddSuppressionsLocked(IReadOnlyList<SuppressionEntry> entries)
    {
        var added = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            added += _suppressions.TryAdd((entry.Kind, entry.Hash), entry) ? 1 : 0;
        }

        return added;
    }

    /// <summary>An event id the store has applied: its content hash and customer.</summary>
    private readonly record struct SeenEvent(string Hash, string CustomerId);
}
