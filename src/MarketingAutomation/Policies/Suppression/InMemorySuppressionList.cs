using System.Collections.Concurrent;

namespace MarketingAutomation;

/// <summary>
/// A thread-safe in-memory <see cref="ISuppressionList"/>. It stores only (channel kind, keyed hash) pairs, never addresses.
/// Look-ups are lock-free and do not allocate.
/// </summary>
public sealed class InMemorySuppressionList : ISuppressionList
{
    private readonly ConcurrentDictionary<Entry, byte> _entries = new();

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public bool Contains(ChannelKind kind, in SuppressionHash hash) => _entries.ContainsKey(new Entry(kind, hash));

    /// <inheritdoc />
    public bool Add(ChannelKind kind, in SuppressionHash hash) => _entries.TryAdd(new Entry(kind, hash), 0);

    /// <summary>Returns a snapshot of the entries (for export, persistence or audit): kinds and hashes only.</summary>
    /// <returns>The entries.</returns>
    public IReadOnlyList<(ChannelKind Kind, SuppressionHash Hash)> Snapshot()
    {
        var list = new List<(ChannelKind, SuppressionHash)>(_entries.Count);
        foreach (var pair in _entries)
        {
            list.Add((pair.Key.Kind, pair.Key.Hash));
        }

        return list;
    }

    private readonly record struct Entry(ChannelKind Kind, SuppressionHash Hash);
}
