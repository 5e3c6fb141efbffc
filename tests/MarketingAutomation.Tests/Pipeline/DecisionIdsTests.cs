using System.Collections.Concurrent;

namespace MarketingAutomation.Tests.Pipeline;

/// <summary>Decision ids: RFC 9562 version 7 with the decision instant as timestamp and a counter, so that ids sort in the order they
/// were made (stores insert a cycle's trace and outbox rows at the end of their indexes).</summary>
public sealed class DecisionIdsTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 2, 9, 0, 0) + Duration.FromMilliseconds(123);

    [Fact]
    public void An_id_is_a_version_7_uuid_whose_timestamp_is_the_decision_instant()
    {
        var id = DecisionIds.Next(Now);
        Span<byte> bytes = stackalloc byte[16];
        Assert.True(id.TryWriteBytes(bytes, bigEndian: true, out _));

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, bytes[8] >> 6);
        var milliseconds = 0L;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = (milliseconds << 8) | bytes[i];
        }

        Assert.Equal(Now.ToUnixTimeMilliseconds(), milliseconds);
    }

    [Fact]
    public void Ids_made_at_one_instant_sort_in_the_order_they_were_made_as_bytes_and_as_text()
    {
        var ids = new Guid[10_000];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = DecisionIds.Next(Now);
        }

        for (var i = 1; i < ids.Length; i++)
        {
            // Guid.CompareTo orders as the big-endian bytes do for version 7 ids; stores keep them as uuid (PostgreSQL) or text.
            Assert.True(ids[i - 1].CompareTo(ids[i]) < 0, $"{ids[i - 1]} then {ids[i]}");
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString("N"), ids[i].ToString("N")) < 0);
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString("D").ToUpperInvariant(), ids[i].ToString("D").ToUpperInvariant()) < 0);
        }
    }

    [Fact]
    public void A_later_instant_sorts_after_an_earlier_one_and_ids_from_many_threads_are_unique()
    {
        Assert.True(DecisionIds.Next(Now).CompareTo(DecisionIds.Next(Now - Duration.FromMilliseconds(1))) > 0);

        var seen = new ConcurrentDictionary<Guid, byte>();
        Parallel.For(0, 200_000, _ => Assert.True(seen.TryAdd(DecisionIds.Next(Now), 0)));
        Assert.Equal(200_000, seen.Count);
    }
}
