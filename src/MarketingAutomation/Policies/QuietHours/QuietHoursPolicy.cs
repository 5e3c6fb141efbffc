using System.Runtime.CompilerServices;

namespace MarketingAutomation;

/// <summary>
/// Quiet hours: a message may go out only when its whole delivery interval [now, now + the channel's
/// <see cref="ChannelCapabilities.MaxProviderQueueDelay"/>] lies inside the <see cref="Window"/> in the recipient's local time, in every
/// zone the recipient may be in (TC-01, TC-04, TW-09). Zones come from <see cref="RecipientZones"/>: the customer's zone, else every
/// zone of their phone numbers (TC-05); when nothing is known the candidate is deferred with <see cref="ReasonCodes.UnknownTimeZone"/>
/// and never allowed (fail closed).
/// </summary>
/// <remarks>
/// <para>
/// Outside the window the candidate is deferred to the earliest instant t after now such that [t, t + delay] lies inside the window
/// in every candidate zone, computed exactly on instants (every local window is mapped to instants through the zone's offset periods,
/// so DST gaps shorten a day's window and overlaps lengthen it; local times are never shifted by hours, TC-06). When no such instant
/// exists within <see cref="SearchHorizon"/> (8 days; for example a window shorter than the queue delay) the candidate is denied with
/// <see cref="WindowTooShortCode"/>.
/// </para>
/// <para>
/// Windows may cross midnight (20:00-08:00). A window whose start equals its end never opens: <see cref="Validate()"/> reports it and
/// every candidate it applies to is denied. Transactional messages are exempt unless <see cref="ApplyToTransactional"/> is set.
/// Several windows (federal and state rules) are AND-ed by adding several policies: every rule must allow.
/// </para>
/// <para>
/// Evaluation allocates nothing once the recipient's phone numbers are cached; it uses per-thread buffers that grow once. For a
/// recipient with a known zone the answer depends only on (window, zone, instant, queue delay), so it is memoised in a small
/// per-thread table: within one tick the customers of a zone cost one look-up each.
/// </para>
/// </remarks>
public sealed class QuietHoursPolicy : IPolicy, IValidatableRule
{
    /// <summary>
    /// The reason code when no instant within <see cref="SearchHorizon"/> can carry the message: the window is shorter than the channel's
    /// queue delay, never opens, or the recipient's zones have no common window. (To move to <see cref="ReasonCodes"/>.)
    /// </summary>
    public const string WindowTooShortCode = "QuietHoursWindowTooShort";

    /// <summary>How far ahead the earliest allowed instant is searched.</summary>
    public static readonly Duration SearchHorizon = Duration.FromDays(8);

    private const string UnknownZoneReason = "The recipient's time zone is unknown (no IANA zone and no phone number that places them), so quiet hours cannot be proven.";
    private const string TooShortReason = "No instant in the next 8 days lets the whole delivery interval (send + the channel's max provider queue delay) fit inside the sending window in every zone the recipient may be in.";

    private static readonly long HorizonTicks = SearchHorizon.BclCompatibleTicks;

    private const int KnownZoneSlots = 64;

    [ThreadStatic]
    private static KnownZoneEntry[]? t_known;

    [ThreadStatic]
    private static DateTimeZone[]? t_zones;

    [ThreadStatic]
    private static long[]? t_intervals;

    [ThreadStatic]
    private static int[]? t_bounds;

    private readonly string _reason;

