using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace MarketingAutomation;

/// <summary>
/// One customer's learned state for every model, in a fixed, versioned binary layout of <see cref="SerializedSize"/> bytes
/// (at most 512), persisted as <see cref="CustomerContext.LearnedState"/>. The zero state (<c>default</c>) is the cold start:
/// every model stores only the evidence learned on top of its prior (segment or population), so a fresh customer uses the priors.
/// </summary>
/// <remarks>
/// <para>Layout of format version 1 (little-endian; Half = IEEE 754 binary16):</para>
/// <code>
/// offset size  field
///      0    1  version (1)
///      1    1  flags (bit 0: tolerance learned; other bits reserved, must be 0)
///      2    2  last update day (ushort, days since 2020-01-01 UTC)
///      4   16  channel response: 4 kinds (Email, Sms, Push, InApp) x (alpha, beta) Half evidence
///     20  168  engaged hours: 168 hour-of-week slots x (successes, trials) nibble pair
///    188   64  offer response: 8 goal slots x {no offer, offer} x (alpha, beta) Half evidence
///    252    4  fatigue: tolerance mean, variance (messages per 7 days) Half
///    256   16  follow-up: 4 first kinds x 4 second kinds, (answered, trials) nibble pair
///    272       total
/// </code>
/// <para>Version 0 is the same without the follow-up block (256 bytes); it is migrated on read with an empty follow-up matrix.</para>
/// <para>Half precision is lost only when a double is written in; a state read from bytes writes back the same bytes.</para>
/// </remarks>
internal struct CustomerModelState
{
    /// <summary>The format version this build writes.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>The serialized size of the current version, in bytes.</summary>
    public const int SerializedSize = FollowUpOffset + FollowUpSize;

    /// <summary>The serialized size of version 0, in bytes.</summary>
    public const int SerializedSizeV0 = FollowUpOffset;

    /// <summary>The number of channel kinds modelled (Email, Sms, Push, InApp; webhooks are not a person's channel).</summary>
    public const int ChannelKinds = 4;

    /// <summary>The number of goal slots for offer response.</summary>
    public const int GoalSlots = 8;

    /// <summary>The largest alpha + beta evidence kept per Beta (scaled down beyond it), so Half keeps a step of at most 1/16.</summary>
    public const double MaxEvidence = 100;

    /// <summary>Flag bit: a tolerance has been learned.</summary>
    public const byte FlagToleranceLearned = 1;

    internal const int VersionOffset = 0;
    internal const int FlagsOffset = 1;
    internal const int DayOffset = 2;
    internal const int ChannelOffset = 4;
    internal const int ChannelSize = ChannelKinds * 2 * 2;
    internal const int HoursOffset = ChannelOffset + ChannelSize;
    internal const int HoursSize = EngagedHours.Slots;
    internal const int OfferOffset = HoursOffset + HoursSize;
    internal const int OfferSize = GoalSlots * 2 * 2 * 2;
    internal const int ToleranceOffset = OfferOffset + OfferSize;
    internal const int ToleranceSize = 4;
    internal const int FollowUpOffset = ToleranceOffset + ToleranceSize;
    internal const int FollowUpSize = ChannelKinds * ChannelKinds;

    private const byte KnownFlags = FlagToleranceLearned;

    private static readonly Instant DayEpoch = Instant.FromUtc(2020, 1, 1, 0, 0);
    private static readonly string[] KindNames = ["Email", "Sms", "Push", "InApp"];

    private byte _flags;
    private ushort _lastUpdateDay;
    private Halves8 _channels;
    private EngagedHours _hours;
    private Halves32 _offers;
    private Half _toleranceMean;
    private Half _toleranceVariance;
    private Bytes16 _followUp;

    /// <summary>Gets the flags (bit 0: tolerance learned).</summary>
    public readonly byte Flags => _flags;

    /// <summary>Gets the day of the last update, as days since 2020-01-01 UTC.</summary>
    public readonly ushort LastUpdateDay => _lastUpdateDay;

    /// <summary>Gets the engaged-hours model (mutable in place).</summary>
    [UnscopedRef]
    public ref EngagedHours Hours => ref _hours;

    /// <summary>Gets a value indicating whether a tolerance has been learned.</summary>
    public readonly bool HasTolerance => (_flags & FlagToleranceLearned) != 0;

    /// <summary>Gets the learned tolerance mean, in messages per 7 days (meaningful when <see cref="HasTolerance"/>).</summary>
    public readonly double ToleranceMean => (double)_toleranceMean;

