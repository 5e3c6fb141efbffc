using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <content>The outbox: claims under a lease, completions and settlements.</content>
internal sealed partial class EntityFrameworkCoreCustomerStore
{
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
                var reclaimed = row.Status == claimedStatus;
                row.Status = claimedStatus;
                row.LeaseOwner = owner;
                row.LeaseUntilTicks = until;
                row.Attempts++;
                row.Version++;
                claimed[i] = ToOutbox(row) with { Reclaimed = reclaimed };
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
}