    /// <summary>Initializes a new instance of the <see cref="QuietHoursPolicy"/> class.</summary>
    /// <param name="start">The first allowed local time (included).</param>
    /// <param name="end">The first local time no longer allowed (excluded); earlier than <paramref name="start"/> to cross midnight.</param>
    /// <param name="channel">The channel kind the window applies to, or null for every channel.</param>
    public QuietHoursPolicy(LocalTime start, LocalTime end, ChannelKind? channel = null)
        : this(new SendWindow(start, end), channel)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="QuietHoursPolicy"/> class.</summary>
    /// <param name="window">The allowed window of local time.</param>
    /// <param name="channel">The channel kind the window applies to, or null for every channel.</param>
    public QuietHoursPolicy(SendWindow window, ChannelKind? channel = null)
    {
        Window = window;
        Channel = channel;
        var span = window.Start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + "-"
            + window.End.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        Name = "quiet-hours:" + span + (channel is null ? string.Empty : ":" + channel.Value.ToString().ToLowerInvariant());
        _reason = "Outside the sending window " + span + " in the recipient's local time (the whole delivery interval, including the channel's max provider queue delay, must fit"
            + (channel is null ? ")." : ") on " + channel.Value + ".");
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets the allowed window of local time.</summary>
    public SendWindow Window { get; }

    /// <summary>Gets the channel kind the window applies to, or null for every channel.</summary>
    public ChannelKind? Channel { get; }

    /// <summary>Gets a value indicating whether transactional messages are held by the window too.</summary>
    /// <value>The default value is <see langword="false"/> (transactional messages are exempt).</value>
    public bool ApplyToTransactional { get; init; }

    /// <summary>Gets how long to wait before trying again when the recipient's time zone is unknown.</summary>
    /// <value>The default value is 24 hours.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public Duration UnknownZoneRetry
    {
        get;
        init
        {
            if (value <= Duration.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The retry for unknown time zones must be positive, for example Duration.FromHours(24).");
            }

            field = value;
        }
    } = Duration.FromHours(24);

    /// <summary>Reports configuration problems: a window that never opens (start equals end).</summary>
    /// <returns>The problems, each naming the fix; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Window.IsEmpty)
        {
            problems.Add($"Quiet hours '{Name}': the window {Window} never opens (start equals end). Use an end after the start, for example AddQuietHours(new LocalTime(8, 0), new LocalTime(21, 0)).");
        }

        return problems;
    }

    /// <summary>
    /// Reports, in addition to <see cref="Validate()"/>, every channel the window applies to whose max provider queue delay does not fit
    /// in the window (such channels would be denied at runtime with <see cref="WindowTooShortCode"/>).
    /// </summary>
    /// <param name="context">The pipeline's goals and channels.</param>
    /// <returns>The problems; empty when valid.</returns>
    public IEnumerable<string> Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problems = new List<string>(Validate());
        foreach (var channel in context.Channels)
        {
            if ((Channel is null || channel.Kind == Channel) && !Window.IsEmpty && channel.Capabilities.MaxProviderQueueDelay >= Window.NominalLength)
            {
                problems.Add($"Quiet hours '{Name}': channel '{channel.Name}' may queue messages for {channel.Capabilities.MaxProviderQueueDelay}, which does not fit in the window {Window}; lower its MaxProviderQueueDelay (for Twilio, the ValidityPeriod) or widen the window.");
            }
        }

