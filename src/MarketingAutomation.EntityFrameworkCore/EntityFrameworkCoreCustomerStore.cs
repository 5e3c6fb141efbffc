using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <summary>
/// An <see cref="ICustomerStore"/> and <see cref="IReviewQueue"/> over EF Core, with the semantics of the in-memory reference store
/// (<c>InMemoryCustomerStore</c>): every change to a customer goes through <see cref="CustomerProjection"/>, and every multi-row change
/// runs in one database transaction on one connection (a new context per operation).
/// </summary>
/// <remarks>
/// <para>Customers are stored as JSON documents (facts, recent messages, recent events) next to the indexed columns the store queries:
/// the next evaluation as Unix ticks with an index on (next evaluation, id) for keyset paging. Ids are ordered by the database's
/// collation of the id column (binary on SQLite).</para>
/// <para>On SQLite, writes from one process are serialized by a gate (SQLite has one writer anyway) and transactions begin
/// immediately, so concurrent claims never hand a row out twice. On PostgreSQL (Npgsql), the customers an operation changes are
/// locked <c>FOR UPDATE</c> in id order and claims read with <c>FOR UPDATE SKIP LOCKED</c>. On every provider the versions of
/// customers and outbox rows are concurrency tokens; a conflicting write (or, on PostgreSQL, a unique violation from a concurrent
/// insert, a serialization failure or a deadlock) is redone from the start, up to ten times.</para>
/// <para>Nothing is logged by the store. EF Core logs SQL without parameter values unless sensitive data logging is enabled, which
/// would log personal data (addresses, message bodies) and must stay off outside development.</para>
/// </remarks>
internal sealed class EntityFrameworkCoreCustomerStore : ICustomerStore, IReviewQueue, IDisposable
{
    /// <summary>The default number of traces kept per customer.</summary>
    public const int DefaultMaxTracesPerCustomer = 50;

    private const int MaxWriteAttempts = 10;
    private const int MaxIdsPerQuery = 500;

    private readonly IDbContextFactory<MarketingAutomationDbContext> _factory;
    private readonly bool _ensureCreated;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile bool _schemaReady;
    private bool _serializeWrites;
    private bool _isNpgsql;

