namespace MarketingAutomation.Testing;

/// <summary>
/// An in-memory <see cref="ICustomerStore"/> and <see cref="IReviewQueue"/>: the embedded default for tests, samples and benchmarks.
/// Nothing survives the process.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: every operation runs under one lock and is atomic, so the engine's parallel batches and a concurrent dispatcher
/// see consistent state. Due customers are kept in a sorted index of (next evaluation, id) and read with the keyset cursor
/// <see cref="DueCursor"/>, so a page costs O(log n + page size), not a scan of every customer. Customer ids are ordered ordinally.
/// </para>
/// <para>
/// Semantics follow <see cref="ICustomerStore"/> and <see cref="IReviewQueue"/>, with these choices where the contract leaves room:
/// an appended event makes its customer due no later than the event's instant; a completion from the lease owner is applied even if
/// the lease has expired, as long as no other dispatcher has claimed the row since; the newest
/// <see cref="MaxTracesPerCustomer"/> traces are kept per customer (older ones are forgotten, also by decision id).
/// </para>
/// </remarks>
public sealed partial class InMemoryCustomerStore : ICustomerStore, IReviewQueue, IPersonalDataStore, IModelStateStore
{
    /// <summary>The default number of traces kept per customer.</summary>
    public const int DefaultMaxTracesPerCustomer = 50;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CustomerContext> _customers = new(StringComparer.Ordinal);
    private readonly SortedSet<DueKey> _due = new(DueKey.Comparer);
    private readonly Dictionary<string, SeenEvent> _eventIds = new(StringComparer.Ordinal);

    private readonly Dictionary<string, OutboxMessage> _outbox = new(StringComparer.Ordinal);
    private readonly SortedSet<DueKey> _pendingOutbox = new(DueKey.Comparer);
    private readonly SortedSet<DueKey> _claimedOutbox = new(DueKey.Comparer);

    private readonly Dictionary<Guid, DecisionTrace> _traces = [];
    private readonly Dictionary<string, List<DecisionTrace>> _tracesByCustomer = new(StringComparer.Ordinal);

