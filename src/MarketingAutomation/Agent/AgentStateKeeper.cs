using Microsoft.Extensions.Logging;

namespace MarketingAutomation;

/// <summary>
/// What the agent keeps across restarts besides the store's rows: the durable suppression list (loaded into the suppression rule before
/// the first tick) and the strategy's learned model (an <see cref="IPersistentModel"/> saved to an <see cref="IModelStateStore"/>: loaded
/// before the first tick, saved every <see cref="MarketingAutomationOptions.ModelSaveInterval"/> of tick time and when the agent stops).
/// Never throws from the running loop: failures are logged and retried; until the restore succeeded nothing is saved, so a store that was
/// briefly unavailable never has its snapshot replaced by a model that started from priors.
/// </summary>
internal sealed class AgentStateKeeper : IDisposable
{
    private readonly MarketingPipeline _pipeline;
    private readonly CustomerDataRights _rights;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _restored;
    private Instant? _lastSaved;

    public AgentStateKeeper(MarketingPipeline pipeline, CustomerDataRights rights, ILogger logger)
    {
        _pipeline = pipeline;
        _rights = rights;
        _logger = logger;
    }

    public bool IsRestored => _restored;

    private IPersistentModel? Model => _pipeline.Strategy as IPersistentModel;

    private IModelStateStore? Models => _pipeline.Store as IModelStateStore;

    /// <summary>Loads suppressions and the model once; returns whether that has happened.</summary>
    public async Task<bool> EnsureRestoredAsync(CancellationToken cancellationToken)
    {
        if (_restored)
        {
            return true;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_restored)
            {
                return true;
            }

            try
            {
                await _rights.LoadSuppressionsAsync(cancellationToken).ConfigureAwait(false);
                if (Model is { } model && Models is { } models)
                {
                    var snapshot = await models.LoadModelStateAsync(model.ModelName, cancellationToken).ConfigureAwait(false);
                    if (snapshot is not null)
                    {
                        try
                        {
                            using var stream = new MemoryStream(snapshot.Data.ToArray(), writable: false);
                            model.LoadModel(stream);
                            Log.ModelStateLoaded(_logger, snapshot.Name, snapshot.Version, snapshot.SavedAt);
                        }
                        catch (InvalidDataException ex)
                        {
                            Log.ModelStateUnreadable(_logger, ex, snapshot.Name);
                        }
                    }
                }

                _restored = true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // The agent never crashes once running: it logs and tries again at the next tick.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.StateRestoreFailed(_logger, ex);
            }

            return _restored;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Saves the model when the save interval has passed since the last save (the first call only starts the clock).</summary>
    public async Task SaveIfDueAsync(Instant now, CancellationToken cancellationToken)
    {
        var interval = _pipeline.Options.ModelSaveInterval;
        if (!_restored || Model is null || Models is null || interval <= TimeSpan.Zero)
        {
            return;
        }

        if (_lastSaved is not { } last)
        {
            _lastSaved = now;
            return;
        }

        if (now - last >= Duration.FromTimeSpan(interval))
        {
            await SaveAsync(now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Saves the model now; returns the stored version, or null when there is nothing to save or it failed.</summary>
    public async Task<long?> SaveAsync(Instant now, CancellationToken cancellationToken)
    {
        if (!_restored || Model is not { } model || Models is not { } models)
        {
            return null;
        }

        try
        {
            using var stream = new MemoryStream();
            model.SaveModel(stream);
            var version = await models.SaveModelStateAsync(model.ModelName, stream.GetBuffer().AsMemory(0, (int)stream.Length), now, cancellationToken).ConfigureAwait(false);
            _lastSaved = now;
            Log.ModelStateSaved(_logger, model.ModelName, version);
            return version;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Saving is retried at the next interval; the agent keeps running.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ModelStateSaveFailed(_logger, ex, model.ModelName);
            return null;
        }
    }

    public void Dispose() => _gate.Dispose();
}
