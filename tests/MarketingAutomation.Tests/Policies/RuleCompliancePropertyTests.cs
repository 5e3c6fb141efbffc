using FsCheck.Xunit;
using MarketingAutomation.Tests.Pipeline;
using MarketingAutomation.Tests.Policies.QuietHours;
using MarketingAutomation.Testing;
using PhoneNumbers;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies;

/// <summary>
/// The promise of the rules issue: whatever the strategy does, no decision to send ever breaks a cap, a consent rule, the suppression
/// list or quiet hours (checked on the whole delivery interval, with a channel that may deliver 2 hours late). Every case
/// decides a generated batch of customers through the real engine (all goals, every rule) and checks each "send" with an oracle written
/// independently of the rules (it recounts from the raw history and re-reads the raw consent ledger). Default: 1,000 cases x 1,000
/// customers = 1,000,000 decisions; <c>MA_PROPERTY_SCALE</c> multiplies the number of cases.
/// </summary>
public sealed class RuleCompliancePropertyTests
{
    private const int CustomersPerCase = 1000;
    private static readonly string[] Zones = [.. DateTimeZoneProviders.Tzdb.Ids];
    private static readonly ChannelKind[] Kinds = [ChannelKind.Email, ChannelKind.Sms, ChannelKind.Push];
    private static readonly (int Max, Duration Window, ChannelKind? Kind)[] RollingCaps =
    [
        (2, Duration.FromDays(7), null), (1, Duration.FromDays(1), ChannelKind.Email), (1, Duration.FromDays(7), ChannelKind.Sms), (3, Duration.FromDays(30), ChannelKind.Push),
    ];

    private static readonly LocalTime WindowStart = new(8, 0);
    private static readonly LocalTime WindowEnd = new(21, 0);
    private static readonly Duration PushQueueDelay = Duration.FromHours(2);
    private static readonly byte[] SuppressionSecret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly InMemorySuppressionList Suppressed = new();
    private static readonly HashSet<string> SuppressedRaw = new(StringComparer.Ordinal); // the oracle's own normalisation, raw addresses
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private static readonly object SuppressionGate = new();

    private static readonly EngineHarness Harness = new(b => b
        .AddRecordingChannel("push", ChannelKind.Push, c => c.Capabilities = new ChannelCapabilities { MaxProviderQueueDelay = PushQueueDelay })
        .AddSuppressionList(SuppressionSecret, Suppressed)
        .AddQuietHours(WindowStart, WindowEnd)
        .AddWelcomeSequence().AddWinBack().AddVipRecommendation(new VipRecommendationGoal { MinimumLifetimeValue = 300 }).AddRenewalReminder()
        .AddCrossSell(new CrossSellGoal([new CrossSellRule("running-shoes", "running-socks", new ContentVariant("socks") { Body = "Socks" })]))
        .AddConsentPolicy()
        .AddFrequencyCap(RollingCaps[0].Max, RollingCaps[0].Window, RollingCaps[0].Kind)
        .AddFrequencyCap(RollingCaps[1].Max, RollingCaps[1].Window, RollingCaps[1].Kind)
        .AddFrequencyCap(RollingCaps[2].Max, RollingCaps[2].Window, RollingCaps[2].Kind)
        .AddFrequencyCap(RollingCaps[3].Max, RollingCaps[3].Window, RollingCaps[3].Kind)
        .AddCalendarCap(1, CalendarPeriod.Day, ChannelKind.Push)
        .AddPolicy(new OpenSupportIssuePolicy()));

    private static int Cases => 1000 * Math.Max(1, int.TryParse(Environment.GetEnvironmentVariable("MA_PROPERTY_SCALE"), out var scale) ? scale : 1);

    [Fact]
    public void Engine_NeverSendsPastACapOrWithoutConsent_MillionDecisions()
    {
        var violations = new List<string>();
        var decided = 0;
        var sends = 0;
        var customers = new CustomerContext[CustomersPerCase];
        var results = new DecisionResult[CustomersPerCase];
        for (var seed = 0; seed < Cases; seed++)
        {
            var random = new Random(seed);
            var now = Instant.FromUtc(2024, 1, 1, 0, 0) + Duration.FromMinutes(random.NextInt64(0, 7L * 365 * 24 * 60));
            for (var i = 0; i < customers.Length; i++)
            {
                customers[i] = Generate(random, $"s{seed}-c{i}", now);
            }

            Harness.Engine.DecideParallel(customers, customers.Length, now, results, 2);
            for (var i = 0; i < customers.Length; i++)
            {
                decided++;
                if (results[i].Outcome != DecisionOutcome.Send)
                {
                    continue;
                }

                sends++;
                var problem = Oracle(customers[i], results[i].Chosen, now);
                if (problem is not null && violations.Count < 20)
                {
                    violations.Add($"seed {seed}, {customers[i].Id} at {now}: {problem}");
                }
            }
        }

        Assert.True(decided >= 1_000_000, $"only {decided} decisions");
        Assert.True(sends > 10_000, $"only {sends} sends: the generator does not exercise the rules");
        Assert.Empty(violations);
    }