    private readonly Dictionary<string, PendingReview> _reviews = new(StringComparer.Ordinal);
    private readonly SortedSet<DueKey> _reviewOrder = new(DueKey.Comparer);
    private readonly Dictionary<string, PendingReview> _allReviews = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="InMemoryCustomerStore"/> class.</summary>
    /// <param name="maxTracesPerCustomer">How many traces to keep per customer (newest first).</param>
    public InMemoryCustomerStore(int maxTracesPerCustomer = DefaultMaxTracesPerCustomer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTracesPerCustomer);
        MaxTracesPerCustomer = maxTracesPerCustomer;
    }

    /// <summary>Gets how many traces are kept per customer.</summary>
    public int MaxTracesPerCustomer { get; }

    /// <summary>Gets the number of customers held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _customers.Count;
            }
        }
    }

    /// <summary>Gets a snapshot of the ids of every customer held, in ordinal order.</summary>
    public IReadOnlyCollection<string> CustomerIds
    {
        get
        {
            string[] ids;
            lock (_gate)
            {
                ids = [.. _customers.Keys];
            }

            Array.Sort(ids, StringComparer.Ordinal);
            return ids;
        }
    }

    /// <summary>Returns a snapshot of every outbox row, whatever its status, ordered by due instant then id.</summary>
    /// <returns>The rows.</returns>
    public IReadOnlyList<OutboxMessage> OutboxSnapshot()
    {
        OutboxMessage[] rows;
        lock (_gate)
        {
            rows = [.. _outbox.Values];
        }

        Array.Sort(rows, static (a, b) =>
        {
            var c = a.DueAt.CompareTo(b.DueAt);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });
        return rows;
    }

    /// <inheritdoc />
    public ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        var page = new List<CustomerContext>(Math.Min(maxCount, 1024));
        var more = false;
        lock (_gate)
        {
            if (_due.Count > 0)
            {
                var lower = after is { } cursor ? new DueKey(cursor.DueAt, cursor.CustomerId ?? string.Empty) : new DueKey(Instant.MinValue, string.Empty);
                var upper = _due.Max;
                if (DueKey.Comparer.Compare(lower, upper) <= 0)
                {
                    // GetViewBetween is inclusive and O(log n); the cursor itself is skipped below.
                    foreach (var key in _due.GetViewBetween(lower, upper))
                    {
                        if (key.At > dueBy)
                        {
                            break;
                        }

                        if (after is not null && DueKey.Comparer.Compare(key, lower) == 0)
                        {
                            continue;
                        }

                        if (page.Count == maxCount)
                        {
                            more = true;
                            break;
                        }

                        page.Add(_customers[key.Id]);
                    }
                }
            }
        }

        DueCursor? next = more ? new DueCursor(page[^1].NextEvaluationAt, page[^1].Id) : null;
        return ValueTask.FromResult(new CustomerBatch(page, next));
    }

    /// <inheritdoc />
    public ValueTask<CustomerContext?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_customers.GetValueOrDefault(customerId));
        }
    }

    /// <inheritdoc />
    public ValueTask<int> UpsertCustomersAsync(IReadOnlyList<Customer> customers, Instant dueAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < customers.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(customers[i], nameof(customers));
            ArgumentException.ThrowIfNullOrEmpty(customers[i].Id, nameof(customers));
        }

        var changed = 0;
        lock (_gate)
        {
            for (var i = 0; i < customers.Count; i++)
            {
                var customer = customers[i];
                if (_customers.TryGetValue(customer.Id, out var existing))
                {
                    customer = CustomerProjection.MergeFacts(existing.Customer, customer);
                    if (CustomerProjection.HasSameFacts(existing.Customer, customer))
                    {
                        continue;
                    }

                    Put(existing, existing with { Customer = customer, NextEvaluationAt = dueAt, Version = existing.Version + 1 });
                }
                else
                {
                    Put(null, new CustomerContext(customer) { NextEvaluationAt = dueAt, Version = 1 });
                }

                changed++;
            }
        }

        return ValueTask.FromResult(changed);
    }

    /// <inheritdoc />
    /// <remarks>An appended event makes its customer due no later than <see cref="CustomerEvent.OccurredAt"/>, so feedback is acted on.</remarks>
    public ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < events.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(events[i], nameof(events));
        }

        int appended = 0, duplicates = 0, unknown = 0;
        var isNew = new bool[events.Count];
        var hashes = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            hashes[i] = EventContentHash.Compute(events[i]);
        }

        var conflicts = ImmutableArray.CreateBuilder<string>();
        lock (_gate)
        {
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                if (_eventIds.TryGetValue(e.EventId, out var seen))
                {
                    if (string.Equals(seen.Hash, hashes[i], StringComparison.Ordinal))
                    {
                        duplicates++;
                    }
                    else
                    {
                        conflicts.Add(e.EventId);
                    }

                    continue;
                }

                if (!_customers.TryGetValue(e.CustomerId, out var existing))
                {
                    // Not remembered as seen: the same event is applied if it arrives again after the customer exists.
                    unknown++;
                    continue;
                }

                var updated = CustomerProjection.ApplyAndSchedule(existing, e);

                Put(existing, updated);
                _eventIds.Add(e.EventId, new SeenEvent(hashes[i], e.CustomerId));
                isNew[i] = true;
                appended++;
            }
        }

        return ValueTask.FromResult(new EventAppendResult(appended, duplicates, unknown)
        {
            IsNew = ImmutableArray.Create(isNew),
            Conflicts = conflicts.Count,
            ConflictingEventIds = conflicts.ToImmutable(),
        });
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A decision names a customer the store does not hold; nothing was changed.</exception>
    public ValueTask<DecisionCommitResult> CommitDecisionsAsync(IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < decisions.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(decisions[i], nameof(decisions));
        }

        lock (_gate)
        {
            // Validate everything before changing anything: the whole list commits or nothing does.
            for (var i = 0; i < decisions.Count; i++)
            {
                if (!_customers.ContainsKey(decisions[i].CustomerId))
                {
                    throw new InvalidOperationException(
                        $"Cannot commit decision {decisions[i].DecisionId}: the store holds no customer '{decisions[i].CustomerId}'. No decision of the batch was committed.");
                }
            }

            var committed = 0;
            ImmutableArray<Guid>.Builder? superseded = null;
            for (var i = 0; i < decisions.Count; i++)
            {
                var d = decisions[i];
                var before = _customers[d.CustomerId];
                var recommit = (d.Outbox is { } o && _outbox.ContainsKey(o.Id)) || (d.Review is { } r && _allReviews.ContainsKey(r.ReviewId));
                if (!recommit && d.BasedOnVersion is { } basedOn && basedOn != before.Version)
                {
                    (superseded ??= ImmutableArray.CreateBuilder<Guid>()).Add(d.DecisionId);
                    continue;
                }

                committed++;
                var context = before;
                if (d.Trace is { } trace)
                {
                    StoreTrace(d.CustomerId, trace);
                }

                if (d.Outbox is { } outbox && !_outbox.ContainsKey(outbox.Id))
                {
                    var row = AsNewRow(outbox, outbox.DueAt);
                    AddRow(row);
                    context = CustomerProjection.AddMessage(context, row);
                }

                if (d.Review is { } review && _allReviews.TryAdd(review.ReviewId, review))
                {
                    _reviews.Add(review.ReviewId, review);
                    _reviewOrder.Add(new DueKey(review.CreatedAt, review.ReviewId));
                    context = CustomerProjection.AddMessage(context, review.Message, MessageStatus.HeldForReview);
                }

                if (d.LearnedState is { } state)
                {
                    context = context with { LearnedState = state.ToArray() };
                }

                if (!ReferenceEquals(context, before) || context.NextEvaluationAt != d.NextEvaluationAt)
                {
                    Put(before, context with { NextEvaluationAt = d.NextEvaluationAt, Version = before.Version + 1 });
                }
            }

            return ValueTask.FromResult(superseded is null ? DecisionCommitResult.AllCommitted(committed) : new DecisionCommitResult(committed, superseded.ToImmutable()));
        }
    }

    /// <inheritdoc />
    public ValueTask ScheduleAsync(ReadOnlyMemory<ScheduleUpdate> updates, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var span = updates.Span;
        lock (_gate)
        {
            for (var i = 0; i < span.Length; i++)
            {
                var u = span[i];
                if (u.CustomerId is not null && _customers.TryGetValue(u.CustomerId, out var existing) && existing.NextEvaluationAt != u.NextEvaluationAt)
                {
                    Put(existing, existing with { NextEvaluationAt = u.NextEvaluationAt, Version = existing.Version + 1 });
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<int> SaveLearnedStatesAsync(IReadOnlyList<LearnedStateUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        cancellationToken.ThrowIfCancellationRequested();
        var saved = 0;
        lock (_gate)
        {
            for (var i = 0; i < updates.Count; i++)
            {
                var u = updates[i];
                if (u.CustomerId is not null && _customers.TryGetValue(u.CustomerId, out var existing))
                {
                    Put(existing, existing with { LearnedState = u.State.ToArray(), Version = existing.Version + 1 });
                    saved++;
                }
            }
        }

        return ValueTask.FromResult(saved);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(Instant now, int maxCount, string owner, Duration lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (lease <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "The lease must be positive.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (maxCount == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<OutboxMessage>>([]);
        }

        lock (_gate)
        {
            // Claimable: pending rows due by now, and claimed rows whose lease ended. Both indexes are sorted, so each yields
            // at most maxCount rows; the union is then ordered by (due, id).
            var candidates = new List<OutboxMessage>();
            foreach (var key in _pendingOutbox)
            {
                if (key.At > now || candidates.Count == maxCount)
                {
                    break;
                }

                candidates.Add(_outbox[key.Id]);
            }

            var pendingCount = candidates.Count;
            foreach (var key in _claimedOutbox)
            {
                if (key.At > now || candidates.Count - pendingCount == maxCount)
                {
                    break;
                }

                candidates.Add(_outbox[key.Id]);
            }

            if (pendingCount != candidates.Count)
            {
                candidates.Sort(static (a, b) =>
                {
                    var c = a.DueAt.CompareTo(b.DueAt);
                    return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
                });
            }

            var count = Math.Min(maxCount, candidates.Count);
            var claimed = new OutboxMessage[count];
            var until = now + lease;
            for (var i = 0; i < count; i++)
            {
                var row = candidates[i];
                RemoveRowFromIndex(row);
                var updated = row with { Status = OutboxStatus.Claimed, LeaseOwner = owner, LeaseUntil = until, Attempts = row.Attempts + 1 };
                AddRow(updated);
                claimed[i] = updated;
            }

            return ValueTask.FromResult<IReadOnlyList<OutboxMessage>>(claimed);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> CompleteOutboxAsync(OutboxCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completion);
        if (completion.Status == OutboxStatus.Claimed)
        {
            throw new ArgumentOutOfRangeException(nameof(completion), completion.Status, "A completion's status must be Sent, Failed, Unknown, Cancelled or Pending.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_outbox.TryGetValue(completion.MessageId, out var row)
                || row.Status != OutboxStatus.Claimed
                || !string.Equals(row.LeaseOwner, completion.LeaseOwner, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(false);
            }

            var updated = completion.Status switch
            {
                OutboxStatus.Sent => row with { ProviderMessageId = completion.ProviderMessageId },
                OutboxStatus.Pending => row with { DueAt = completion.RetryAt ?? completion.At, LastError = completion.Error ?? row.LastError },
                _ => row with { LastError = completion.Error ?? row.LastError },
            };
            updated = updated with { Status = completion.Status, LeaseOwner = null, LeaseUntil = null };
            RemoveRowFromIndex(row);
            AddRow(updated);

            MessageStatus? history = completion.Status switch
            {
                OutboxStatus.Sent => MessageStatus.Sent,
                OutboxStatus.Failed => MessageStatus.Failed,
                OutboxStatus.Unknown => MessageStatus.Unknown,
                OutboxStatus.Cancelled => MessageStatus.Cancelled,
                _ => null,
            };
            if (history is { } status && _customers.TryGetValue(row.Message.CustomerId, out var customer))
            {
                var after = CustomerProjection.SetMessageStatus(customer, row.Id, status, completion.At);
                if (!ReferenceEquals(after, customer))
                {
                    Put(customer, after);
                }
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ResolveOutboxAsync(string messageId, OutboxStatus status, Instant at, string? providerMessageId = null, string? note = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_outbox.TryGetValue(messageId, out var row))
            {
                return ValueTask.FromResult(false);
            }

            var allowed = (row.Status == OutboxStatus.Unknown && status is OutboxStatus.Sent or OutboxStatus.Failed)
                || (row.Status == OutboxStatus.Pending && status == OutboxStatus.Cancelled);
            if (!allowed)
            {
                return ValueTask.FromResult(false);
            }

            var updated = row with
            {
                Status = status,
                ProviderMessageId = status == OutboxStatus.Sent ? providerMessageId ?? row.ProviderMessageId : row.ProviderMessageId,
                LastError = status == OutboxStatus.Sent ? row.LastError : note ?? row.LastError,
            };
            RemoveRowFromIndex(row);
            AddRow(updated);
            var history = status switch
            {
                OutboxStatus.Sent => MessageStatus.Sent,
                OutboxStatus.Failed => MessageStatus.Failed,
                _ => MessageStatus.Cancelled,
            };
            if (_customers.TryGetValue(row.Message.CustomerId, out var customer))
            {
                var after = CustomerProjection.SetMessageStatus(customer, row.Id, history, at);
                if (!ReferenceEquals(after, customer))
                {
                    Put(customer, after);
                }
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<OutboxMessage?> GetOutboxMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_outbox.GetValueOrDefault(messageId));
        }
    }

    /// <inheritdoc />
    public ValueTask<DecisionTrace?> GetTraceAsync(Guid decisionId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_traces.GetValueOrDefault(decisionId));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DecisionTrace>> GetTracesAsync(string customerId, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_tracesByCustomer.TryGetValue(customerId, out var list) || maxCount == 0)
            {
                return ValueTask.FromResult<IReadOnlyList<DecisionTrace>>([]);
            }

            return ValueTask.FromResult<IReadOnlyList<DecisionTrace>>(list.GetRange(0, Math.Min(maxCount, list.Count)).ToArray());
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PendingReview>> ListPendingAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var result = new List<PendingReview>(Math.Min(maxCount, _reviews.Count));
            foreach (var key in _reviewOrder)
            {
                if (result.Count == maxCount)
                {
                    break;
                }

                result.Add(_reviews[key.Id]);
            }

            return ValueTask.FromResult<IReadOnlyList<PendingReview>>(result);
        }
    }

    /// <inheritdoc />
    public ValueTask<PendingReview?> GetPendingAsync(string reviewId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_reviews.GetValueOrDefault(reviewId));
        }
    }

    /// <inheritdoc />
    public ValueTask<PendingReview?> ResolveAsync(ReviewResolution resolution, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_reviews.Remove(resolution.ReviewId, out var review))
            {
                return ValueTask.FromResult<PendingReview?>(null);
            }

            _reviewOrder.Remove(new DueKey(review.CreatedAt, review.ReviewId));
            var releaseAt = resolution.ReleaseAt ?? resolution.At;
            if (resolution.Approved && !_outbox.ContainsKey(review.Message.Id))
            {
                AddRow(AsNewRow(review.Message, releaseAt));
            }

            if (_customers.TryGetValue(review.CustomerId, out var customer))
            {
                Put(customer, CustomerProjection.ResolveHeldMessage(customer, review.Message, resolution.Approved, releaseAt));
            }

            return ValueTask.FromResult<PendingReview?>(review);
        }
    }

    private static OutboxMessage AsNewRow(OutboxMessage row, Instant dueAt) =>
        row with { DueAt = dueAt, Status = OutboxStatus.Pending, Attempts = 0, LeaseOwner = null, LeaseUntil = null, ProviderMessageId = null, LastError = null };

    /// <summary>Replaces a customer's context and keeps the due index in step. Caller holds the lock.</summary>
    private void Put(CustomerContext? before, CustomerContext after)
    {
        if (before is null)
        {
            _due.Add(new DueKey(after.NextEvaluationAt, after.Id));
        }
        else if (before.NextEvaluationAt != after.NextEvaluationAt)
        {
            _due.Remove(new DueKey(before.NextEvaluationAt, before.Id));
            _due.Add(new DueKey(after.NextEvaluationAt, after.Id));
        }

        _customers[after.Id] = after;
    }

    /// <summary>Stores a row and indexes it if it can be claimed. Caller holds the lock.</summary>
    private void AddRow(OutboxMessage row)
    {
        _outbox[row.Id] = row;
        if (row.Status == OutboxStatus.Pending)
        {
            _pendingOutbox.Add(new DueKey(row.DueAt, row.Id));
        }
        else if (row.Status == OutboxStatus.Claimed && row.LeaseUntil is { } until)
        {
            _claimedOutbox.Add(new DueKey(until, row.Id));
        }
    }

    /// <summary>Removes a row from the claim indexes. Caller holds the lock.</summary>
    private void RemoveRowFromIndex(OutboxMessage row)
    {
        if (row.Status == OutboxStatus.Pending)
        {
            _pendingOutbox.Remove(new DueKey(row.DueAt, row.Id));
        }
        else if (row.Status == OutboxStatus.Claimed && row.LeaseUntil is { } until)
        {
            _claimedOutbox.Remove(new DueKey(until, row.Id));
        }
    }

    /// <summary>Stores a trace by decision id and in the customer's newest-first list, trimming the oldest. Caller holds the lock.</summary>
    private void StoreTrace(string customerId, DecisionTrace trace)
    {
        if (!_tracesByCustomer.TryGetValue(customerId, out var list))
        {
            list = [];
            _tracesByCustomer.Add(customerId, list);
        }

        if (_traces.ContainsKey(trace.DecisionId))
        {
            // The same decision committed again: replace, never list it twice.
            list.RemoveAll(t => t.DecisionId == trace.DecisionId);
        }

        _traces[trace.DecisionId] = trace;

        // Newest first by evaluation instant; among equal instants the one stored last comes first.
        var index = 0;
        while (index < list.Count && list[index].EvaluatedAt > trace.EvaluatedAt)
        {
            index++;
        }

        list.Insert(index, trace);
        while (list.Count > MaxTracesPerCustomer)
        {
            var oldest = list[^1];
            list.RemoveAt(list.Count - 1);
            _traces.Remove(oldest.DecisionId);
        }
    }

    /// <summary>A key in a sorted index: an instant, then an id in ordinal order.</summary>
    private readonly record struct DueKey(Instant At, string Id)
    {
        public static DueKeyComparer Comparer { get; } = new();
    }

    /// <summary>Orders <see cref="DueKey"/> by instant, then by id (ordinal).</summary>
    private sealed class DueKeyComparer : IComparer<DueKey>
    {
        public int Compare(DueKey x, DueKey y)
        {
            var c = x.At.CompareTo(y.At);
            return c != 0 ? c : string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
