using System.Buffers.Binary;

namespace MarketingAutomation;

/// <summary>
/// A "do not contact" list (GDPR GD-02/GD-03): people who objected, opted out or were erased stay suppressed without keeping their address.
/// Entries are keyed hashes only, never raw addresses.
/// </summary>
/// <remarks>
/// <para>Key hashing contract (every implementation and every writer must follow it, or look-ups silently miss):</para>
/// <list type="number">
/// <item>Normalise the address for its channel kind. E-mail: trim, then lower-case the whole address with the invariant culture (local part
/// included, although RFC 5321 allows a case-sensitive local part: no mainstream provider uses it, and over-suppression is the safe error).
/// Dots and <c>+tags</c> are kept (no Gmail-specific folding: that rule holds for one provider only and would suppress other people).
/// Phone (SMS): E.164 (<c>+14155550100</c>). Push, in-app and webhook: trimmed, case kept.</item>
/// <item>Encode the normalised text as UTF-8.</item>
/// <item>Compute HMAC-SHA256 over those bytes under the deployment's secret suppression key (32 bytes or more). The key is a pepper: rotate it
/// by re-keying every entry (re-hash from the source system or keep the old key until the migration ends).</item>
/// </list>
/// <para>The engine's <c>SuppressionKey</c> implements this contract. Lists must be safe for concurrent use: <see cref="Contains"/> runs on
/// the decision hot path (no I/O, no allocation); persisted lists load into memory or cache.</para>
/// </remarks>
public interface ISuppressionList
{
    /// <summary>Gets the number of entries.</summary>
    int Count { get; }

    /// <summary>Returns whether the keyed hash of a normalised address is suppressed on a channel kind.</summary>
    /// <param name="kind">The channel kind the address belongs to.</param>
    /// <param name="hash">The keyed hash of the normalised address.</param>
    /// <returns>True when suppressed.</returns>
    bool Contains(ChannelKind kind, in SuppressionHash hash);

    /// <summary>Suppresses the keyed hash of a normalised address on a channel kind. Adding an existing entry does nothing.</summary>
    /// <param name="kind">The channel kind the address belongs to.</param>
    /// <param name="hash">The keyed hash of the normalised address.</param>
    /// <returns>True when the entry is new.</returns>
    bool Add(ChannelKind kind, in SuppressionHash hash);
}

/// <summary>
/// A 32-byte HMAC-SHA256 value identifying a normalised contact address in a <see cref="ISuppressionList"/> (see its key hashing contract).
/// A value type, so look-ups do not allocate; <see cref="ToString"/> and <see cref="Parse"/> give the lower-case hex form for storage.
/// </summary>
public readonly struct SuppressionHash : IEquatable<SuppressionHash>
{
    /// <summary>The length of the hash in bytes.</summary>
    public const int Length = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    /// <summary>Initializes a new instance of the <see cref="SuppressionHash"/> struct from the 32 bytes of an HMAC-SHA256 value.</summary>
    /// <param name="bytes">Exactly 32 bytes.</param>
    public SuppressionHash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A suppression hash has exactly {Length} bytes (HMAC-SHA256); got {bytes.Length}.", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>Parses the 64-character hex form written by <see cref="ToString"/>.</summary>
    /// <param name="hex">The hex text (either case).</param>
    /// <returns>The hash.</returns>
    public static SuppressionHash Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        return new SuppressionHash(Convert.FromHexString(hex));
    }

    /// <summary>Copies the 32 bytes into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <inheritdoc />
    public bool Equals(SuppressionHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SuppressionHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <summary>Returns the lower-case hex form (64 characters).</summary>
    /// <returns>The hex text.</returns>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Compares two hashes.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>True when equal.</returns>
    public static bool operator ==(SuppressionHash left, SuppressionHash right) => left.Equals(right);

    /// <summary>Compares two hashes.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns>True when different.</returns>
    public static bool operator !=(SuppressionHash left, SuppressionHash right) => !left.Equals(right);
}