    [Property(MaxTest = 300)]
    public bool Engine_Oracle_AgreesOnRandomSingleCustomers(int seed)
    {
        var random = new Random(seed);
        var now = Instant.FromUtc(2024, 1, 1, 0, 0) + Duration.FromMinutes(random.NextInt64(0, 7L * 365 * 24 * 60));
        var customer = Generate(random, "p" + seed, now);
        var result = Harness.DecideOne(customer, now);
        return result.Outcome != DecisionOutcome.Send || Oracle(customer, result.Chosen, now) is null;
    }

    /// <summary>Returns why sending this candidate now breaks a rule, or null. Written from the raw data, not from the rules.</summary>
    private static string? Oracle(CustomerContext context, Candidate chosen, Instant now)
    {
        var customer = context.Customer;
        var kind = chosen.Channel.Kind;
        var marketing = chosen.Goal.Purpose == MessagePurpose.Marketing;

        // Suppression: never, for any purpose (compared on the oracle's own normalisation of the raw address).
        lock (SuppressionGate)
        {
            if (SuppressedRaw.Contains(OracleNormalize(kind, chosen.Contact.Address)))
            {
                return "sent to a suppressed address";
            }
        }

        // Quiet hours (marketing): the whole delivery interval inside 08:00-21:00 in every possible zone of the recipient.
        if (marketing)
        {
            var zones = OracleZones(customer);
            var delay = chosen.Channel.Capabilities.MaxProviderQueueDelay;
            if (zones.Count == 0)
            {
                return "sent with no known time zone";
            }

            if (!DeliveryIntervalOracle.IntervalInside(now, delay, zones, WindowStart, WindowEnd))
            {
                return $"delivery interval [{now}, +{delay}] leaves 08:00-21:00 in one of {zones.Count} zone(s)";
            }
        }

        // Consent: the newest ledger entry for this channel (or an objection) decides; SMS marketing needs express written consent.
        ConsentRecord? latest = null;
        foreach (var c in customer.Consents)
        {
            var relevant = (c.Channel == kind && (c.Purpose == chosen.Goal.Purpose || c.Status == ConsentStatus.OptedOutOfChannel))
                || (marketing && c.Status == ConsentStatus.Objected);
            if (relevant && (latest is null || c.RecordedAt >= latest.RecordedAt))
            {
                latest = c;
            }
        }

        if (latest?.Status == ConsentStatus.OptedOutOfChannel)
        {
            return "sent after a hard opt-out from the channel";
        }

        if (marketing)
        {
            if (latest is null || latest.Status != ConsentStatus.Granted || latest.Basis == ConsentBasis.None)
            {
                return "marketing without granted consent";
            }

            if (kind == ChannelKind.Sms && latest.Basis != ConsentBasis.ExpressWritten)
            {
                return "marketing SMS without express written consent";
            }

            foreach (var s in customer.SupportContacts)
            {
                if (!s.Resolved && s.At > now - Duration.FromDays(14))
                {
                    return "marketing during an open support issue";
                }
            }

            // Rolling caps: count what is already scheduled in the window; one more must still fit.
            foreach (var (max, window, capKind) in RollingCaps)
            {
                if (capKind is { } k && k != kind)
                {
                    continue;
                }

                var count = 0;
                foreach (var m in context.Messages)
                {
                    var counts = m.Status is MessageStatus.Pending or MessageStatus.Sent or MessageStatus.Unknown or MessageStatus.HeldForReview;
                    if (counts && m.Purpose == MessagePurpose.Marketing && m.ScheduledAt > now - window && (capKind is null || m.Kind == capKind))
                    {
                        count++;
                    }
                }

                if (count + 1 > max)
                {
                    return $"cap {max}/{window} on {capKind?.ToString() ?? "all"} exceeded ({count} already)";
                }
            }

            // Calendar cap: one push per local day (rolling 25 h when the zone is unknown).
            if (kind == ChannelKind.Push)
            {
                var zone = customer.TimeZone;
                var today = zone is null ? default : now.InZone(zone).Date;
                foreach (var m in context.Messages)
                {
                    var counts = m.Status is MessageStatus.Pending or MessageStatus.Sent or MessageStatus.Unknown or MessageStatus.HeldForReview;
                    var sameDay = zone is null ? m.ScheduledAt > now - Duration.FromHours(25) : m.ScheduledAt <= now && m.ScheduledAt.InZone(zone).Date == today;
                    if (counts && m.Kind == ChannelKind.Push && m.Purpose == MessagePurpose.Marketing && sameDay)
                    {
                        return "second push in one local day";
                    }
                }
            }
        }

        return null;
    }

    private static string OracleNormalize(ChannelKind kind, string address) => kind switch
    {
        ChannelKind.Email => address.Trim().ToLowerInvariant(),
        ChannelKind.Sms => "+" + new string([.. address.Where(char.IsAsciiDigit)]),
        _ => address.Trim(),
    };

    private static List<DateTimeZone> OracleZones(Customer customer)
    {
        var zones = new List<DateTimeZone>();
        if (customer.TimeZoneId is { } id && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } known)
        {
            zones.Add(known);
            return zones;
        }

