using System.Globalization;
using MathNet.Numerics.Distributions;

namespace MarketingAutomation.Simulation;

/// <summary>
/// Generates synthetic customers with hidden truth. Streaming (one customer at a time, nothing retained) and seeded: customer i depends
/// only on (<see cref="PopulationOptions.Seed"/>, i), through counter-based random draws, so any slice can be generated on its own.
/// </summary>
public static class PopulationGenerator
{
    private static readonly PopulationOptionsValidator Validator = new();

    /// <summary>Generates customers 0 to <see cref="PopulationOptions.Customers"/> - 1, lazily.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The customers, in index order.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message names the property and the fix.</exception>
    public static IEnumerable<SimulatedCustomer> Generate(PopulationOptions options)
    {
        var generator = new Generator(Validate(options));
        return Iterate(generator, options.Customers);
    }

    /// <summary>Generates one customer. The same (seed, index) always gives the same customer, whatever was generated before.</summary>
    /// <param name="options">The options.</param>
    /// <param name="index">The customer index (0 or more).</param>
    /// <returns>The customer.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message names the property and the fix.</exception>
    public static SimulatedCustomer Create(PopulationOptions options, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new Generator(Validate(options)).Create(index);
    }

    /// <summary>The customer id of an index (<c>C00000042</c>).</summary>
    /// <param name="index">The index.</param>
    /// <returns>The id.</returns>
    public static string CustomerId(int index) => string.Create(CultureInfo.InvariantCulture, $"C{index:D8}");

