using System.Diagnostics;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PhoneNumbers;
using static MarketingAutomation.Tests.Policies.QuietHours.DeliveryIntervalOracle;
using static MarketingAutomation.Tests.Policies.QuietHours.QuietHoursTestKit;

namespace MarketingAutomation.Tests.Policies.QuietHours;

/// <summary>
/// The property the issue requires (TC-05, TC-06, TW-09): across every IANA zone, instants around every transition 2024-2030, customers
/// placed only by their phone numbers (one or many zones), random windows, random provider queue delays up to 10 h and random clocks,
/// the policy never lets a message out whose delivery interval leaves the window in any zone, and its deferrals are exactly the
/// earliest instant that works. Checked against <see cref="DeliveryIntervalOracle"/>, written independently of the policy.
/// </summary>
public sealed class QuietHoursPolicyProperties
{
    private const int BaseDecisions = 1_000_000;
    private static readonly Duration Horizon = QuietHoursPolicy.SearchHorizon;
    private static readonly Instant RangeStart = Instant.FromUtc(2024, 1, 1, 0, 0);
    private static readonly Instant RangeEnd = Instant.FromUtc(2031, 1, 1, 0, 0);

    // Mostly single-zone numbers; a few of them map to two zones (checked at run time, not assumed).
    private static readonly string[] SingleZonePhones =
    [
        "+12125550123", "+13125550123", "+14155550123", "+16025550123", "+18085550123", "+19075550123", "+14165550123",
        "+493012345678", "+442071234567", "+33142685300", "+61212345678", "+97714123456", "+919876543210", "+81312345678",
        "+5511912345678", "+525512345678", "+27211234567", "+6421234567",
    ];

    private static readonly string[] MultiZonePhones = ["+12085550123", "+18005550123", "+79161234567", "+61412345678", "+5521987654321", "+16155550123"];

    private static readonly string[] BadPhones = ["+1abc", "12125550123", "+1212", "+999123456789", "not a number"];

    private sealed class DelayChannel(Duration delay) : IChannel
    {
        public string Name => "sms";

        public ChannelKind Kind => ChannelKind.Sms;

        public ChannelCapabilities Capabilities { get; } = ChannelCapabilities.Default with { MaxProviderQueueDelay = delay };

        public ValueTask<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
    }

    /// <summary>One recipient: how the policy sees them and which zones the oracle (independently) places them in.</summary>
    private sealed record Recipient(CustomerContext Context, DateTimeZone[] OracleZones, Instant[] Transitions);

    private sealed class Tally
    {
        public long Decisions;
        public long Allowed;
        public long Deferred;
        public long Denied;
        public long Unknown;
        public long ExactEarliestChecks;
        public long MinuteChecks;
        public readonly List<string> Violations = [];

        public void Add(Tally other)
        {
            Decisions += other.Decisions;
            Allowed += other.Allowed;
            Deferred += other.Deferred;
            Denied += other.Denied;
            Unknown += other.Unknown;
            ExactEarliestChecks += other.ExactEarliestChecks;
            MinuteChecks += other.MinuteChecks;
            Violations.AddRange(other.Violations);
        }
    }

