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
internal sealed partial class EntityFrameworkCoreCustomerStore : ICustomerStore, IReviewQueue, IDisposable
{
    /// <summary>The default number of traces kept per customer.</summary>
    public const int DefaultMaxTracesPerCustomer = 50;

    private const int MaxWriteAttempts = 10;
    private const int MaxIdsPerQuery = 500;

    private readonly IDbContextFactory<MarketingAutomationDbContext> _factory;
    private readonly EntityFrameworkCoreSchemaMode _schema;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile bool _schemaReady;
    private bool _serializeWrites;
    private bool _isNpgsql;
    private bool _sqliteWal;

    /// <summary>Initializes a new instance of the <see cref="EntityFrameworkCoreCustomerStore"/> class.</summary>
    /// <param name="factory">Creates a context per operation.</param>
    /// <param name="schema">What to do to the schema at first use: apply the migrations (the default), create it, or nothing.</param>
    /// <param name="maxTracesPerCustomer">How many traces to keep per customer (newest first).</param>
    public EntityFrameworkCoreCustomerStore(IDbContextFactory<MarketingAutomationDbContext> factory, EntityFrameworkCoreSchemaMode schema = EntityFrameworkCoreSchemaMode.Migrate, int maxTracesPerCustomer = DefaultMaxTracesPerCustomer)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTracesPerCustomer);
        _factory = factory;
        _schema = schema;
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
            catch (Exception ex) when (DatabaseUnreachable.IsConnectionFailure(ex))
            {
                // The first use (usually at startup): say which database could not be opened and how to fix it.
                var unreachable = DatabaseUnreachable.Create(db, ex);
                await db.DisposeAsync().ConfigureAwait(false);
                throw unreachable;
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

            var isSqlite = string.Equals(db.Database.ProviderName, MarketingAutomationDbContext.SqliteProvider, StringComparison.Ordinal);
            if (_schema != EntityFrameworkCoreSchemaMode.None)
            {
                if (_schema == EntityFrameworkCoreSchemaMode.Migrate)
                {
                    await StoreSchema.MigrateAsync(db, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await db.Database.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                }

                if (isSqlite)
                {
                    // Readers do not block the writer (and the other way round) in write-ahead-log mode; it is kept in the file.
                    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
                }
            }

            if (isSqlite)
            {
                // synchronous=NORMAL is only as safe as FULL against application crashes in write-ahead-log mode.
                var mode = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS \"Value\" FROM pragma_journal_mode").ToListAsync(cancellationToken).ConfigureAwait(false);
                _sqliteWal = mode.Count == 1 && string.Equals(mode[0], "wal", StringComparison.OrdinalIgnoreCase);
            }

            _serializeWrites = isSqlite;
            _isNpgsql = string.Equals(db.Database.ProviderName, MarketingAutomationDbContext.NpgsqlProvider, StringComparison.Ordinal);
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
                    if (_serializeWrites)
                    {
                        await ConfigureSqliteConnectionAsync(db, cancellationToken).ConfigureAwait(false);
                    }

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

    /// <summary>
    /// Sets the per-connection SQLite settings before a write: in write-ahead-log mode <c>synchronous=NORMAL</c>, which keeps every
    /// committed transaction across an application crash (only a power loss or operating system crash can lose the last commits,
    /// never corrupt the file) and saves a flush per commit; and a 64 MiB page cache, so that index updates of large batches stay
    /// in memory. Both are settings of the connection, not of the file, and cost a few microseconds.
    /// </summary>
    private async Task ConfigureSqliteConnectionAsync(MarketingAutomationDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var command = db.Database.GetDbConnection().CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = _sqliteWal ? "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;" : "PRAGMA cache_size=-65536;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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

        internal static ImmutableArray<CustomerEvent> StorableEvents(ImmutableArray<CustomerEvent> events)
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
