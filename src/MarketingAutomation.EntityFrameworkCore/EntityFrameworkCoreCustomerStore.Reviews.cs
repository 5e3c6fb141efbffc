using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <content>Resolving reviews.</content>
internal sealed partial class EntityFrameworkCoreCustomerStore
{
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
}