    private static double Scale =>
        double.TryParse(Environment.GetEnvironmentVariable("MA_PROPERTY_SCALE"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 1.0;

    /// <summary>The zones of a number, found directly with libphonenumber (not through <see cref="RecipientZones"/>).</summary>
    private static DateTimeZone[] OracleZonesOf(string number)
    {
        try
        {
            var util = PhoneNumberUtil.GetInstance();
            var parsed = util.Parse(number, null);
            if (!util.IsValidNumber(parsed))
            {
                return [];
            }

            return [.. PhoneNumberToTimeZonesMapper.GetInstance().GetTimeZonesForNumber(parsed)
                .Select(id => DateTimeZoneProviders.Tzdb.GetZoneOrNull(id))
                .OfType<DateTimeZone>()
                .DistinctBy(z => z.Id)];
        }
        catch (NumberParseException)
        {
            return [];
        }
    }

    private static Instant[] TransitionsOf(IEnumerable<DateTimeZone> zones) =>
        [.. zones.SelectMany(z => z.GetZoneIntervals(RangeStart, RangeEnd)).Where(i => i.HasStart && i.Start > RangeStart).Select(i => i.Start).Distinct().Order()];

    private static Recipient ForZone(string id)
    {
        var zone = DateTimeZoneProviders.Tzdb[id];
        return new Recipient(Customers.Context(new Customer("z-" + id) { TimeZoneId = id }), [zone], TransitionsOf([zone]));
    }

    private static Recipient ForPhones(params string[] phones)
    {
        var zones = phones.SelectMany(OracleZonesOf).DistinctBy(z => z.Id).ToArray();
        var customer = new Customer("p-" + string.Join("-", phones)) { ContactPoints = [.. phones.Select(p => new ContactPoint(ChannelKind.Sms, p))] };
        return new Recipient(Customers.Context(customer), zones, TransitionsOf(zones));
    }

    private static (LocalTime Start, LocalTime End) RandomWindow(Random rng)
    {
        var kind = rng.Next(100);
        if (kind < 3)
        {
            var t = LocalTime.FromMinutesSinceMidnight(rng.Next(1440));
            return (t, t);
        }

        if (kind < 13)
        {
            return rng.Next(3) switch
            {
                0 => (T(8), T(21)),
                1 => (T(21), T(8)),
                _ => (T(8), T(20)),
            };
        }

        if (kind < 30)
        {
            // Edges near typical transition hours (00:00-04:00).
            var a = LocalTime.FromMinutesSinceMidnight(rng.Next(240));
            var b = LocalTime.FromMinutesSinceMidnight(rng.Next(1440));
            return rng.Next(2) == 0 ? (a, b) : (b, a);
        }

        return (LocalTime.FromMinutesSinceMidnight(rng.Next(1440)), LocalTime.FromMinutesSinceMidnight(rng.Next(1440)));
    }

    private static Duration RandomDelay(Random rng) => rng.Next(100) switch
    {
        < 15 => Duration.Zero,
        < 25 => Duration.FromMinutes(rng.Next(601)),
        _ => Duration.FromSeconds(rng.Next(36_001)),
    };

    private static Instant RandomNow(Random rng, Recipient recipient, Duration delay, Instant[] allTransitions, long index)
    {
        var transitions = recipient.Transitions;
        if (transitions.Length > 0 && rng.Next(100) < 85)
        {
            var transition = transitions[rng.Next(transitions.Length)];
            var before = (long)((2 * 3600) + delay.TotalSeconds);
            var seconds = rng.NextInt64(-before, (2 * 3600) + 1);
            var now = transition + Duration.FromSeconds(seconds);
            return rng.Next(4) == 0 ? now + Duration.FromMilliseconds(rng.Next(1000)) : now;
        }

        if (rng.Next(4) == 0 && allTransitions.Length > 0)
        {
            return allTransitions[(int)(index % allTransitions.Length)] + Duration.FromSeconds(rng.Next(-7200, 7201));
        }

        return RangeStart + Duration.FromSeconds(rng.NextInt64((long)(RangeEnd - RangeStart).TotalSeconds));
    }

    private static PolicyVerdict Evaluate(QuietHoursPolicy policy, Recipient recipient, IChannel channel, Instant now)
    {
        var customer = recipient.Context.Customer;
        var contact = customer.FindContact(ChannelKind.Sms) ?? new ContactPoint(ChannelKind.Sms, "contact-sms");
        var context = new PolicyContext(recipient.Context, new Candidate(Promo, Promo.Variants[0], channel, contact), now);
        return policy.Evaluate(in context);
    }

    private static void Check(Random rng, Recipient recipient, Instant[] allTransitions, long index, bool deep, Tally tally)
    {
        var (start, end) = RandomWindow(rng);
        var delay = RandomDelay(rng);
        var now = RandomNow(rng, recipient, delay, allTransitions, index);
        var policy = new QuietHoursPolicy(start, end);
        var channel = new DelayChannel(delay);
        var zones = recipient.OracleZones;
        var verdict = Evaluate(policy, recipient, channel, now);
        tally.Decisions++;

        void Fail(string what) => tally.Violations.Add(
            $"{what}: customer={recipient.Context.Customer.Id} zones=[{string.Join(",", zones.Select(z => z.Id))}] window={start}-{end} delay={delay} now={now} verdict={verdict}");

        if (zones.Length == 0)
        {
            tally.Unknown++;
            if (verdict.Kind != VerdictKind.Defer || verdict.Code != ReasonCodes.UnknownTimeZone || verdict.Until != now + policy.UnknownZoneRetry)
            {
                Fail("unknown zone not deferred with UnknownTimeZone");
            }

            return;
        }

        switch (verdict.Kind)
        {
            case VerdictKind.Allow:
                tally.Allowed++;
                if (!IntervalInside(now, delay, zones, start, end))
                {
                    Fail("allowed but the delivery interval leaves the window");
                }

                break;

            case VerdictKind.Defer:
                tally.Deferred++;
                var until = verdict.Until;
                if (verdict.Code != ReasonCodes.QuietHours || until <= now || until > now + Horizon)
                {
                    Fail("deferral with the wrong code or outside (now, now + horizon]");
                    break;
                }

                if (!IntervalInside(until, delay, zones, start, end))
                {
                    Fail("deferred to an instant whose delivery interval leaves the window");
                }

                if (!Evaluate(policy, recipient, channel, until).IsAllowed)
                {
                    Fail("the policy does not allow its own deferral instant");
                }

                // Earliest: one tick earlier must not work (exact), and neither may now.
                if (IntervalInside(until - Duration.FromTicks(1), delay, zones, start, end) && until - Duration.FromTicks(1) >= now)
                {
                    Fail("a tick before the deferral instant already works");
                }

                if (IntervalInside(now, delay, zones, start, end))
                {
                    Fail("deferred although now works");
                }

                break;

            default:
                tally.Denied++;
                if (verdict.Code != QuietHoursPolicy.WindowTooShortCode)
                {
                    Fail("deny with the wrong code");
                }

                // Exact: no instant within the horizon works (every deny with one or two zones; a sample of the others).
                if (!deep && (zones.Length <= 2 || index % 10 == 0))
                {
                    tally.ExactEarliestChecks++;
                    if (Earliest(now, delay, zones, start, end, Horizon) is { } works)
                    {
                        Fail($"denied although {works} works");
                    }
                }

                break;
        }

        if (deep)
        {
            // Exact earliest instant by enumerating every instant at which some zone enters the window.
            tally.ExactEarliestChecks++;
            var expected = Earliest(now, delay, zones, start, end, Horizon);
            var actual = verdict.Kind switch
            {
                VerdictKind.Allow => now,
                VerdictKind.Defer => verdict.Until,
                _ => (Instant?)null,
            };
            if (expected != actual)
            {
                Fail($"earliest instant differs from the oracle's {expected?.ToString() ?? "none"}");
            }

            // Brute force, minute by minute with InZone: the instant the policy sends at, and a sample of earlier minute-aligned instants.
            tally.MinuteChecks++;
            if (actual is { } sendAt && !IntervalInsideByMinutes(sendAt, delay, zones, start, end))
            {
                Fail("minute-by-minute oracle finds the delivery interval outside the window");
            }

            var limit = actual ?? now + Horizon;
            var firstMinute = Instant.FromUnixTimeTicks(((now.ToUnixTimeTicks() / NodaConstants.TicksPerMinute) + 1) * NodaConstants.TicksPerMinute);
            var minutes = (long)(limit - firstMinute).TotalMinutes;
            for (var i = 0; i < 8 && minutes > 0; i++)
            {
                var probe = firstMinute + Duration.FromMinutes(rng.NextInt64(minutes));
                if (probe < limit && IntervalInsideByMinutes(probe, delay, zones, start, end))
                {
                    Fail($"an earlier minute-aligned instant {probe} is allowed by the minute-by-minute oracle");
                }
            }
        }
    }

    [Fact]
    public void DeliveryInterval_EveryZoneEveryTransition2024To2030_PhonesWindowsDelays_ZeroViolations()
    {
        var output = TestContext.Current.TestOutputHelper;
        var total = (long)(BaseDecisions * Scale);
        var zoneRecipients = DateTimeZoneProviders.Tzdb.Ids.Select(ForZone).ToArray();
        var phones = SingleZonePhones.Concat(MultiZonePhones).Select(p => ForPhones(p))
            .Append(ForPhones("+12125550123", "+493012345678")).Append(ForPhones("+18505550123", "+14165550123")).ToArray();
        var singlePhones = phones.Where(r => r.OracleZones.Length == 1).ToArray();
        var multiPhones = phones.Where(r => r.OracleZones.Length > 1).ToArray();
        var badPhones = BadPhones.Select(p => ForPhones(p)).ToArray();
        Assert.True(singlePhones.Length >= 10 && multiPhones.Length >= 6, $"{singlePhones.Length} single-zone and {multiPhones.Length} multi-zone numbers");
        Assert.All(badPhones, r => Assert.Empty(r.OracleZones));

        // Every transition of every zone, so each one is visited in turn (not only by chance).
        var everyTransition = zoneRecipients.SelectMany(r => r.Transitions.Select(t => (Recipient: r, At: t))).ToArray();
        var allTransitions = everyTransition.Select(t => t.At).Distinct().Order().ToArray();

        var stopwatch = Stopwatch.StartNew();
        const int Chunks = 64;
        var tallies = new Tally[Chunks];
        Parallel.For(0, Chunks, chunk =>
        {
            var rng = new Random(20_260_105 + chunk);
            var tally = new Tally();
            for (var i = (long)chunk; i < total; i += Chunks)
            {
                var kind = rng.Next(100);
                Recipient recipient;
                if (kind < 45)
                {
                    // Around every transition in turn: the recipient of the zone, 'now' within -2 h - delay .. +2 h of it.
                    var (r, _) = everyTransition[(int)(i % everyTransition.Length)];
                    recipient = r;
                }
                else if (kind < 70)
                {
                    recipient = zoneRecipients[(int)(i % zoneRecipients.Length)];
                }
                else if (kind < 85)
                {
                    recipient = singlePhones[rng.Next(singlePhones.Length)];
                }
                else if (kind < 98)
                {
                    recipient = multiPhones[rng.Next(multiPhones.Length)];
                }
                else
                {
                    recipient = badPhones[rng.Next(badPhones.Length)];
                }

                // Deep checks (exact earliest by enumeration, minute-by-minute brute force) on a subsample; every decision gets the exact
                // interval check at its send instant and the exact "one tick earlier does not work" check.
                var deep = recipient.OracleZones.Length <= 2 ? i % 10 == 0 : i % 100 == 0;
                Check(rng, recipient, allTransitions, i, deep, tally);
            }

            tallies[chunk] = tally;
        });
        stopwatch.Stop();

        var sum = new Tally();
        foreach (var t in tallies)
        {
            sum.Add(t);
        }

        output?.WriteLine(
            $"{sum.Decisions:N0} decisions in {stopwatch.Elapsed.TotalSeconds:F1} s ({Environment.ProcessorCount} cores): allowed {sum.Allowed:N0}, deferred {sum.Deferred:N0}, "
            + $"denied {sum.Denied:N0}, unknown zone {sum.Unknown:N0}; exact-earliest checks {sum.ExactEarliestChecks:N0}, minute-by-minute checks {sum.MinuteChecks:N0}; "
            + $"{zoneRecipients.Length} zones, {everyTransition.Length:N0} zone transitions 2024-2030; violations {sum.Violations.Count}");
        Assert.Equal(total, sum.Decisions);
        Assert.True(sum.Allowed > 0 && sum.Deferred > 0 && sum.Denied > 0 && sum.Unknown > 0);
        Assert.True(sum.Violations.Count == 0, string.Join(Environment.NewLine, sum.Violations.Take(20)));
    }

    /// <summary>FsCheck flavour: shrinking to a minimal counter-example for a single known zone, window, delay and clock.</summary>
    [Property(MaxTest = 2_000)]
    public Property SingleZone_AllowedIffTheExactOracleAgrees_DeferralIsTheExactEarliest()
    {
        var ids = DateTimeZoneProviders.Tzdb.Ids;
        var gen =
            from zone in Gen.Elements(ids.ToArray())
            from start in Gen.Choose(0, 1439)
            from end in Gen.Choose(0, 1439)
            from delaySeconds in Gen.Choose(0, 36_000)
            from seconds in Gen.Choose(0, int.MaxValue)
            select (zone, start, end, delaySeconds, seconds);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (zoneId, startMinute, endMinute, delaySeconds, seconds) = c;
            var zone = DateTimeZoneProviders.Tzdb[zoneId];
            var start = LocalTime.FromMinutesSinceMidnight(startMinute);
            var end = LocalTime.FromMinutesSinceMidnight(endMinute);
            var delay = Duration.FromSeconds(delaySeconds);
            var now = RangeStart + Duration.FromSeconds(seconds % (long)(RangeEnd - RangeStart).TotalSeconds);
            var recipient = new Recipient(Customers.Context(new Customer("c") { TimeZoneId = zoneId }), [zone], []);
            var verdict = Evaluate(new QuietHoursPolicy(start, end), recipient, new DelayChannel(delay), now);
            var expected = Earliest(now, delay, [zone], start, end, Horizon);
            var actual = verdict.Kind switch
            {
                VerdictKind.Allow => now,
                VerdictKind.Defer => verdict.Until,
                _ => (Instant?)null,
            };
            return (expected == actual).Label($"{zoneId} {start}-{end} delay {delay} now {now}: policy {verdict}, oracle {expected}");
        });
    }
}