        return problems;
    }

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context)
    {
        var candidate = context.Candidate;
        if (Channel is { } kind && candidate.ChannelKind != kind)
        {
            return PolicyVerdict.Allow;
        }

        if (!ApplyToTransactional && candidate.Purpose == MessagePurpose.Transactional)
        {
            return PolicyVerdict.Allow;
        }

        var delay = candidate.Channel.Capabilities.MaxProviderQueueDelay;
        if (context.Customer.Customer.TimeZone is { } known)
        {
            // The usual case: one known zone. The answer depends only on (window, zone, now, delay), and within one tick thousands
            // of customers share a zone and the instant, so it is memoised per thread.
            return Window.IsEmpty ? PolicyVerdict.Deny(WindowTooShortCode, TooShortReason) : Verdict(EarliestForKnownZone(known, context.Now, delay), context.Now);
        }

        var zones = t_zones ??= new DateTimeZone[8];
        var contact = candidate.Contact;
        var extra = contact is { Kind: ChannelKind.Sms } ? contact.Address : null;
        var zoneCount = RecipientZones.Collect(context.Customer.Customer, extra, ref zones);
        t_zones = zones;
        if (zoneCount == 0)
        {
            return PolicyVerdict.DeferUntil(context.Now + UnknownZoneRetry, ReasonCodes.UnknownTimeZone, UnknownZoneReason);
        }

        if (Window.IsEmpty)
        {
            return PolicyVerdict.Deny(WindowTooShortCode, TooShortReason);
        }

        return Verdict(EarliestAllowed(Window, zones.AsSpan(0, zoneCount), context.Now, delay), context.Now);
    }

    /// <summary><see cref="EarliestAllowed"/> for one zone, through a small per-thread cache keyed by (rule, zone, now, delay).</summary>
    private Instant? EarliestForKnownZone(DateTimeZone zone, Instant now, Duration delay)
    {
        var cache = t_known ??= new KnownZoneEntry[KnownZoneSlots];
        var slot = (RuntimeHelpers.GetHashCode(zone) ^ RuntimeHelpers.GetHashCode(this)) & (KnownZoneSlots - 1);
        ref var entry = ref cache[slot];
        if (ReferenceEquals(entry.Zone, zone) && ReferenceEquals(entry.Rule, this) && entry.Now == now && entry.Delay == delay)
        {
            return entry.Result;
        }

        var result = EarliestAllowed(Window, new ReadOnlySpan<DateTimeZone>(in zone), now, delay);
        entry = new KnownZoneEntry(this, zone, now, delay, result);
        return result;
    }

    private PolicyVerdict Verdict(Instant? earliest, Instant now) =>
        earliest is not { } at ? PolicyVerdict.Deny(WindowTooShortCode, TooShortReason)
        : at <= now ? PolicyVerdict.Allow
        : PolicyVerdict.DeferUntil(at, ReasonCodes.QuietHours, _reason);

    /// <summary>
    /// The earliest instant t at or after <paramref name="now"/> (within <see cref="SearchHorizon"/>) such that [t, t + delay] lies inside
    /// the window in every zone; <paramref name="now"/> itself when sending now is allowed; null when there is none.
    /// </summary>
    /// <param name="window">The window.</param>
    /// <param name="zones">The candidate zones (at least one).</param>
    /// <param name="now">The evaluation instant.</param>
    /// <param name="delay">The provider's max queue delay (negative counts as zero).</param>
    /// <returns>The instant, or null.</returns>
    internal static Instant? EarliestAllowed(SendWindow window, ReadOnlySpan<DateTimeZone> zones, Instant now, Duration delay)
    {
        // Work in BCL ticks since the Unix epoch. An instant between ticks starts at the tick before it and lasts one tick more.
        var nowTicks = now.ToUnixTimeTicks();
        var subTick = Instant.FromUnixTimeTicks(nowTicks) != now ? 1L : 0L;
        var d = delay <= Duration.Zero ? 0L : CeilTicks(delay);
        var horizon = nowTicks + HorizonTicks;
        var dd = d + subTick;
        if (WithinCurrentPeriods(window, zones, nowTicks, d, subTick, out var quick))
        {
            return quick == nowTicks ? now : Instant.FromUnixTimeTicks(quick);
        }

        // Usually the answer lies within two days: map only that far first. The answer found on a shorter map is exact when its
        // delivery interval ends inside the map (the map is exact up to its end); otherwise map the whole horizon.
        var fullTo = horizon + dd + NodaConstants.TicksPerMinute;
        var shortTo = Math.Min(nowTicks + dd + (2 * NodaConstants.TicksPerDay), fullTo);
        if (shortTo < fullTo && Solve(window, zones, nowTicks, shortTo, d, subTick, horizon, out var early) && early + dd < shortTo)
        {
            return early == nowTicks ? now : Instant.FromUnixTimeTicks(early);
        }

        return Solve(window, zones, nowTicks, fullTo, d, subTick, horizon, out var t)
            ? (t == nowTicks ? now : Instant.FromUnixTimeTicks(t))
            : null;
    }

    /// <summary>Maps every zone's allowed intervals over [nowTicks, to) and finds the earliest common start (false when none up to the horizon).</summary>
    private static bool Solve(SendWindow window, ReadOnlySpan<DateTimeZone> zones, long nowTicks, long to, long d, long subTick, long horizon, out long t)
    {
        var intervals = t_intervals ??= new long[256];
        var bounds = t_bounds ??= new int[16];
        if (bounds.Length < zones.Length + 1)
        {
            Array.Resize(ref bounds, Math.Max(bounds.Length * 2, zones.Length + 1));
            t_bounds = bounds;
        }

        var count = 0;
        for (var z = 0; z < zones.Length; z++)
        {
            bounds[z] = count;
            count = AppendAllowed(zones[z], window, nowTicks, to, ref intervals, count);
        }

        bounds[zones.Length] = count;
        t_intervals = intervals;

        // Fixpoint: push t forward to each zone's earliest feasible start at or after t until every zone agrees.
        t = nowTicks;
        var dd = d + subTick;
        var stable = false;
        while (!stable)
        {
            stable = true;
            for (var z = 0; z < zones.Length; z++)
            {
                var next = EarliestIn(intervals.AsSpan(bounds[z], bounds[z + 1] - bounds[z]), t, dd);
                if (next > horizon)
                {
                    return false;
                }

                if (next != t)
                {
                    t = next;
                    stable = false;

                    // After leaving now, whole ticks only: the sub-tick part no longer matters.
                    dd = d;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The common case in O(1) per zone, without mapping intervals: in each zone, the earliest feasible start at or after now is either
    /// now or the next start of the window in the zone's current offset, provided that offset period lasts past that start plus the
    /// delay (inside one period local time is instant + offset exactly, so no earlier start can fit). The latest of these starts is
    /// then the answer when it fits in every zone (checked; always so for one zone). False means "not proven here": the caller maps
    /// the intervals.
    /// </summary>
    private static bool WithinCurrentPeriods(SendWindow window, ReadOnlySpan<DateTimeZone> zones, long nowTicks, long d, long subTick, out long t)
    {
        const long Day = NodaConstants.TicksPerDay;
        var start = window.Start.TickOfDay;
        var end = window.End.TickOfDay;
        var length = start < end ? end - start : Day - start + end;
        var dd = d + subTick;
        t = nowTicks;
        var allNow = true;
        for (var z = 0; z < zones.Length; z++)
        {
            var period = zones[z].GetZoneInterval(Instant.FromUnixTimeTicks(nowTicks));
            var offset = period.WallOffset.Ticks;
            var local = nowTicks + offset;
            var timeOfDay = local - (FloorDiv(local, Day) * Day);
            long earliest;
            long needed;
            if (FitsAt(start, end, timeOfDay, dd))
            {
                earliest = nowTicks;
                needed = nowTicks + dd;
            }
            else
            {
                if (d >= length)
                {
                    return false;
                }

                allNow = false;
                earliest = (timeOfDay < start ? nowTicks - timeOfDay + start : nowTicks - timeOfDay + Day + start);
                needed = earliest + d;
            }

            if (period.HasEnd && period.End.ToUnixTimeTicks() <= needed)
            {
                return false;
            }

            t = Math.Max(t, earliest);
        }

        if (allNow)
        {
            return true;
        }

        return zones.Length == 1 || FitsNowWithinOnePeriod(window, zones, t, d);
    }

    /// <summary>Whether a start at <paramref name="timeOfDay"/> lies in the window and ends (after <paramref name="d"/>) before the occurrence closes.</summary>
    private static bool FitsAt(long start, long end, long timeOfDay, long d)
    {
        const long Day = NodaConstants.TicksPerDay;
        long occurrenceEnd;
        if (start < end)
        {
            if (timeOfDay < start || timeOfDay >= end)
            {
                return false;
            }

            occurrenceEnd = end;
        }
        else if (timeOfDay >= start)
        {
            occurrenceEnd = Day + end;
        }
        else if (timeOfDay < end)
        {
            occurrenceEnd = end;
        }
        else
        {
            return false;
        }

        return timeOfDay + d < occurrenceEnd;
    }

    /// <summary>
    /// In every zone, [t, t + d] lies in one offset period, starts inside the window and ends before
    /// the window occurrence it starts in closes. False means "not proven here", never "not allowed".
    /// </summary>
    private static bool FitsNowWithinOnePeriod(SendWindow window, ReadOnlySpan<DateTimeZone> zones, long t, long d)
    {
        const long Day = NodaConstants.TicksPerDay;
        var start = window.Start.TickOfDay;
        var end = window.End.TickOfDay;
        for (var z = 0; z < zones.Length; z++)
        {
            var period = zones[z].GetZoneInterval(Instant.FromUnixTimeTicks(t));
            if (period.HasEnd && period.End.ToUnixTimeTicks() <= t + d)
            {
                return false;
            }

            var local = t + period.WallOffset.Ticks;
            if (!FitsAt(start, end, local - (FloorDiv(local, Day) * Day), d))
            {
                return false;
            }
        }

        return true;
    }

    private static long CeilTicks(Duration duration)
    {
        var ticks = duration.BclCompatibleTicks;
        return Duration.FromTicks(ticks) < duration ? ticks + 1 : ticks;
    }

    /// <summary>The earliest t' at or after t with [t', t' + d] inside one allowed interval [a, b) (so t' + d &lt; b); long.MaxValue when none.</summary>
    private static long EarliestIn(ReadOnlySpan<long> intervals, long t, long d)
    {
        for (var i = 0; i < intervals.Length; i += 2)
        {
            var candidate = Math.Max(intervals[i], t);
            if (candidate + d < intervals[i + 1])
            {
                return candidate;
            }
        }

        return long.MaxValue;
    }

    /// <summary>
    /// Appends, as merged [start, end) pairs of Unix ticks clipped to [from, to), the instants whose local time in the zone lies in the
    /// window. Walks the zone's offset periods; inside one period local time = instant + offset exactly, so each day's window maps to
    /// one instant interval, clipped to the period.
    /// </summary>
    private static int AppendAllowed(DateTimeZone zone, SendWindow window, long from, long to, ref long[] buffer, int count)
    {
        const long Day = NodaConstants.TicksPerDay;
        var first = count;
        var startOfDay = window.Start.TickOfDay;
        var endOfDay = window.End.TickOfDay;
        var endDayShift = window.CrossesMidnight ? Day : 0L;
        var cursor = from;
        while (cursor < to)
        {
            var period = zone.GetZoneInterval(Instant.FromUnixTimeTicks(cursor));
            var periodEnd = period.HasEnd ? Math.Min(period.End.ToUnixTimeTicks(), to) : to;
            if (periodEnd <= cursor)
            {
                // Defensive: a period must move forward.
                periodEnd = Math.Min(cursor + NodaConstants.TicksPerSecond, to);
            }

            var offset = period.WallOffset.Ticks;
            var firstDay = FloorDiv(cursor + offset, Day) - 1;
            var lastDay = FloorDiv(periodEnd + offset, Day);
            for (var day = firstDay; day <= lastDay; day++)
            {
                var a = Math.Max((day * Day) + startOfDay - offset, cursor);
                var b = Math.Min((day * Day) + endDayShift + endOfDay - offset, periodEnd);
                if (a >= b)
                {
                    continue;
                }

                if (count > first && buffer[count - 1] >= a)
                {
                    buffer[count - 1] = Math.Max(buffer[count - 1], b);
                    continue;
                }

                if (count + 2 > buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                buffer[count] = a;
                buffer[count + 1] = b;
                count += 2;
            }

            cursor = periodEnd;
        }

        return count;
    }

    private static long FloorDiv(long value, long divisor)
    {
        var q = value / divisor;
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? q - 1 : q;
    }
}

/// <summary>A memoised answer of <see cref="QuietHoursPolicy"/> for one known zone at one instant.</summary>
internal readonly record struct KnownZoneEntry(QuietHoursPolicy Rule, DateTimeZone Zone, Instant Now, Duration Delay, Instant? Result);

/// <summary>Builder shortcut for quiet hours.</summary>
public static class QuietHoursBuilderExtensions
{
    /// <summary>
    /// Adds a quiet-hours rule: messages only while the whole delivery interval lies in [<paramref name="start"/>, <paramref name="end"/>)
    /// of the recipient's local time (for example the US federal window: <c>AddQuietHours(new LocalTime(8, 0), new LocalTime(21, 0), ChannelKind.Sms)</c>).
    /// An end earlier than the start crosses midnight. Transactional messages are exempt; use
    /// <c>AddPolicy(new QuietHoursPolicy(...) { ApplyToTransactional = true })</c> to hold them too.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="start">The first allowed local time (included).</param>
    /// <param name="end">The first local time no longer allowed (excluded).</param>
    /// <param name="channel">The channel kind, or null for every channel.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddQuietHours(this IMarketingAutomationBuilder builder, LocalTime start, LocalTime end, ChannelKind? channel = null) =>
        builder.AddPolicy(new QuietHoursPolicy(start, end, channel));
}
