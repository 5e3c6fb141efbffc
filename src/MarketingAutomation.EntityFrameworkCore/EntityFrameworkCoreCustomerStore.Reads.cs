using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <content>Reads: due customers, one customer, outbox rows, traces and reviews.</content>
internal sealed partial class EntityFrameworkCoreCustomerStore
{
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
            // The documents of a page are deserialized in parallel when there are many (they are independent of each other).
            var contexts = new CustomerContext[Math.Min(rows.Count, maxCount)];
            ForEachIndex(contexts.Length, i => contexts[i] = ToContext(rows[i]));
            var page = new List<CustomerContext>(contexts);

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
}