        foreach (var contact in customer.ContactPoints)
        {
            if (contact.Kind != ChannelKind.Sms || !contact.IsValid)
            {
                continue;
            }

            try
            {
                var number = Phones.Parse(contact.Address, "US");
                if (!Phones.IsValidNumber(number))
                {
                    continue;
                }

                foreach (var zoneId in PhoneNumberToTimeZonesMapper.GetInstance().GetTimeZonesForNumber(number))
                {
                    if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) is { } zone && !zones.Contains(zone))
                    {
                        zones.Add(zone);
                    }
                }
            }
            catch (NumberParseException)
            {
            }
        }

        return zones;
    }

    private static CustomerContext Generate(Random random, string id, Instant now)
    {
        var contacts = ImmutableArray.CreateBuilder<ContactPoint>();
        var consents = ImmutableArray.CreateBuilder<ConsentRecord>();
        foreach (var kind in Kinds)
        {
            if (random.NextDouble() < 0.8)
            {
                var address = kind switch
                {
                    ChannelKind.Email => id + "@example.com",
                    ChannelKind.Sms => random.Next(4) switch { 0 => "+1415555" + random.Next(1000, 9999), 1 => "+1208555" + random.Next(1000, 9999), 2 => "+4930" + random.Next(1000000, 9999999), _ => "+1800555" + random.Next(1000, 9999) },
                    _ => "tok-" + id,
                };
                contacts.Add(new ContactPoint(kind, address) { IsValid = random.NextDouble() < 0.95 });
                if (random.NextDouble() < 0.05)
                {
                    // Suppressed (erased or opted out) in another case or format than the one on file.
                    var variant = kind switch
                    {
                        ChannelKind.Email => "  " + address.ToUpperInvariant() + " ",
                        ChannelKind.Sms when address.StartsWith("+1", StringComparison.Ordinal) => $"+1 ({address[2..5]}) {address[5..8]}-{address[8..]}",
                        _ => address,
                    };
                    var key = new SuppressionKey(SuppressionSecret);
                    lock (SuppressionGate)
                    {
                        Suppressed.Suppress(key, kind, variant);
                        SuppressedRaw.Add(OracleNormalize(kind, variant));
                    }
                }
            }

            var entries = random.Next(0, 4);
            for (var e = 0; e < entries; e++)
            {
                consents.Add(new ConsentRecord(
                    kind,
                    random.NextDouble() < 0.85 ? MessagePurpose.Marketing : MessagePurpose.Transactional,
                    (ConsentStatus)random.Next(0, 4) is var st && random.NextDouble() < 0.6 ? ConsentStatus.Granted : st,
                    (ConsentBasis)random.Next(0, 4),
                    now - Duration.FromHours(random.Next(1, 24 * 400))));
            }
        }

        var purchases = ImmutableArray.CreateBuilder<Purchase>();
        var orders = random.Next(0, 5);
        for (var o = 0; o < orders; o++)
        {
            var category = random.NextDouble() < 0.3 ? "running-shoes" : "shirts";
            purchases.Add(Purchase($"{id}-o{o}", now - Duration.FromHours(random.Next(1, 24 * 200)), random.Next(10, 400), (category + "-sku", category)));
        }

        var messages = new List<MessageRecord>();
        var count = random.Next(0, 8);
        for (var m = 0; m < count; m++)
        {
            var kind = Kinds[random.Next(Kinds.Length)];
            var goal = random.Next(4) switch { 0 => "welcome", 1 => "win-back", 2 => "vip-recommendation", _ => "renewal-reminder" };
            messages.Add(Message(goal, goal == "welcome" ? "welcome-1" : "x", now - Duration.FromMinutes(random.Next(1, 60 * 24 * 35)), kind,
                (MessageStatus)random.Next(0, 6), random.NextDouble() < 0.85 ? MessagePurpose.Marketing : MessagePurpose.Transactional));
        }

        messages.Sort((a, b) => a.ScheduledAt.CompareTo(b.ScheduledAt));
        var customer = new Customer(id)
        {
            TimeZoneId = random.NextDouble() < 0.8 ? Zones[random.Next(Zones.Length)] : null,
            SignedUpAt = now - Duration.FromHours(random.Next(0, 24 * 60)),
            ContactPoints = contacts.ToImmutable(),
            Consents = [.. consents.OrderBy(c => c.RecordedAt)],
            Purchases = [.. purchases.OrderBy(p => p.At)],
            Subscriptions = random.NextDouble() < 0.2 ? [new Subscription("plus", now - Duration.FromDays(300)) { RenewsAt = now + Duration.FromDays(random.Next(1, 10)) }] : [],
            SupportContacts = random.NextDouble() < 0.1 ? [new SupportContact(now - Duration.FromDays(random.Next(0, 20)), "billing") { Resolved = random.NextDouble() < 0.5 }] : [],
        };
        return new CustomerContext(customer) { Messages = [.. messages], NextEvaluationAt = now };
    }
}
