using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <content>Learned model snapshots (<see cref="IModelStateStore"/>): one row per name with version and saved-at.</content>
internal sealed partial class EntityFrameworkCoreCustomerStore : IModelStateStore
{
    /// <inheritdoc />
    public async ValueTask<ModelStateSnapshot?> LoadModelStateAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        cancellationToken.ThrowIfCancellationRequested();
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.ModelStates.AsNoTracking().FirstOrDefaultAsync(m => m.Name == name, cancellationToken).ConfigureAwait(false);
            return row is null || !string.Equals(row.Name, name, StringComparison.Ordinal)
                ? null
                : new ModelStateSnapshot(row.Name, row.Version, Instant.FromUnixTimeTicks(row.SavedAtTicks), row.Data);
        }
    }

    /// <inheritdoc />
    public ValueTask<long> SaveModelStateAsync(string name, ReadOnlyMemory<byte> data, Instant savedAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        cancellationToken.ThrowIfCancellationRequested();
        var bytes = data.ToArray();
        return WriteAsync(async (db, ct) =>
        {
            var row = await db.ModelStates.FirstOrDefaultAsync(m => m.Name == name, ct).ConfigureAwait(false);
            if (row is null)
            {
                row = new ModelStateRow { Name = name, Version = 1, SavedAtTicks = savedAt.ToUnixTimeTicks(), Data = bytes };
                db.ModelStates.Add(row);
            }
            else
            {
                // The version is a concurrency token: two concurrent saves cannot both become version n + 1.
                row.Version++;
                row.SavedAtTicks = savedAt.ToUnixTimeTicks();
                row.Data = bytes;
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return row.Version;
        }, cancellationToken);
    }
}