    private static IEnumerable<SimulatedCustomer> Iterate(Generator generator, int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return generator.Create(i);
        }
    }

    private static PopulationOptions Validate(PopulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = Validator.Validate(options);
        if (!result.IsValid)
        {
            throw new ArgumentException(string.Join(" ", result.Errors.Select(e => e.ErrorMessage)), nameof(options));
        }

        return options;
    }

    /// <summary>One generation pass: the options resolved once, and buffers reused across customers.</summary>
    private sealed class Generator
    {
        private static readonly string[] FirstNames = ["Ada", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kai", "Lena", "Mateo", "Nora", "Omar", "Priya"];

        private readonly PopulationOptions _o;
        private readonly DateTimeZone[] _zones;
        private readonly string[] _zoneIds;
        private readonly double[] _cumulative;
        private readonly KeyedRandom _rng = new();
        private readonly List<Instant> _times = new(64);
        private readonly double[] _weights = new double[SimulatedCatalog.Categories.Length];

        public Generator(PopulationOptions options)
        {
            _o = options;
            var zones = options.TimeZones;
            _zones = new DateTimeZone[zones.Count];
            _zoneIds = new string[zones.Count];
            _cumulative = new double[zones.Count];
            var total = 0.0;
            for (var i = 0; i < zones.Count; i++)
            {
                _zoneIds[i] = zones[i].ZoneId;
                _zones[i] = DateTimeZoneProviders.Tzdb[zones[i].ZoneId];
                total += zones[i].Weight;
                _cumulative[i] = total;
            }

            for (var i = 0; i < _cumulative.Length; i++)
            {
                _cumulative[i] /= total;
            }
        }

        public SimulatedCustomer Create(int index)
        {
            var o = _o;
            var rng = _rng;
            rng.Reseed(Keyed.Key(o.Seed, index, 0, DrawPurpose.Customer));
            var id = CustomerId(index);
            var start = o.Start;

            // Where they are.
            var zone = PickZone(rng.NextDouble());
            var zoneId = _zoneIds[zone];
            var unknownZone = rng.Chance(o.UnknownTimeZoneShare);

            // The purchase process (BG/NBD) and spend (Gamma-Gamma).
            var (lambda, dropout) = BgNbd.SampleCustomer(o.BgNbd, rng);
            var spendRate = Math.Max(Gamma.Sample(rng, o.SpendQ, o.SpendV), 1e-3);
            var isNew = rng.Chance(o.NewSignUpShare);
            var signedUp = isNew
                ? start - Duration.FromSeconds((long)(rng.NextDouble() * o.NewSignUpWindow.TotalSeconds))
                : start - Duration.FromSeconds((long)((1 + (rng.NextDouble() * (o.HistoryDays - 1))) * 86_400));

            // Category affinities: a sparse Dirichlet, the favourite scaled to 255.
            var categories = _weights.Length;
            var max = 0.0;
            for (var c = 0; c < categories; c++)
            {
                _weights[c] = Gamma.Sample(rng, 0.35, 1.0);
                max = Math.Max(max, _weights[c]);
            }

            var affinity = new byte[categories];
            var affinityTotal = 0.0;
            for (var c = 0; c < categories; c++)
            {
                affinity[c] = (byte)Math.Clamp(Math.Round(_weights[c] / max * 255), 1, 255);
                affinityTotal += affinity[c];
            }

            // History: a first purchase at sign-up, then BG/NBD repeats until the start or dropout.
            _times.Clear();
            var active = true;
            if (!isNew)
            {
                _times.Add(signedUp);
                var t = signedUp;
                while (true)
                {
                    t += Duration.FromSeconds((long)Math.Min(rng.Exponential(lambda) * 7 * 86_400, 1e10));
                    if (t >= start)
                    {
                        break;
                    }

                    _times.Add(t);
                    if (rng.Chance(dropout))
                    {
                        active = false;
                        break;
                    }
                }
            }

            var first = Math.Max(0, _times.Count - o.MaxHistoryPurchases);
            var purchases = ImmutableArray.CreateBuilder<Purchase>(_times.Count - first);
            for (var p = first; p < _times.Count; p++)
            {
                var amount = (decimal)Math.Round(Math.Max(1.0, Gamma.Sample(rng, o.SpendP, spendRate)), 2);
                var category = PickCategory(affinity, affinityTotal, rng.NextDouble());
                var item = SimulatedCatalog.Line(category, amount, rng.NextDouble());
                purchases.Add(new Purchase(string.Create(CultureInfo.InvariantCulture, $"O{index:D8}-{p:D3}"), _times[p], item.Quantity * item.UnitPrice)
                {
                    Items = [item],
                });
            }

            // Segment, sleeping dog and responsiveness.
            var segment = isNew ? CustomerSegment.New
                : !active ? CustomerSegment.Lapsed
                : lambda >= o.LoyalPurchaseRate && _times.Count >= 2 ? CustomerSegment.Loyal
                : rng.Chance(o.DealSeekerShare) ? CustomerSegment.DealSeeker
                : CustomerSegment.Browser;
            var sleepingDog = !isNew && rng.Chance(o.SleepingDogShare);
            var s = Profiles[(int)segment];
            var open = ((float)Jitter(rng, s.Email, 0.95), (float)Jitter(rng, s.Sms, 0.98), (float)Jitter(rng, s.Push, 0.9));
            var click = (float)Jitter(rng, s.Click, 0.9);
            var conversion = (float)Jitter(rng, s.Conversion, 0.9);
            var tolerance = (float)Math.Max(0.5, s.Tolerance * Math.Exp(0.35 * Normal.Sample(rng, 0, 1)));
            var incrementality = (float)Math.Clamp(s.Incrementality + (0.1 * Normal.Sample(rng, 0, 1)), 0.02, 1);
            var renewal = (float)Math.Clamp(s.Renewal + (0.05 * Normal.Sample(rng, 0, 1)), 0.05, 0.99);

            // Engaged hours: a main peak (morning, lunch or evening), sometimes a second one.
            var r = rng.NextDouble();
            var peak1 = r < 0.3 ? 7 + rng.Next(3) : r < 0.5 ? 12 + rng.Next(2) : 18 + rng.Next(5);
            var peak2 = rng.Chance(0.5) ? (peak1 < 15 ? 19 + rng.Next(3) : 7 + rng.Next(3)) : byte.MaxValue;
            var hours = ((byte)peak1, (byte)peak2, (byte)(10 + rng.Next(20)), (byte)(10 + rng.Next(15)), (byte)(50 + rng.Next(80)));

            var truth = new HiddenTruth(
                segment, sleepingDog, _zones[zone], (float)lambda, (float)dropout, active, !isNew, (float)spendRate, (float)o.SpendP, tolerance,
                open, click, conversion, (float)s.OfferSensitivity, incrementality, hours, affinity, renewal);

            // Contact points and the consent ledger.
            var contacts = ImmutableArray.CreateBuilder<ContactPoint>(3);
            var consents = ImmutableArray.CreateBuilder<ConsentRecord>(4);
            if (rng.Chance(o.EmailShare))
            {
                contacts.Add(new ContactPoint(ChannelKind.Email, string.Create(CultureInfo.InvariantCulture, $"c{index:D8}@example.com")) { VerifiedAt = signedUp });
                var e = rng.NextDouble();
                if (e < 0.70)
                {
                    consents.Add(Grant(ChannelKind.Email, ConsentBasis.Express, signedUp, "signup form", "newsletter checkbox v3"));
                }
                else if (e < 0.84)
                {
                    consents.Add(Grant(ChannelKind.Email, ConsentBasis.SoftOptIn, signedUp, "checkout", "existing customer; opt-out offered at checkout"));
                }
                else if (e < 0.92)
                {
                    consents.Add(Grant(ChannelKind.Email, ConsentBasis.Express, signedUp, "signup form", "newsletter checkbox v3"));
                    consents.Add(Revoke(ChannelKind.Email, Between(rng, signedUp, start), "unsubscribe link"));
                }
            }

            var smsNumber = rng.Chance(unknownZone ? o.UnknownTimeZoneSmsShare : o.SmsShare) ? PhoneNumber(zoneId, index, unknownZone) : null;
            if (smsNumber is not null)
            {
                contacts.Add(new ContactPoint(ChannelKind.Sms, smsNumber) { VerifiedAt = signedUp });
                var e = rng.NextDouble();
                if (e < 0.60)
                {
                    consents.Add(Grant(ChannelKind.Sms, ConsentBasis.ExpressWritten, signedUp, "checkout", "Text me offers. Msg & data rates may apply. Reply STOP to opt out."));
                }
                else if (e < 0.80)
                {
                    consents.Add(Grant(ChannelKind.Sms, ConsentBasis.Express, signedUp, "account settings", "order updates by text"));
                }
                else if (e < 0.90)
                {
                    consents.Add(Grant(ChannelKind.Sms, ConsentBasis.ExpressWritten, signedUp, "checkout", "Text me offers. Msg & data rates may apply. Reply STOP to opt out."));
                    consents.Add(Revoke(ChannelKind.Sms, Between(rng, signedUp, start), "STOP"));
                }
            }

            if (rng.Chance(o.PushShare))
            {
                contacts.Add(new ContactPoint(ChannelKind.Push, string.Create(CultureInfo.InvariantCulture, $"push-{index:D8}")));
                if (rng.Chance(0.85))
                {
                    consents.Add(Grant(ChannelKind.Push, ConsentBasis.Express, signedUp, "app", "allow notifications"));
                }
            }

            // A subscription with a renewal (or expiry) date ahead.
            var subscriptions = ImmutableArray<Subscription>.Empty;
            if (rng.Chance(o.SubscriptionShare))
            {
                var renews = start + Duration.FromSeconds((long)((rng.Chance(0.15) ? rng.NextDouble() * 14 : rng.NextDouble() * 365) * 86_400));
                var subscribedAt = Between(rng, signedUp, start);
                subscriptions = rng.Chance(0.1)
                    ? [new Subscription("annual-pass", subscribedAt) { ExpiresAt = renews }]
                    : [new Subscription(rng.Chance(0.6) ? "plus" : "pro", subscribedAt) { RenewsAt = renews }];
            }

            var customer = new Customer(id)
            {
                TimeZoneId = unknownZone ? null : zoneId,
                Language = Language(zoneId),
                SignedUpAt = signedUp,
                ContactPoints = contacts.ToImmutable(),
                Consents = consents.ToImmutable(),
                Purchases = purchases.MoveToImmutable(),
                Subscriptions = subscriptions,
                Attributes = ImmutableDictionary<string, string>.Empty.Add("FirstName", FirstNames[rng.Next(FirstNames.Length)]),
            };
            return new SimulatedCustomer(index, customer, truth);
        }

        private int PickZone(double u)
        {
            for (var i = 0; i < _cumulative.Length; i++)
            {
                if (u < _cumulative[i])
                {
                    return i;
                }
            }

            return _cumulative.Length - 1;
        }

        private static ConsentRecord Grant(ChannelKind kind, ConsentBasis basis, Instant at, string source, string evidence) =>
            new(kind, MessagePurpose.Marketing, ConsentStatus.Granted, basis, at) { Source = source, Evidence = evidence };

        private static ConsentRecord Revoke(ChannelKind kind, Instant at, string evidence) =>
            new(kind, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, at) { Source = "message-event", Evidence = evidence };

        private static Instant Between(KeyedRandom rng, Instant from, Instant to) =>
            from + Duration.FromSeconds((long)(rng.NextDouble() * Math.Max(0, (to - from).TotalSeconds)));

        private static double Jitter(KeyedRandom rng, double mean, double cap) =>
            Math.Clamp(mean * Math.Exp((0.45 * Normal.Sample(rng, 0, 1)) - 0.1), 0.001, cap);
    }

    /// <summary>A category drawn in proportion to the customer's affinities.</summary>
    internal static int PickCategory(byte[] affinity, double total, double u)
    {
        var target = u * total;
        for (var c = 0; c < affinity.Length; c++)
        {
            target -= affinity[c];
            if (target < 0)
            {
                return c;
            }
        }

        return affinity.Length - 1;
    }

    /// <summary>
    /// A valid mobile number in the zone's country (for North American zones, an area code in the zone), so libphonenumber can infer
    /// the zone. Unique per index. For zones without a known numbering plan: a New York number when the zone is known to the store, and
    /// none when it is not (it would point the engine to the wrong zone).
    /// </summary>
    private static string? PhoneNumber(string zoneId, int index, bool zoneUnknown)
    {
        var eight = (index % 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
        var exchange = 200 + (index / 10_000 % 700);
        if (exchange % 100 == 11)
        {
            exchange++;
        }

        var us = string.Create(CultureInfo.InvariantCulture, $"{exchange:D3}{index % 10_000:D4}");
        return zoneId switch
        {
            "America/New_York" => "+1212" + us,
            "America/Chicago" => "+1312" + us,
            "America/Denver" => "+1303" + us,
            "America/Los_Angeles" => "+1213" + us,
            "America/Sao_Paulo" => "+55119" + eight,
            "Europe/London" => "+4474" + eight,
            "Europe/Berlin" => "+49151" + eight,
            "Europe/Paris" => "+336" + eight,
            "Europe/Madrid" => "+346" + eight,
            "Asia/Kolkata" => "+9198" + eight,
            "Asia/Tokyo" => "+81901" + eight[1..],
            "Australia/Sydney" => "+614" + eight,
            "Pacific/Auckland" => "+6421" + eight[1..],
            "America/St_Johns" => "+1709" + us,
            "Asia/Kathmandu" => "+97798" + eight,
            _ => zoneUnknown ? null : "+1212" + us,
        };
    }

    private static string Language(string zoneId) => zoneId switch
    {
        "Europe/London" => "en-GB",
        "Europe/Berlin" => "de-DE",
        "Europe/Paris" => "fr-FR",
        "Europe/Madrid" => "es-ES",
        "America/Sao_Paulo" => "pt-BR",
        "Asia/Tokyo" => "ja-JP",
        "Asia/Kolkata" => "en-IN",
        "Australia/Sydney" => "en-AU",
        "Pacific/Auckland" => "en-NZ",
        _ => "en-US",
    };

    /// <summary>
    /// Per-segment means: e-mail / SMS / push open, click given open, conversion given click, offer sensitivity, tolerance per 7 days,
    /// incrementality, renewal. Loosely calibrated: human e-mail opens around 15-20 % of deliveries, clicks 2-3 %, and an e-mail raising
    /// conversion by a few tenths of a percentage point (Hillstrom's e-mail test: +0.3 to +0.7 points over two weeks).
    /// </summary>
    private static readonly SegmentProfile[] Profiles =
    [
        new(0.45, 0.80, 0.25, 0.15, 0.30, 1.5, 3.0, 0.85, 0.80), // new
        new(0.35, 0.75, 0.22, 0.16, 0.45, 1.1, 4.0, 0.25, 0.90), // loyal
        new(0.22, 0.60, 0.15, 0.10, 0.15, 3.5, 4.0, 0.80, 0.60), // deal-seekers
        new(0.30, 0.60, 0.18, 0.20, 0.05, 1.3, 2.0, 0.70, 0.70), // browsers
        new(0.08, 0.40, 0.06, 0.07, 0.12, 2.0, 1.0, 0.95, 0.40), // lapsed
    ];

    private sealed record SegmentProfile(double Email, double Sms, double Push, double Click, double Conversion, double OfferSensitivity, double Tolerance, double Incrementality, double Renewal);
}
