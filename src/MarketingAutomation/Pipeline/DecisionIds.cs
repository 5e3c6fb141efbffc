using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MarketingAutomation;

/// <summary>
/// Decision ids: RFC 9562 version 7 UUIDs whose 48-bit timestamp is the decision instant and whose next 42 bits are a counter
/// (RFC 9562 section 6.2, method 1, "fixed bit-length dedicated counter"), so that ids made by one process sort in the order they
/// were made, also within one millisecond. Decision ids key the trace and outbox rows (the message id is the decision id), and a
/// store inserts a cycle's rows at the end of those indexes instead of at random places: with random bits (as
/// <see cref="Guid.CreateVersion7(DateTimeOffset)"/> makes them) every decision of a cycle shares the cycle's instant and lands
/// anywhere in the index, which rewrites thousands of index pages per commit.
/// </summary>
/// <remarks>
/// The counter starts at a random value per process and advances by one per id (thread-safe, lock-free); the last 32 bits are
/// random. Two processes deciding in the same millisecond therefore differ in the counter's random start and in the random tail:
/// 74 bits that are not shared, as with <see cref="Guid.CreateVersion7(DateTimeOffset)"/>. Nothing reads meaning from the counter.
/// </remarks>
internal static class DecisionIds
{
    private const long CounterMask = (1L << 42) - 1;

    // Starts in the lower half of the counter's range, so that it does not wrap within a process's life.
    private static long _counter = RandomStart();

    /// <summary>A new decision id for a decision made at <paramref name="now"/>.</summary>
    /// <param name="now">The decision instant (the id's timestamp, in milliseconds since the Unix epoch).</param>
    /// <returns>The id.</returns>
    public static Guid Next(Instant now)
    {
        var counter = Interlocked.Increment(ref _counter) & CounterMask;
        var milliseconds = now.ToUnixTimeMilliseconds();
        Span<byte> bytes = stackalloc byte[16];

        // unix_ts_ms (48 bits), big-endian.
        BinaryPrimitives.WriteInt64BigEndian(bytes, milliseconds << 16);

        // ver (4 bits) = 7 and the counter's top 12 bits (rand_a).
        BinaryPrimitives.WriteUInt16BigEndian(bytes[6..], (ushort)(0x7000 | (int)(counter >> 30)));

        // var (2 bits) = 0b10, the counter's next 30 bits, then 32 random bits (rand_b).
        BinaryPrimitives.WriteUInt32BigEndian(bytes[8..], 0x8000_0000u | (uint)(counter & 0x3FFF_FFFF));
        Random.Shared.NextBytes(bytes[12..]);
        return new Guid(bytes, bigEndian: true);
    }

    private static long RandomStart()
    {
        Span<byte> seed = stackalloc byte[8];
        RandomNumberGenerator.Fill(seed);
        return (long)(BinaryPrimitives.ReadUInt64LittleEndian(seed) & (ulong)(CounterMask >> 1));
    }
}
