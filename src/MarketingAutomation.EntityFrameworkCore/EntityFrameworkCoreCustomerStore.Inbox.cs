using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <content>The event inbox: event ids with content hashes (RL-02).</content>
internal sealed partial class EntityFrameworkCoreCustomerStore
{
    /// <summary>Reads the remembered event ids among a batch's ids, with their content hashes (null for ids stored before hashes).</summary>
    private static async Task<Dictionary<string, string?>> LoadSeenEventsAsync(MarketingAutomationDbContext db, IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var chunk in events.Select(e => e.EventId).Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
        {
            var found = await db.EventIds.AsNoTracking()
                .Where(e => chunk.Contains(e.EventId))
                .Select(e => new { e.EventId, e.ContentHash })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var row in found)
            {
                // The database may compare ids case-insensitively; the store's ids are ordinal.
                if (Array.IndexOf(chunk, row.EventId) >= 0)
                {
                    seen[row.EventId] = row.ContentHash;
                }
            }
        }

        return seen;
    }

    private static string[] HashEvents(IReadOnlyList<CustomerEvent> events)
    {
        var hashes = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            hashes[i] = EventContentHash.Compute(events[i]);
        }

        return hashes;
    }

    /// <summary>Counts an event whose id was seen: a duplicate when the content hash matches (or none was stored), otherwise a conflict.</summary>
    private static void CountSeen(string? seenHash, string hash, string eventId, ref int duplicates, ImmutableArray<string>.Builder conflicts)
    {
        if (seenHash is null || string.Equals(seenHash, hash, StringComparison.Ordinal))
        {
            duplicates++;
        }
        else
        {
            conflicts.Add(eventId);
        }
    }
}