    /// <summary>Initializes a new instance of the <see cref="EntityFrameworkCoreCustomerStore"/> class.</summary>
    /// <param name="factory">Creates a context per operation.</param>
    /// <param name="ensureCreated">Whether to create the schema at first use (<c>Database.EnsureCreatedAsync</c>).</param>
    /// <param name="maxTracesPerCustomer">How many traces to keep per customer (newest first).</param>
    public EntityFrameworkCoreCustomerStore(IDbContextFactory<MarketingAutomationDbContext> factory, bool ensureCreated = true, int maxTracesPerCustomer = DefaultMaxTracesPerCustomer)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTracesPerCustomer);
        _factory = factory;
        _ensureCreated = ensureCreated;
        MaxTracesPerCustomer = maxTracesPerCustomer;
    }

    /// <summary>Gets how many traces are kept per customer.</summary>
    public int MaxTracesPerCustomer { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        _schemaGate.Dispose();
        _writeGate.Dispose();
    }

    // ------------------------------------------------------------------------------------------------ reads

    /// <inheritdoc />
    public async ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // Keyset paging as two range reads of the (next evaluation, id) index: the rest of the cursor's instant, then later instants.
            var take = maxCount == int.MaxValue ? maxCount : maxCount + 1;
            var rows = new List<CustomerRow>();
            if (after is { } cursor && cursor.DueAt <= dueBy)
            {
                rows.AddRange(await SameInstantAfterQuery(db.Customers.AsNoTracking(), cursor).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false));
            }

            if (rows.Count < take)
            {
                rows.AddRange(await DueQuery(db.Customers.AsNoTracking(), dueBy, after?.DueAt).Take(take - rows.Count).ToListAsync(cancellationToken).ConfigureAwait(false));
            }
            var more = rows.Count > maxCount;
            var page = new List<CustomerContext>(Math.Min(rows.Count, maxCount));
            for (var i = 0; i < rows.Count && i < maxCount; i++)
            {
                page.Add(ToContext(rows[i]));
            }

            DueCursor? next = more ? new DueCursor(page[^1].NextEvaluationAt, page[^1].Id) : null;
            return new CustomerBatch(page, next);
        }
    }

    /// <inheritdoc />
    public async ValueTask<CustomerContext?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        cancellationToken.ThrowIfCancellationRequested();
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, cancellationToken).ConfigureAwait(false);
            return row is null ? null : ToContext(row);
        }
    }

    /// <inheritdoc />
    public async ValueTask<OutboxMessage?> GetOutboxMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Outbox.AsNoTracking().FirstOrDefaultAsync(o => o.MessageId == messageId, cancellationToken).ConfigureAwait(false);
            return row is null ? null : ToOutbox(row);
        }
    }

    /// <inheritdoc />
    public async ValueTask<DecisionTrace?> GetTraceAsync(Guid decisionId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var json = await db.Traces.AsNoTracking().Where(t => t.DecisionId == decisionId).Select(t => t.Json).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return json is null ? null : StoreJson.Deserialize<DecisionTrace>(json);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DecisionTrace>> GetTracesAsync(string customerId, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        if (maxCount == 0)
        {
            return [];
        }

        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var json = await db.Traces.AsNoTracking()
                .Where(t => t.CustomerId == customerId)
                .OrderByDescending(t => t.AtTicks).ThenByDescending(t => t.Sequence)
                .Take(maxCount)
                .Select(t => t.Json)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return json.ConvertAll(StoreJson.Deserialize<DecisionTrace>);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<PendingReview>> ListPendingAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        if (maxCount == 0)
        {
            return [];
        }

        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var json = await PendingReviewsQuery(db.Reviews.AsNoTracking())
                .Take(maxCount)
                .Select(r => r.Json)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return json.ConvertAll(StoreJson.Deserialize<PendingReview>);
        }
    }

    /// <inheritdoc />
    public async ValueTask<PendingReview?> GetPendingAsync(string reviewId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewId);
        cancellationToken.ThrowIfCancellationRequested();
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var json = await db.Reviews.AsNoTracking().Where(r => r.ReviewId == reviewId && !r.Resolved).Select(r => r.Json).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return json is null ? null : StoreJson.Deserialize<PendingReview>(json);
        }
    }

    // ------------------------------------------------------------------------------------------------ customers and events

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

        if (customers.Count == 0)
        {
            return ValueTask.FromResult(0);
        }

        return WriteAsync(async (db, ct) =>
        {
            var loaded = await LoadCustomersAsync(db, customers.Select(c => c.Id), ct).ConfigureAwait(false);
            var changed = 0;
            for (var i = 0; i < customers.Count; i++)
            {
                var customer = customers[i];
                if (loaded.TryGetValue(customer.Id, out var entry))
                {
                    var existing = entry.Context;
                    customer = CustomerProjection.MergeFacts(existing.Customer, customer);
                    if (CustomerProjection.HasSameFacts(existing.Customer, customer))
                    {
                        continue;
                    }

                    entry.Put(existing with { Customer = customer, NextEvaluationAt = dueAt, Version = existing.Version + 1 });
                }
                else
                {
                    var context = new CustomerContext(customer) { NextEvaluationAt = dueAt, Version = 1 };
                    var row = new CustomerRow { Id = customer.Id, FactsJson = string.Empty, MessagesJson = string.Empty, RecentEventsJson = string.Empty };
                    var added = new LoadedCustomer(row, context);
                    added.Put(context);
                    db.Customers.Add(row);
                    loaded.Add(customer.Id, added);
                }

                changed++;
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return changed;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < events.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(events[i], nameof(events));
        }

        if (events.Count == 0)
        {
            return ValueTask.FromResult(new EventAppendResult(0, 0, 0) { IsNew = [] });
        }

        return WriteAsync(async (db, ct) =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in events.Select(e => e.EventId).Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
            {
                var found = await db.EventIds.AsNoTracking().Where(e => chunk.Contains(e.EventId)).Select(e => e.EventId).ToListAsync(ct).ConfigureAwait(false);
                seen.UnionWith(found);
            }

            var loaded = await LoadCustomersAsync(db, events.Select(e => e.CustomerId), ct).ConfigureAwait(false);
            int appended = 0, duplicates = 0, unknown = 0;
            var isNew = new bool[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                if (seen.Contains(e.EventId))
                {
                    duplicates++;
                    continue;
                }

                if (!loaded.TryGetValue(e.CustomerId, out var entry))
                {
                    // Not remembered as seen: the same event is applied if it arrives again after the customer exists.
                    unknown++;
                    continue;
                }

                var updated = CustomerProjection.ApplyAndSchedule(entry.Context, e);

                entry.Put(updated);
                seen.Add(e.EventId);
                db.EventIds.Add(new EventIdRow { EventId = e.EventId, CustomerId = e.CustomerId });
                isNew[i] = true;
                appended++;
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return new EventAppendResult(appended, duplicates, unknown) { IsNew = ImmutableArray.Create(isNew) };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask ScheduleAsync(ReadOnlyMemory<ScheduleUpdate> updates, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (updates.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        var copy = updates.ToArray();
        return new ValueTask(WriteAsync(async (db, ct) =>
        {
            var loaded = await LoadCustomersAsync(db, copy.Where(u => u.CustomerId is not null).Select(u => u.CustomerId), ct).ConfigureAwait(false);
            foreach (var u in copy)
            {
                if (u.CustomerId is not null && loaded.TryGetValue(u.CustomerId, out var entry) && entry.Context.NextEvaluationAt != u.NextEvaluationAt)
                {
                    entry.Put(entry.Context with { NextEvaluationAt = u.NextEvaluationAt, Version = entry.Context.Version + 1 }, scheduleOnly: true);
                }
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).AsTask());
    }

    /// <inheritdoc />
    public ValueTask<int> SaveLearnedStatesAsync(IReadOnlyList<LearnedStateUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        cancellationToken.ThrowIfCancellationRequested();
        if (updates.Count == 0)
        {
            return ValueTask.FromResult(0);
        }

        return WriteAsync(async (db, ct) =>
        {
            var loaded = await LoadCustomersAsync(db, updates.Where(u => u.CustomerId is not null).Select(u => u.CustomerId), ct).ConfigureAwait(false);
            var saved = 0;
            for (var i = 0; i < updates.Count; i++)
            {
                var u = updates[i];
                if (u.CustomerId is not null && loaded.TryGetValue(u.CustomerId, out var entry))
                {
                    entry.Row.LearnedState = u.State.ToArray();
                    entry.Row.Version = entry.Context.Version + 1;
                    entry.Context = entry.Context with { LearnedState = entry.Row.LearnedState, Version = entry.Row.Version };
                    saved++;
                }
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return saved;
        }, cancellationToken);
    }

    // ------------------------------------------------------------------------------------------------ decisions

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A decision names a customer the store does not hold; nothing was changed.</exception>
    public ValueTask CommitDecisionsAsync(IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < decisions.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(decisions[i], nameof(decisions));
        }

        if (decisions.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(WriteAsync(async (db, ct) =>
        {
            var loaded = await LoadCustomersAsync(db, decisions.Select(d => d.CustomerId), ct).ConfigureAwait(false);

            // Validate everything before changing anything: the whole list commits or nothing does.
            for (var i = 0; i < decisions.Count; i++)
            {
                if (!loaded.ContainsKey(decisions[i].CustomerId))
                {
                    throw new InvalidOperationException(
                        $"Cannot commit decision {decisions[i].DecisionId}: the store holds no customer '{decisions[i].CustomerId}'. No decision of the batch was committed.");
                }
            }

            var outboxIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in decisions.Where(d => d.Outbox is not null).Select(d => d.Outbox!.Id).Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
            {
                outboxIds.UnionWith(await db.Outbox.AsNoTracking().Where(o => chunk.Contains(o.MessageId)).Select(o => o.MessageId).ToListAsync(ct).ConfigureAwait(false));
            }

            var reviewIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in decisions.Where(d => d.Review is not null).Select(d => d.Review!.ReviewId).Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
            {
                reviewIds.UnionWith(await db.Reviews.AsNoTracking().Where(r => chunk.Contains(r.ReviewId)).Select(r => r.ReviewId).ToListAsync(ct).ConfigureAwait(false));
            }
            var traceIds = decisions.Where(d => d.Trace is not null).Select(d => d.Trace!.DecisionId).Distinct().ToArray();
            var traces = traceIds.Length == 0
                ? []
                : await db.Traces.Where(t => traceIds.Contains(t.DecisionId)).ToDictionaryAsync(t => t.DecisionId, ct).ConfigureAwait(false);
            var sequence = traceIds.Length == 0 ? 0 : (await db.Traces.MaxAsync(t => (long?)t.Sequence, ct).ConfigureAwait(false) ?? 0);
            var traced = new HashSet<string>(StringComparer.Ordinal);

            for (var i = 0; i < decisions.Count; i++)
            {
                var d = decisions[i];
                var entry = loaded[d.CustomerId];
                var before = entry.Context;
                var context = before;
                if (d.Trace is { } trace)
                {
                    var json = StoreJson.Serialize(trace);
                    sequence++;
                    if (traces.TryGetValue(trace.DecisionId, out var existingTrace))
                    {
                        // The same decision committed again: replace, never list it twice.
                        existingTrace.CustomerId = d.CustomerId;
                        existingTrace.AtTicks = trace.EvaluatedAt.ToUnixTimeTicks();
                        existingTrace.Sequence = sequence;
                        existingTrace.Json = json;
                    }
                    else
                    {
                        var row = new TraceRow { DecisionId = trace.DecisionId, CustomerId = d.CustomerId, AtTicks = trace.EvaluatedAt.ToUnixTimeTicks(), Sequence = sequence, Json = json };
                        db.Traces.Add(row);
                        traces.Add(trace.DecisionId, row);
                    }

                    traced.Add(d.CustomerId);
                }

                if (d.Outbox is { } outbox && outboxIds.Add(outbox.Id))
                {
                    var row = AsNewRow(outbox, outbox.DueAt);
                    db.Outbox.Add(ToRow(row));
                    context = CustomerProjection.AddMessage(context, row);
                }

                if (d.Review is { } review && reviewIds.Add(review.ReviewId))
                {
                    db.Reviews.Add(new ReviewRow
                    {
                        ReviewId = review.ReviewId,
                        CustomerId = review.CustomerId,
                        CreatedAtTicks = review.CreatedAt.ToUnixTimeTicks(),
                        Resolved = false,
                        Json = StoreJson.Serialize(review),
                    });
                    context = CustomerProjection.AddMessage(context, review.Message, MessageStatus.HeldForReview);
                }

                if (d.LearnedState is { } state)
                {
                    context = context with { LearnedState = state.ToArray() };
                }

                if (!ReferenceEquals(context, before) || context.NextEvaluationAt != d.NextEvaluationAt)
                {
                    entry.Put(context with { NextEvaluationAt = d.NextEvaluationAt, Version = before.Version + 1 });
                }
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            foreach (var customerId in traced)
            {
                await TrimTracesAsync(db, customerId, ct).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).AsTask());
    }

    // ------------------------------------------------------------------------------------------------ outbox

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(Instant now, int maxCount, string owner, Duration lease, CancellationToken cancellationToken = default)
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
            return [];
        }

        return await WriteAsync<IReadOnlyList<OutboxMessage>>(async (db, ct) =>
        {
            var claimedStatus = (int)OutboxStatus.Claimed;

            // Claimable: pending rows due by now, and claimed rows whose lease ended; each index yields at most maxCount rows,
            // then the union is ordered by (due, id).
            List<OutboxRow> candidates, expired;
            if (_isNpgsql)
            {
                // Concurrent dispatchers skip each other's rows instead of conflicting on them.
                var nowTicks = now.ToUnixTimeTicks();
                candidates = await db.Outbox.FromSqlInterpolated(
                    $"SELECT * FROM outbox WHERE status = {(int)OutboxStatus.Pending} AND due_at <= {nowTicks} ORDER BY due_at, message_id LIMIT {maxCount} FOR UPDATE SKIP LOCKED")
                    .ToListAsync(ct).ConfigureAwait(false);
                expired = await db.Outbox.FromSqlInterpolated(
                    $"SELECT * FROM outbox WHERE status = {claimedStatus} AND lease_until <= {nowTicks} ORDER BY lease_until, message_id LIMIT {maxCount} FOR UPDATE SKIP LOCKED")
                    .ToListAsync(ct).ConfigureAwait(false);
            }
            else
            {
                candidates = await DueOutboxQuery(db.Outbox, now).Take(maxCount).ToListAsync(ct).ConfigureAwait(false);
                expired = await ExpiredLeaseQuery(db.Outbox, now).Take(maxCount).ToListAsync(ct).ConfigureAwait(false);
            }

            if (expired.Count > 0)
            {
                candidates.AddRange(expired);
                candidates.Sort(static (a, b) =>
                {
                    var c = a.DueAtTicks.CompareTo(b.DueAtTicks);
                    return c != 0 ? c : string.CompareOrdinal(a.MessageId, b.MessageId);
                });
            }

            var count = Math.Min(maxCount, candidates.Count);
            var claimed = new OutboxMessage[count];
            var until = (now + lease).ToUnixTimeTicks();
            for (var i = 0; i < count; i++)
            {
                var row = candidates[i];
                row.Status = claimedStatus;
                row.LeaseOwner = owner;
                row.LeaseUntilTicks = until;
                row.Attempts++;
                row.Version++;
                claimed[i] = ToOutbox(row);
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return claimed;
        }, cancellationToken).ConfigureAwait(false);
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
        return WriteAsync(async (db, ct) =>
        {
            var row = await db.Outbox.FirstOrDefaultAsync(o => o.MessageId == completion.MessageId, ct).ConfigureAwait(false);
            if (row is null
                || row.Status != (int)OutboxStatus.Claimed
                || !string.Equals(row.LeaseOwner, completion.LeaseOwner, StringComparison.Ordinal))
            {
                return false;
            }

            switch (completion.Status)
            {
                case OutboxStatus.Sent:
                    row.ProviderMessageId = completion.ProviderMessageId;
                    break;
                case OutboxStatus.Pending:
                    row.DueAtTicks = (completion.RetryAt ?? completion.At).ToUnixTimeTicks();
                    row.LastError = completion.Error ?? row.LastError;
                    break;
                default:
                    row.LastError = completion.Error ?? row.LastError;
                    break;
            }

            row.Status = (int)completion.Status;
            row.LeaseOwner = null;
            row.LeaseUntilTicks = null;
            row.Version++;

            MessageStatus? history = completion.Status switch
            {
                OutboxStatus.Sent => MessageStatus.Sent,
                OutboxStatus.Failed => MessageStatus.Failed,
                OutboxStatus.Unknown => MessageStatus.Unknown,
                OutboxStatus.Cancelled => MessageStatus.Cancelled,
                _ => null,
            };
            if (history is { } status)
            {
                await SetMessageStatusAsync(db, row.CustomerId, row.MessageId, status, completion.At, ct).ConfigureAwait(false);
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> ResolveOutboxAsync(string messageId, OutboxStatus status, Instant at, string? providerMessageId = null, string? note = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        return WriteAsync(async (db, ct) =>
        {
            var row = await db.Outbox.FirstOrDefaultAsync(o => o.MessageId == messageId, ct).ConfigureAwait(false);
            if (row is null)
            {
                return false;
            }

            var current = (OutboxStatus)row.Status;
            var allowed = (current == OutboxStatus.Unknown && status is OutboxStatus.Sent or OutboxStatus.Failed)
                || (current == OutboxStatus.Pending && status == OutboxStatus.Cancelled);
            if (!allowed)
            {
                return false;
            }

            row.Status = (int)status;
            if (status == OutboxStatus.Sent)
            {
                row.ProviderMessageId = providerMessageId ?? row.ProviderMessageId;
            }
            else
            {
                row.LastError = note ?? row.LastError;
            }

            row.Version++;
            var history = status switch
            {
                OutboxStatus.Sent => MessageStatus.Sent,
                OutboxStatus.Failed => MessageStatus.Failed,
                _ => MessageStatus.Cancelled,
            };
            await SetMessageStatusAsync(db, row.CustomerId, row.MessageId, history, at, ct).ConfigureAwait(false);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    // ------------------------------------------------------------------------------------------------ reviews

    /// <inheritdoc />
    public ValueTask<PendingReview?> ResolveAsync(ReviewResolution resolution, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        cancellationToken.ThrowIfCancellationRequested();
        return WriteAsync<PendingReview?>(async (db, ct) =>
        {
            var reviewRow = await db.Reviews.FirstOrDefaultAsync(r => r.ReviewId == resolution.ReviewId && !r.Resolved, ct).ConfigureAwait(false);
            if (reviewRow is null)
            {
                return null;
            }

            var review = StoreJson.Deserialize<PendingReview>(reviewRow.Json);
            reviewRow.Resolved = true;
            var releaseAt = resolution.ReleaseAt ?? resolution.At;
            if (resolution.Approved && !await db.Outbox.AnyAsync(o => o.MessageId == review.Message.Id, ct).ConfigureAwait(false))
            {
                db.Outbox.Add(ToRow(AsNewRow(review.Message, releaseAt)));
            }

            var loaded = await LoadCustomersAsync(db, [review.CustomerId], ct).ConfigureAwait(false);
            if (loaded.TryGetValue(review.CustomerId, out var entry))
            {
                entry.Put(CustomerProjection.ResolveHeldMessage(entry.Context, review.Message, resolution.Approved, releaseAt));
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return review;
        }, cancellationToken);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /// <summary>Customers due after one instant and by another, in keyset order (next evaluation, id): a range read of the due index.</summary>
    /// <param name="customers">The customers table.</param>
    /// <param name="dueBy">The due instant (inclusive).</param>
    /// <param name="after">The lower bound (exclusive), or null for none.</param>
    /// <returns>The ordered query.</returns>
    internal static IQueryable<CustomerRow> DueQuery(IQueryable<CustomerRow> customers, Instant dueBy, Instant? after)
    {
        var dueTicks = dueBy.ToUnixTimeTicks();
        var query = customers.Where(c => c.NextEvaluationAtTicks <= dueTicks);
        if (after is { } lower)
        {
            var afterTicks = lower.ToUnixTimeTicks();
            query = query.Where(c => c.NextEvaluationAtTicks > afterTicks);
        }

        return query.OrderBy(c => c.NextEvaluationAtTicks).ThenBy(c => c.Id);
    }

    /// <summary>Customers due at the cursor's instant with a greater id, in id order: a range read of the due index.</summary>
    /// <param name="customers">The customers table.</param>
    /// <param name="cursor">The cursor.</param>
    /// <returns>The ordered query.</returns>
    internal static IQueryable<CustomerRow> SameInstantAfterQuery(IQueryable<CustomerRow> customers, DueCursor cursor)
    {
        var atTicks = cursor.DueAt.ToUnixTimeTicks();
        var id = cursor.CustomerId ?? string.Empty;

        // Translated to SQL (id > @id): the database orders ids by the column's collation, binary on SQLite.
#pragma warning disable CA1309 // The ordinal overload is not translated to SQL.
        return customers.Where(c => c.NextEvaluationAtTicks == atTicks && string.Compare(c.Id, id) > 0).OrderBy(c => c.NextEvaluationAtTicks).ThenBy(c => c.Id);
#pragma warning restore CA1309
    }

    /// <summary>Pending outbox rows due by an instant, ordered by (due, id): a range read of the (status, due, id) index.</summary>
    /// <param name="outbox">The outbox table.</param>
    /// <param name="now">The current instant.</param>
    /// <returns>The ordered query.</returns>
    internal static IQueryable<OutboxRow> DueOutboxQuery(IQueryable<OutboxRow> outbox, Instant now)
    {
        var nowTicks = now.ToUnixTimeTicks();
        var pending = (int)OutboxStatus.Pending;
        return outbox.Where(o => o.Status == pending && o.DueAtTicks <= nowTicks).OrderBy(o => o.DueAtTicks).ThenBy(o => o.MessageId);
    }

    /// <summary>Claimed outbox rows whose lease ended by an instant, ordered by (lease end, id): a range read of the (status, lease, id) index.</summary>
    /// <param name="outbox">The outbox table.</param>
    /// <param name="now">The current instant.</param>
    /// <returns>The ordered query.</returns>
    internal static IQueryable<OutboxRow> ExpiredLeaseQuery(IQueryable<OutboxRow> outbox, Instant now)
    {
        var nowTicks = now.ToUnixTimeTicks();
        var claimed = (int)OutboxStatus.Claimed;
        return outbox.Where(o => o.Status == claimed && o.LeaseUntilTicks <= nowTicks).OrderBy(o => o.LeaseUntilTicks).ThenBy(o => o.MessageId);
    }

    /// <summary>Pending reviews, oldest first: a range read of the (resolved, created, id) index.</summary>
    /// <param name="reviews">The reviews table.</param>
    /// <returns>The ordered query.</returns>
    internal static IQueryable<ReviewRow> PendingReviewsQuery(IQueryable<ReviewRow> reviews)
    {
        // Compared with a parameter, not negated: "NOT resolved" cannot use the index.
        var resolved = false;
        return reviews.Where(r => r.Resolved == resolved).OrderBy(r => r.CreatedAtTicks).ThenBy(r => r.ReviewId);
    }

    private static OutboxMessage AsNewRow(OutboxMessage row, Instant dueAt) =>
        row with { DueAt = dueAt, Status = OutboxStatus.Pending, Attempts = 0, LeaseOwner = null, LeaseUntil = null, ProviderMessageId = null, LastError = null };

    private static OutboxRow ToRow(OutboxMessage message) => new()
    {
        MessageId = message.Id,
        CustomerId = message.Message.CustomerId,
        Status = (int)message.Status,
        DueAtTicks = message.DueAt.ToUnixTimeTicks(),
        Attempts = message.Attempts,
        LeaseOwner = message.LeaseOwner,
        LeaseUntilTicks = message.LeaseUntil?.ToUnixTimeTicks(),
        ProviderMessageId = message.ProviderMessageId,
        LastError = message.LastError,
        Version = 1,
        MessageJson = StoreJson.Serialize(message.Message),
    };

    private static OutboxMessage ToOutbox(OutboxRow row) =>
        new(StoreJson.Deserialize<OutboundMessage>(row.MessageJson), Instant.FromUnixTimeTicks(row.DueAtTicks))
        {
            Status = (OutboxStatus)row.Status,
            Attempts = row.Attempts,
            LeaseOwner = row.LeaseOwner,
            LeaseUntil = row.LeaseUntilTicks is { } until ? Instant.FromUnixTimeTicks(until) : null,
            ProviderMessageId = row.ProviderMessageId,
            LastError = row.LastError,
        };

    private static CustomerContext ToContext(CustomerRow row) =>
        new(StoreJson.Deserialize<Customer>(row.FactsJson))
        {
            Messages = StoreJson.Deserialize<ImmutableArray<MessageRecord>>(row.MessagesJson),
            RecentEvents = StoreJson.Deserialize<ImmutableArray<CustomerEvent>>(row.RecentEventsJson),
            NextEvaluationAt = Instant.FromUnixTimeTicks(row.NextEvaluationAtTicks),
            LearnedState = row.LearnedState,
            Version = row.Version,
        };

    /// <summary>Loads (tracked) the customers with the given ids, by id.</summary>
    /// <remarks>
    /// On PostgreSQL the rows are locked (<c>FOR UPDATE</c>, in id order so that batches cannot deadlock) until the transaction ends,
    /// so concurrent writers to one customer wait for each other instead of conflicting.
    /// </remarks>
    private async Task<Dictionary<string, LoadedCustomer>> LoadCustomersAsync(MarketingAutomationDbContext db, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, LoadedCustomer>(StringComparer.Ordinal);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
        {
            var rows = _isNpgsql
                ? await db.Customers.FromSqlInterpolated($"SELECT * FROM customers WHERE id = ANY({chunk}) ORDER BY id FOR UPDATE").ToListAsync(cancellationToken).ConfigureAwait(false)
                : await db.Customers.Where(c => chunk.Contains(c.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                // The database may compare ids case-insensitively; the store's ids are ordinal.
                if (Array.IndexOf(chunk, row.Id) >= 0)
                {
                    result[row.Id] = new LoadedCustomer(row, ToContext(row));
                }
            }
        }

        return result;
    }

    private async Task SetMessageStatusAsync(MarketingAutomationDbContext db, string customerId, string messageId, MessageStatus status, Instant at, CancellationToken cancellationToken)
    {
        var loaded = await LoadCustomersAsync(db, [customerId], cancellationToken).ConfigureAwait(false);
        if (loaded.TryGetValue(customerId, out var entry))
        {
            var after = CustomerProjection.SetMessageStatus(entry.Context, messageId, status, at);
            if (!ReferenceEquals(after, entry.Context))
            {
                entry.Put(after);
            }
        }
    }

    private async Task TrimTracesAsync(MarketingAutomationDbContext db, string customerId, CancellationToken cancellationToken)
    {
        var stale = await db.Traces.AsNoTracking()
            .Where(t => t.CustomerId == customerId)
            .OrderByDescending(t => t.AtTicks).ThenByDescending(t => t.Sequence)
            .Skip(MaxTracesPerCustomer)
            .Select(t => t.DecisionId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (stale.Count > 0)
        {
            await db.Traces.Where(t => stale.Contains(t.DecisionId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<MarketingAutomationDbContext> OpenAsync(CancellationToken cancellationToken)
    {
        var db = await _factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (!_schemaReady)
        {
            try
            {
                await EnsureSchemaAsync(db, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await db.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        return db;
    }

    private async Task EnsureSchemaAsync(MarketingAutomationDbContext db, CancellationToken cancellationToken)
    {
        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            var isSqlite = string.Equals(db.Database.ProviderName, "Microsoft.EntityFrameworkCore.Sqlite", StringComparison.Ordinal);
            if (_ensureCreated)
            {
                await db.Database.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                if (isSqlite)
                {
                    // Readers do not block the writer (and the other way round) in write-ahead-log mode; it is kept in the file.
                    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
                }
            }

            _serializeWrites = isSqlite;
            _isNpgsql = string.Equals(db.Database.ProviderName, "Npgsql.EntityFrameworkCore.PostgreSQL", StringComparison.Ordinal);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <summary>Runs a write in one transaction on one context, retrying on an optimistic concurrency conflict.</summary>
    private async ValueTask<T> WriteAsync<T>(Func<MarketingAutomationDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var gate = _serializeWrites ? _writeGate : null;
                if (gate is not null)
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        var result = await work(db, cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return result;
                    }
                }
                catch (DbUpdateException e) when (attempt < MaxWriteAttempts && IsTransient(e))
                {
                    // Another writer changed or inserted a row since it was read: read again and redo the whole operation.
                }
                finally
                {
                    gate?.Release();
                }
            }
        }
    }

    /// <summary>Whether a failed save is worth redoing: an optimistic concurrency conflict, or on PostgreSQL a unique violation of a
    /// row inserted concurrently, a serialization failure or a deadlock.</summary>
    private static bool IsTransient(DbUpdateException exception) =>
        exception is DbUpdateConcurrencyException
        || exception.InnerException is System.Data.Common.DbException { SqlState: "23505" or "40001" or "40P01" };

    /// <summary>A tracked customer row and its current context; <see cref="Put"/> writes a new context into the row.</summary>
    private sealed class LoadedCustomer(CustomerRow row, CustomerContext context)
    {
        public CustomerRow Row { get; } = row;

        public CustomerContext Context { get; set; } = context;

        public void Put(CustomerContext after, bool scheduleOnly = false)
        {
            var before = Context;
            Row.NextEvaluationAtTicks = after.NextEvaluationAt.ToUnixTimeTicks();
            Row.Version = after.Version;
            if (!scheduleOnly)
            {
                if (!ReferenceEquals(before.Customer, after.Customer) || Row.FactsJson.Length == 0)
                {
                    Row.FactsJson = StoreJson.Serialize(after.Customer);
                }

                if (before.Messages != after.Messages || Row.MessagesJson.Length == 0)
                {
                    Row.MessagesJson = StoreJson.Serialize(after.Messages);
                }

                if (before.RecentEvents != after.RecentEvents || Row.RecentEventsJson.Length == 0)
                {
                    Row.RecentEventsJson = StoreJson.Serialize(StorableEvents(after.RecentEvents));
                }

                if (!before.LearnedState.Equals(after.LearnedState))
                {
                    Row.LearnedState = after.LearnedState.ToArray();
                }
            }

            Context = after;
        }

        private static ImmutableArray<CustomerEvent> StorableEvents(ImmutableArray<CustomerEvent> events)
        {
            foreach (var e in events)
            {
                if (!StoreJson.IsStorable(e))
                {
                    return events.RemoveAll(x => !StoreJson.IsStorable(x));
                }
            }

            return events;
        }
    }
}
