using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <content>
/// Data-subject rights (<see cref="IPersonalDataStore"/>: GD-01, GD-03, GD-04): export, erasure from every table in one transaction, the
/// consent ledger, and the durable suppression list (keyed hashes only).
/// </content>
internal sealed partial class EntityFrameworkCoreCustomerStore : IPersonalDataStore
{
    /// <inheritdoc />
    /// <remarks>The reads run one after another without a transaction: a decision committed meanwhile may or may not be included.</remarks>
    public async ValueTask<CustomerDataExport?> ExportCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        cancellationToken.ThrowIfCancellationRequested();
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, cancellationToken).ConfigureAwait(false);
            if (row is null || !string.Equals(row.Id, customerId, StringComparison.Ordinal))
            {
                return null;
            }

            var context = ToContext(row);
            var outbox = await db.Outbox.AsNoTracking()
                .Where(o => o.CustomerId == customerId)
                .OrderBy(o => o.DueAtTicks).ThenBy(o => o.MessageId)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var traces = await db.Traces.AsNoTracking()
                .Where(t => t.CustomerId == customerId)
                .OrderByDescending(t => t.AtTicks).ThenByDescending(t => t.Sequence)
                .Select(t => t.Json)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var reviews = await db.Reviews.AsNoTracking()
                .Where(r => r.CustomerId == customerId)
                .OrderBy(r => r.CreatedAtTicks).ThenBy(r => r.ReviewId)
                .Select(r => r.Json)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return new CustomerDataExport(context.Customer)
            {
                ConsentLedger = Ledger(context.Customer),
                Messages = context.Messages,
                RecentEvents = context.RecentEvents,
                NextEvaluationAt = context.NextEvaluationAt,
                LearnedState = context.LearnedState,
                Outbox = [.. outbox.Where(o => string.Equals(o.CustomerId, customerId, StringComparison.Ordinal)).Select(ToOutbox)],
                Traces = [.. traces.Select(StoreJson.Deserialize<DecisionTrace>).Where(t => string.Equals(t.CustomerId, customerId, StringComparison.Ordinal))],
                Reviews = [.. reviews.Select(StoreJson.Deserialize<PendingReview>).Where(r => string.Equals(r.CustomerId, customerId, StringComparison.Ordinal))],
            };
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ConsentRecord>> GetConsentLedgerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        cancellationToken.ThrowIfCancellationRequested();
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => new { c.Id, c.FactsJson }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return row is null || !string.Equals(row.Id, customerId, StringComparison.Ordinal) ? [] : Ledger(StoreJson.Deserialize<Customer>(row.FactsJson));
        }
    }

    /// <inheritdoc />
    public ValueTask<ErasureResult> EraseCustomerAsync(string customerId, IReadOnlyList<SuppressionEntry> suppressions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(suppressions);
        for (var i = 0; i < suppressions.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(suppressions[i], nameof(suppressions));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return WriteAsync(async (db, ct) =>
        {
            // Lock the customer first (FOR UPDATE on PostgreSQL), so a concurrent decision or event for them waits, then fails as unknown.
            var loaded = await LoadCustomersAsync(db, [customerId], ct).ConfigureAwait(false);
            var found = loaded.TryGetValue(customerId, out var entry);
            if (found)
            {
                db.Customers.Remove(entry!.Row);
            }

            var added = await AddSuppressionRowsAsync(db, suppressions, ct).ConfigureAwait(false);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);

            // Outbox rows of every status: a pending or claimed row disappears, so it is never claimed again and a dispatcher holding a
            // claim can no longer complete it (its completion finds no row). On PostgreSQL the delete waits for a claim in progress.
            var pending = new[] { (int)OutboxStatus.Pending, (int)OutboxStatus.Claimed };
            var pendingRows = await db.Outbox.Where(o => o.CustomerId == customerId && pending.Contains(o.Status)).CountAsync(ct).ConfigureAwait(false);
            var outboxRows = await db.Outbox.Where(o => o.CustomerId == customerId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            var traces = await db.Traces.Where(t => t.CustomerId == customerId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            var reviews = await db.Reviews.Where(r => r.CustomerId == customerId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            await db.EventIds.Where(e => e.CustomerId == customerId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            return new ErasureResult(found, outboxRows, pendingRows, traces, reviews, added);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<int> AddSuppressionsAsync(IReadOnlyList<SuppressionEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (var i = 0; i < entries.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(entries[i], nameof(entries));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (entries.Count == 0)
        {
            return ValueTask.FromResult(0);
        }

        return WriteAsync(async (db, ct) =>
        {
            var added = await AddSuppressionRowsAsync(db, entries, ct).ConfigureAwait(false);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return added;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SuppressionEntry>> GetSuppressionsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Suppressions.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.ConvertAll(r => new SuppressionEntry((ChannelKind)r.Kind, SuppressionHash.Parse(r.Hash), r.ReasonCode, Instant.FromUnixTimeTicks(r.AtTicks)));
        }
    }

    private static ImmutableArray<ConsentRecord> Ledger(Customer customer) =>
        customer.Consents.IsDefaultOrEmpty ? [] : [.. customer.Consents.OrderBy(c => c.RecordedAt)];

    /// <summary>Adds (tracked, not saved) the entries the table does not hold yet; returns how many.</summary>
    private static async Task<int> AddSuppressionRowsAsync(MarketingAutomationDbContext db, IReadOnlyList<SuppressionEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return 0;
        }

        var wanted = entries.Select(e => e.Hash.ToString()).Distinct(StringComparer.Ordinal).ToArray();
        var existing = new HashSet<(int, string)>();
        foreach (var chunk in wanted.Chunk(MaxIdsPerQuery))
        {
            var rows = await db.Suppressions.AsNoTracking().Where(s => chunk.Contains(s.Hash)).Select(s => new { s.Kind, s.Hash }).ToListAsync(cancellationToken).ConfigureAwait(false);
            existing.UnionWith(rows.Select(r => (r.Kind, r.Hash)));
        }

        var added = 0;
        foreach (var entry in entries)
        {
            var key = ((int)entry.Kind, entry.Hash.ToString());
            if (existing.Add(key))
            {
                db.Suppressions.Add(new SuppressionRow { Kind = key.Item1, Hash = key.Item2, ReasonCode = entry.ReasonCode, AtTicks = entry.At.ToUnixTimeTicks() });
                added++;
            }
        }

        return added;
    }
}