    /// <summary>Gets the learned tolerance variance (meaningful when <see cref="HasTolerance"/>).</summary>
    public readonly double ToleranceVariance => (double)_toleranceVariance;

    /// <summary>Gets the day number (days since 2020-01-01 UTC, clamped to 0 to 65535) of an instant.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>The day number.</returns>
    public static ushort DayNumber(Instant instant)
    {
        var days = Math.Floor((instant - DayEpoch).TotalDays);
        return (ushort)Math.Clamp(days, 0, ushort.MaxValue);
    }

    /// <summary>Gets the model index of a channel kind, or -1 when the kind is not modelled.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>0 to 3, or -1.</returns>
    public static int ChannelIndex(ChannelKind kind) => kind is ChannelKind.Email or ChannelKind.Sms or ChannelKind.Push or ChannelKind.InApp ? (int)kind : -1;

    /// <summary>Marks the state as updated on the day of an instant.</summary>
    /// <param name="now">The instant.</param>
    public void Touch(Instant now) => _lastUpdateDay = DayNumber(now);

    /// <summary>The channel response posterior of a kind: the prior plus this customer's evidence (the prior for unmodelled kinds).</summary>
    /// <param name="kind">The channel kind.</param>
    /// <param name="prior">The segment or population prior.</param>
    /// <returns>The posterior.</returns>
    public readonly BetaPosterior ChannelPosterior(ChannelKind kind, BetaPosterior prior)
    {
        var i = ChannelIndex(kind);
        return i < 0 ? prior : WithEvidence(prior, _channels[2 * i], _channels[(2 * i) + 1]);
    }

    /// <summary>Records a channel response (weight 1 for a click, reply or conversion, about 0.1 for a machine open).</summary>
    /// <param name="kind">The channel kind (unmodelled kinds are ignored).</param>
    /// <param name="success">Whether the customer responded.</param>
    /// <param name="weight">How much the observation counts.</param>
    public void RecordChannel(ChannelKind kind, bool success, double weight = 1.0)
    {
        var i = ChannelIndex(kind);
        if (i >= 0)
        {
            AddEvidence(ref _channels[2 * i], ref _channels[(2 * i) + 1], success, weight);
        }
    }

    /// <summary>
    /// Turns a recorded non-response into a response (delayed feedback: a delivery counts as an ignore until engagement arrives inside
    /// the attribution window). Moves up to <paramref name="weight"/> from beta to alpha; adds to alpha alone when beta has less.
    /// </summary>
    /// <param name="kind">The channel kind (unmodelled kinds are ignored).</param>
    /// <param name="weight">How much evidence to move.</param>
    public void PromoteChannel(ChannelKind kind, double weight = 1.0)
    {
        var i = ChannelIndex(kind);
        if (i >= 0)
        {
            Promote(ref _channels[2 * i], ref _channels[(2 * i) + 1], weight);
        }
    }

    /// <summary>Turns a recorded non-conversion of a goal's message into a conversion (see <see cref="PromoteChannel"/>).</summary>
    /// <param name="goalSlot">The goal slot (0 to 7).</param>
    /// <param name="withOffer">Whether the message carried an offer.</param>
    public void PromoteOffer(int goalSlot, bool withOffer)
    {
        var i = OfferIndex(goalSlot, withOffer);
        Promote(ref _offers[i], ref _offers[i + 1], 1.0);
    }

    /// <summary>Turns a recorded unanswered follow-up into an answered one (no effect when every trial is already a success).</summary>
    /// <param name="first">The first channel kind.</param>
    /// <param name="second">The follow-up channel kind.</param>
    public void PromoteFollowUp(ChannelKind first, ChannelKind second)
    {
        var f = ChannelIndex(first);
        var s = ChannelIndex(second);
        if (f >= 0 && s >= 0)
        {
            ref var cell = ref _followUp[(f * ChannelKinds) + s];
            var successes = NibbleCounts.Successes(cell);
            var trials = NibbleCounts.Trials(cell);
            cell = successes < trials ? NibbleCounts.Pack(successes + 1, trials) : NibbleCounts.Record(cell, true);
        }
    }

    /// <summary>Gets the raw (alpha, beta) evidence of a channel kind, as stored.</summary>
    /// <param name="kind">The channel kind (0 to 3).</param>
    /// <returns>The evidence.</returns>
    public readonly (Half Alpha, Half Beta) ChannelEvidence(ChannelKind kind)
    {
        var i = ChannelIndex(kind);
        return i < 0 ? default : (_channels[2 * i], _channels[(2 * i) + 1]);
    }

