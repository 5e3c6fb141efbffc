namespace MarketingAutomation;

/// <summary>
/// A strategy (or other component) whose learned model outlives the process: the agent saves it to an <see cref="IModelStateStore"/>
/// under <see cref="ModelName"/> and loads it back at start.
/// </summary>
public interface IPersistentModel
{
    /// <summary>Gets the name the snapshot is stored under.</summary>
    string ModelName { get; }

    /// <summary>Writes a snapshot of the model.</summary>
    /// <param name="destination">The stream (left open).</param>
    void SaveModel(Stream destination);

    /// <summary>Replaces the model with a snapshot written by <see cref="SaveModel"/>.</summary>
    /// <param name="source">The stream (left open).</param>
    /// <exception cref="InvalidDataException">The snapshot cannot be read; the model was not changed.</exception>
    void LoadModel(Stream source);
}
