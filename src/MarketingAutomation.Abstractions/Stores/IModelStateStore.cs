namespace MarketingAutomation;

/// <summary>
/// Durable storage for learned model snapshots (for example the adaptive strategy's population model), keyed by name with a version the
/// store increments on every save and the instant it was saved. The agent loads the snapshot of its strategy (an
/// <see cref="IPersistentModel"/>) before its first tick and saves it periodically and when it stops.
/// </summary>
public interface IModelStateStore
{
    /// <summary>Reads the latest snapshot saved under a name.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The snapshot, or null when none was saved.</returns>
    ValueTask<ModelStateSnapshot?> LoadModelStateAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Saves a snapshot under a name, replacing the previous one; the version becomes the previous version + 1 (1 for the first).</summary>
    /// <param name="name">The model name.</param>
    /// <param name="data">The snapshot bytes.</param>
    /// <param name="savedAt">When it was taken.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The stored snapshot's version.</returns>
    ValueTask<long> SaveModelStateAsync(string name, ReadOnlyMemory<byte> data, Instant savedAt, CancellationToken cancellationToken = default);
}

/// <summary>A stored model snapshot.</summary>
/// <param name="Name">The model name.</param>
/// <param name="Version">The save count (1 for the first save).</param>
/// <param name="SavedAt">When it was taken.</param>
/// <param name="Data">The snapshot bytes.</param>
public sealed record ModelStateSnapshot(string Name, long Version, Instant SavedAt, ReadOnlyMemory<byte> Data);