    /// <summary>The offer response posterior of a goal slot, with or without an offer.</summary>
    /// <param name="goalSlot">The goal slot (0 to 7).</param>
    /// <param name="withOffer">Whether the message carried an offer.</param>
    /// <param name="prior">The prior.</param>
    /// <returns>The posterior.</returns>
    public readonly BetaPosterior OfferPosterior(int goalSlot, bool withOffer, BetaPosterior prior)
    {
        var i = OfferIndex(goalSlot, withOffer);
        return WithEvidence(prior, _offers[i], _offers[i + 1]);
    }

    /// <summary>Records a response to a goal's message with or without an offer.</summary>
    /// <param name="goalSlot">The goal slot (0 to 7).</param>
    /// <param name="withOffer">Whether the message carried an offer.</param>
    /// <param name="success">Whether the customer converted.</param>
    /// <param name="weight">How much the observation counts.</param>
    public void RecordOffer(int goalSlot, bool withOffer, bool success, double weight = 1.0)
    {
        var i = OfferIndex(goalSlot, withOffer);
        AddEvidence(ref _offers[i], ref _offers[i + 1], success, weight);
    }

    /// <summary>Sets the learned tolerance (messages per 7 days); stored as Half.</summary>
    /// <param name="mean">The mean, finite and at least 0.</param>
    /// <param name="variance">The variance, finite and at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative or not finite.</exception>
    public void SetTolerance(double mean, double variance)
    {
        if (!(mean >= 0) || !double.IsFinite(mean))
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "The tolerance mean must be finite and at least 0.");
        }

        if (!(variance >= 0) || !double.IsFinite(variance))
        {
            throw new ArgumentOutOfRangeException(nameof(variance), variance, "The tolerance variance must be finite and at least 0.");
        }

        _toleranceMean = (Half)Math.Min(mean, (double)Half.MaxValue);
        _toleranceVariance = (Half)Math.Min(variance, (double)Half.MaxValue);
        _flags |= FlagToleranceLearned;
    }

    /// <summary>Tightens a user cap (messages per 7 days) by the learned tolerance; never loosens it.</summary>
    /// <param name="userCap">The user's cap.</param>
    /// <returns><paramref name="userCap"/> when nothing is learned, else min(userCap, max(1, floor(mean))).</returns>
    public readonly int TightenCap(int userCap) =>
        HasTolerance ? Math.Min(userCap, Math.Max(1, (int)Math.Floor(ToleranceMean))) : userCap;

    /// <summary>The follow-up posterior: how likely the second channel answers when the first stayed silent.</summary>
    /// <param name="first">The first channel kind.</param>
    /// <param name="second">The follow-up channel kind.</param>
    /// <param name="prior">The prior.</param>
    /// <returns>The posterior (the prior for unmodelled kinds).</returns>
    public readonly BetaPosterior FollowUpPosterior(ChannelKind first, ChannelKind second, BetaPosterior prior)
    {
        var f = ChannelIndex(first);
        var s = ChannelIndex(second);
        return f < 0 || s < 0 ? prior : NibbleCounts.Posterior(_followUp[(f * ChannelKinds) + s], prior);
    }

    /// <summary>Records whether a follow-up on a second channel was answered after the first stayed silent.</summary>
    /// <param name="first">The first channel kind.</param>
    /// <param name="second">The follow-up channel kind.</param>
    /// <param name="answered">Whether the customer answered the follow-up.</param>
    public void RecordFollowUp(ChannelKind first, ChannelKind second, bool answered)
    {
        var f = ChannelIndex(first);
        var s = ChannelIndex(second);
        if (f >= 0 && s >= 0)
        {
            ref var cell = ref _followUp[(f * ChannelKinds) + s];
            cell = NibbleCounts.Record(cell, answered);
        }
    }

    /// <summary>Forgets: keeps <paramref name="factor"/> of the channel and offer evidence (moves them toward their priors).</summary>
    /// <param name="factor">The share to keep, in [0, 1] (clamped).</param>
    public void Decay(double factor)
    {
        var f = double.IsNaN(factor) ? 1.0 : Math.Clamp(factor, 0.0, 1.0);
        for (var i = 0; i < 2 * ChannelKinds; i++)
        {
            _channels[i] = (Half)((double)_channels[i] * f);
        }

        for (var i = 0; i < 4 * GoalSlots; i++)
        {
            _offers[i] = (Half)((double)_offers[i] * f);
        }
    }

    /// <summary>Writes the state in the current format.</summary>
    /// <param name="destination">At least <see cref="SerializedSize"/> bytes.</param>
    /// <returns>The number of bytes written (<see cref="SerializedSize"/>).</returns>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public readonly int Serialize(Span<byte> destination)
    {
        if (destination.Length < SerializedSize)
        {
            throw new ArgumentException($"The learned state needs {SerializedSize} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        destination[VersionOffset] = CurrentVersion;
        destination[FlagsOffset] = _flags;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[DayOffset..], _lastUpdateDay);
        for (var i = 0; i < 2 * ChannelKinds; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(destination[(ChannelOffset + (2 * i))..], _channels[i]);
        }

        _hours.ReadOnlyBytes.CopyTo(destination.Slice(HoursOffset, HoursSize));
        for (var i = 0; i < 4 * GoalSlots; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(destination[(OfferOffset + (2 * i))..], _offers[i]);
        }

        BinaryPrimitives.WriteHalfLittleEndian(destination[ToleranceOffset..], _toleranceMean);
        BinaryPrimitives.WriteHalfLittleEndian(destination[(ToleranceOffset + 2)..], _toleranceVariance);
        ((ReadOnlySpan<byte>)_followUp).CopyTo(destination.Slice(FollowUpOffset, FollowUpSize));
        return SerializedSize;
    }

    /// <summary>Writes the state to a new array (off the hot path, for the store).</summary>
    /// <returns>The bytes.</returns>
    public readonly byte[] ToArray()
    {
        var bytes = new byte[SerializedSize];
        Serialize(bytes);
        return bytes;
    }

    /// <summary>
    /// Reads a state of the current or an older version (older ones are migrated). Never throws: on false the caller uses the priors
    /// (<c>default</c>). Empty input is the cold start and succeeds with the zero state.
    /// </summary>
    /// <param name="source">The stored bytes.</param>
    /// <param name="state">The state, or the zero state on failure.</param>
    /// <param name="error">Null on success; otherwise which field is wrong and why.</param>
    /// <returns>True when read.</returns>
    public static bool TryDeserialize(ReadOnlySpan<byte> source, out CustomerModelState state, out string? error)
    {
        state = default;
        error = null;
        if (source.IsEmpty)
        {
            return true;
        }

        var version = source[VersionOffset];
        int expected;
        switch (version)
        {
            case 0:
                expected = SerializedSizeV0;
                break;
            case CurrentVersion:
                expected = SerializedSize;
                break;
            default:
                error = string.Create(CultureInfo.InvariantCulture,
                    $"Learned state field 'version' at offset 0 is {version}: an unknown (newer?) format; this build reads versions 0 to {CurrentVersion}. Using the priors.");
                return false;
        }

        if (source.Length != expected)
        {
            var field = source.Length < expected ? FieldAt(source.Length) : "end";
            error = string.Create(CultureInfo.InvariantCulture,
                $"Learned state version {version} must be {expected} bytes, got {source.Length} ({(source.Length < expected ? "truncated at field '" + field + "'" : "trailing bytes")}). Using the priors.");
            return false;
        }

        var flags = source[FlagsOffset];
        if ((flags & ~KnownFlags) != 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"Learned state field 'flags' at offset {FlagsOffset} has reserved bits set (0x{flags:X2}). Using the priors.");
            return false;
        }

        var result = default(CustomerModelState);
        result._flags = flags;
        result._lastUpdateDay = BinaryPrimitives.ReadUInt16LittleEndian(source[DayOffset..]);
        for (var i = 0; i < 2 * ChannelKinds; i++)
        {
            var offset = ChannelOffset + (2 * i);
            if (!TryReadEvidence(source, offset, out result._channels[i]))
            {
                error = HalfError(source, offset, "channel", KindNames[i / 2], i % 2 == 0 ? "alpha" : "beta");
                return false;
            }
        }

        for (var i = 0; i < HoursSize; i++)
        {
            var packed = source[HoursOffset + i];
            if (!NibbleCounts.IsValid(packed))
            {
                error = string.Create(CultureInfo.InvariantCulture,
                    $"Learned state field 'engagedHours[{i}]' at offset {HoursOffset + i} has {NibbleCounts.Successes(packed)} successes in {NibbleCounts.Trials(packed)} trials. Using the priors.");
                return false;
            }
        }

        source.Slice(HoursOffset, HoursSize).CopyTo(result._hours.Bytes);
        for (var i = 0; i < 4 * GoalSlots; i++)
        {
            var offset = OfferOffset + (2 * i);
            if (!TryReadEvidence(source, offset, out result._offers[i]))
            {
                var goal = i / 4;
                var offer = (i / 2) % 2 == 1 ? "offer" : "noOffer";
                error = HalfError(source, offset, "offer", goal.ToString(CultureInfo.InvariantCulture), offer + (i % 2 == 0 ? ".alpha" : ".beta"));
                return false;
            }
        }

        if (!TryReadEvidence(source, ToleranceOffset, out result._toleranceMean))
        {
            error = HalfError(source, ToleranceOffset, "tolerance", null, "mean");
            return false;
        }

        if (!TryReadEvidence(source, ToleranceOffset + 2, out result._toleranceVariance))
        {
            error = HalfError(source, ToleranceOffset + 2, "tolerance", null, "variance");
            return false;
        }

        if (version >= 1)
        {
            for (var i = 0; i < FollowUpSize; i++)
            {
                var packed = source[FollowUpOffset + i];
                if (!NibbleCounts.IsValid(packed))
                {
                    error = string.Create(CultureInfo.InvariantCulture,
                        $"Learned state field 'followUp[{KindNames[i / ChannelKinds]}][{KindNames[i % ChannelKinds]}]' at offset {FollowUpOffset + i} has {NibbleCounts.Successes(packed)} successes in {NibbleCounts.Trials(packed)} trials. Using the priors.");
                    return false;
                }
            }

            source.Slice(FollowUpOffset, FollowUpSize).CopyTo(result._followUp);
        }

        // Version 0 had no follow-up matrix: it starts empty (the prior); everything else carries over unchanged.
        state = result;
        return true;
    }

    private static string FieldAt(int offset) => offset switch
    {
        < FlagsOffset => "version",
        < DayOffset => "flags",
        < ChannelOffset => "lastUpdateDay",
        < HoursOffset => "channel",
        < OfferOffset => "engagedHours",
        < ToleranceOffset => "offer",
        < FollowUpOffset => "tolerance",
        _ => "followUp",
    };

    private static bool TryReadEvidence(ReadOnlySpan<byte> source, int offset, out Half value)
    {
        value = BinaryPrimitives.ReadHalfLittleEndian(source[offset..]);
        return Half.IsFinite(value) && value >= Half.Zero;
    }

    private static string HalfError(ReadOnlySpan<byte> source, int offset, string field, string? index, string part)
    {
        var value = BinaryPrimitives.ReadHalfLittleEndian(source[offset..]);
        var name = index is null ? $"{field}.{part}" : $"{field}[{index}].{part}";
        var what = Half.IsNaN(value) ? "NaN" : Half.IsInfinity(value) ? "infinite" : "negative";
        return string.Create(CultureInfo.InvariantCulture,
            $"Learned state field '{name}' at offset {offset} is {what} ({value}); expected a finite value >= 0. Using the priors.");
    }

    private static int OfferIndex(int goalSlot, bool withOffer)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)goalSlot, (uint)GoalSlots, nameof(goalSlot));
        return (goalSlot * 4) + (withOffer ? 2 : 0);
    }

    private static BetaPosterior WithEvidence(BetaPosterior prior, Half alpha, Half beta) =>
        new(prior.Alpha + (double)alpha, prior.Beta + (double)beta);

    private static void Promote(ref Half alpha, ref Half beta, double weight)
    {
        if (!(weight > 0) || !double.IsFinite(weight))
        {
            return;
        }

        var moved = Math.Min((double)beta, weight);
        var a = (double)alpha + weight;
        var b = (double)beta - moved;
        var n = a + b;
        if (n > MaxEvidence)
        {
            var scale = MaxEvidence / n;
            a *= scale;
            b *= scale;
        }

        alpha = (Half)a;
        beta = (Half)Math.Max(0, b);
    }

    private static void AddEvidence(ref Half alpha, ref Half beta, bool success, double weight)
    {
        if (!(weight > 0) || !double.IsFinite(weight))
        {
            return;
        }

        var a = (double)alpha + (success ? weight : 0);
        var b = (double)beta + (success ? 0 : weight);
        var n = a + b;
        if (n > MaxEvidence)
        {
            var scale = MaxEvidence / n;
            a *= scale;
            b *= scale;
        }

        alpha = (Half)a;
        beta = (Half)b;
    }

    [InlineArray(8)]
    private struct Halves8
    {
        private Half _element;
    }

    [InlineArray(32)]
    private struct Halves32
    {
        private Half _element;
    }

    [InlineArray(16)]
    private struct Bytes16
    {
        private byte _element;
    }
}
