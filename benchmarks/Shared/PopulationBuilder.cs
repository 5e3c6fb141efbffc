using System.Globalization;

namespace MarketingAutomation.Benchmarking;

/// <summary>
/// Builds a realistic, deterministic customer population in memory, as a store would hand it to the engine: IANA time zones,
/// e-mail/SMS/push contact points (a few bounced), consent ledgers with mixed legal bases and withdrawals, purchase histories with
/// categories and amounts spanning months, subscriptions with renewal dates, new sign-ups, open support contacts, and a message
/// history in which the agent has already done its work (win-back, cross-sell, welcome, VIP and renewal messages sent on schedule,
/// plus newsletters), so that frequency caps bind for some customers and most customers are not due for anything.
/// </summary>
/// <remarks>
/// Customers are built in fixed chunks of <see cref="ChunkSize"/>, each with its own seeded <see cref="Random"/>, so the population
/// depends only on the seed and the count, never on the number of threads.
/// </remarks>
internal static class PopulationBuilder
{
    /// <summary>The number of customers built from one random stream.</summary>
    public const int ChunkSize = 4096;

    /// <summary>The instant the population is "as of": Monday 2 March 2026, 09:00 UTC. Rounds are decided at and after it.</summary>
    public static readonly Instant AsOf = Instant.FromUtc(2026, 3, 2, 9, 0);

    private static readonly (string Zone, int Weight)[] Zones =
    [
        ("America/New_York", 22), ("America/Chicago", 10), ("America/Denver", 4), ("America/Los_Angeles", 14), ("America/Sao_Paulo", 4),
        ("Europe/London", 10), ("Europe/Berlin", 9), ("Europe/Paris", 6), ("Europe/Madrid", 3), ("Asia/Kolkata", 4), ("Asia/Tokyo", 4),
        ("Australia/Sydney", 3), ("Pacific/Auckland", 1), ("America/St_Johns", 1), ("Asia/Kathmandu", 1),
    ];

    private static readonly string[] Languages = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "pt-BR", "ja-JP"];

    private static readonly string[] FirstNames = ["Ada", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kai", "Lena", "Mateo", "Nora", "Omar", "Priya"];

    private static readonly Catalog Products = new();

    /// <summary>Builds <paramref name="count"/> customers.</summary>
    /// <param name="count">How many customers.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="threads">How many threads build chunks.</param>
    /// <returns>The customers, in id order.</returns>
    public static CustomerContext[] Build(int count, int seed, int threads)
    {
        var result = new CustomerContext[count];
        var chunks = (count + ChunkSize - 1) / ChunkSize;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, chunk =>
        {
#pragma warning disable CA5394 // Deterministic pseudo-random test data, not security.
            var generator = new CustomerGenerator(new Random(unchecked((seed * 1_000_003) + chunk)));
#pragma warning restore CA5394
            var end = Math.Min(count, (chunk + 1) * ChunkSize);
            for (var i = chunk * ChunkSize; i < end; i++)
            {
                result[i] = generator.Create(i);
            }
        });

        return result;
    }

    /// <summary>A small product catalog; purchase lines are shared, as rows of a catalog would be.</summary>
    private sealed class Catalog
    {
        public Catalog()
        {
            (string Category, string Sku, decimal Price)[] products =
            [
                ("running-shoes", "RS-100", 89m), ("running-shoes", "RS-200", 129m), ("running-shoes", "RS-300", 179m),
                ("running-socks", "SK-10", 12m), ("running-socks", "SK-20", 18m),
                ("yoga-mats", "YM-1", 45m), ("yoga-mats", "YM-2", 79m), ("yoga-blocks", "YB-1", 15m),
                ("headphones", "HP-1", 59m), ("headphones", "HP-2", 249m), ("headphones", "HP-3", 399m), ("headphone-cases", "HC-1", 19m),
                ("jackets", "JK-1", 149m), ("jackets", "JK-2", 299m), ("hats", "HT-1", 25m),
                ("tents", "TN-1", 499m), ("tents", "TN-2", 899m), ("sleeping-bags", "SB-1", 139m),
                ("t-shirts", "TS-1", 29m), ("water-bottles", "WB-1", 22m), ("books", "BK-1", 18m),
            ];

            Lines = new PurchaseItem[products.Length][];
            for (var p = 0; p < products.Length; p++)
            {
                Lines[p] = new PurchaseItem[3];
                for (var q = 0; q < 3; q++)
                {
                    Lines[p][q] = new PurchaseItem(products[p].Sku, products[p].Category, q + 1, products[p].Price);
                }
            }
        }

        /// <summary>Gets the lines per product (index) and quantity - 1.</summary>
        public PurchaseItem[][] Lines { get; }

        /// <summary>Gets product indexes of everyday items.</summary>
        public int[] Everyday { get; } = [0, 1, 3, 4, 5, 7, 8, 11, 12, 14, 18, 19, 20, 2, 6];

        /// <summary>Gets product indexes of premium items (VIP spenders).</summary>
        public int[] Premium { get; } = [2, 9, 10, 13, 15, 16, 17, 6];
    }

    private sealed class CustomerGenerator(Random rng)
    {
        private readonly List<Purchase> _purchases = new(32);
        private readonly List<MessageRecord> _messages = new(32);
        private readonly List<ConsentRecord> _consents = new(8);
        private readonly byte[] _guid = new byte[16];

        private bool _emailOk;
        private bool _smsOk;
        private bool _pushOk;
        private bool _email;
        private bool _sms;
        private bool _push;

        public CustomerContext Create(int index)
        {
            var now = AsOf;
            var id = string.Create(CultureInfo.InvariantCulture, $"C{index:D8}");
            _purchases.Clear();
            _messages.Clear();
            _consents.Clear();

            // Sign-up: 3 % joined in the last two weeks (the welcome sequence), the rest months or years ago.
            var newSignup = Chance(0.03);
            var signedUp = newSignup ? now - Hours(0, 14 * 24) : now - Days(90, 1500);

            // Contact points: e-mail for almost everyone (a few bounced), SMS for about half, push for the app users.
            _email = Chance(0.96);
            _sms = Chance(0.55);
            _push = Chance(0.40);
            var points = ImmutableArray.CreateBuilder<ContactPoint>(3);
            if (_email)
            {
                var bounced = Chance(0.03);
                points.Add(new ContactPoint(ChannelKind.Email, string.Create(CultureInfo.InvariantCulture, $"c{index:D8}@example.com"))
                {
                    IsValid = !bounced,
                    InvalidReason = bounced ? "hard bounce" : null,
                    VerifiedAt = signedUp,
                });
                _email = !bounced;
            }

            if (_sms)
            {
                points.Add(new ContactPoint(ChannelKind.Sms, string.Create(CultureInfo.InvariantCulture, $"+1415{index % 10_000_000:D7}")));
            }

            if (_push)
            {
                points.Add(new ContactPoint(ChannelKind.Push, string.Create(CultureInfo.InvariantCulture, $"pt-{index:x8}-{rng.Next():x8}")));
            }

            BuildConsents(signedUp);

            // Purchases: a fifth never bought; recency spread so that some are just past a cross-sell delay or the win-back threshold.
            var vip = !newSignup && Chance(0.07);
            var purchaseCount = newSignup ? (Chance(0.3) ? 1 : 0) : (Chance(0.2) ? 0 : 1 + Geometric(0.3, 14));
            if (vip && purchaseCount < 3)
            {
                purchaseCount = 3 + rng.Next(6);
            }

            Instant? lastPurchase = null;
            if (purchaseCount > 0)
            {
                var last = newSignup ? now - ((now - signedUp) * rng.NextDouble()) : now - LastPurchaseAge();
                lastPurchase = last;
                var at = last;
                for (var p = 0; p < purchaseCount; p++)
                {
                    _purchases.Add(NewPurchase(index, p, at, vip));
                    at -= Days(5, 90);
                    if (at < signedUp)
                    {
                        break;
                    }
                }

                _purchases.Reverse(); // oldest first
            }

            var purchases = _purchases.ToImmutableArray();
            var subscriptions = BuildSubscriptions(signedUp);
            var support = BuildSupportContacts();

            // Message history: what the agent already sent, on the customer's best consented channel.
            if (newSignup)
            {
                AddWelcomeHistory(signedUp);
            }

            if (lastPurchase is { } lp)
            {
                AddWinBackHistory(lp);
                AddCrossSellHistory(purchases);
            }

            var ltv = 0m;
            foreach (var p in purchases)
            {
                ltv += p.Amount;
            }

            if (ltv >= 1000m && MarketingChannel() is { } vipChannel && Chance(0.95))
            {
                AddMessage("vip-recommendation", "vip-early-access", vipChannel, MessagePurpose.Marketing, now - Hours(1, 30 * 24), 0);
            }

            AddRenewalHistory(subscriptions);
            AddNewsletters(signedUp);
            _messages.Sort(static (a, b) => a.ScheduledAt.CompareTo(b.ScheduledAt));

            var customer = new Customer(id)
            {
                TimeZoneId = PickZone(),
                Language = Languages[rng.Next(Languages.Length)],
                SignedUpAt = signedUp,
                ContactPoints = points.ToImmutable(),
                Consents = [.. _consents],
                Purchases = purchases,
                Subscriptions = subscriptions,
                SupportContacts = support,
                Attributes = ImmutableDictionary<string, string>.Empty.Add("FirstName", FirstNames[rng.Next(FirstNames.Length)]),
            };

            return new CustomerContext(customer)
            {
                Messages = [.. _messages],
                NextEvaluationAt = now,
                Version = 1,
            };
        }

        private void BuildConsents(Instant signedUp)
        {
            _emailOk = _smsOk = _pushOk = false;
            if (_email)
            {
                var r = rng.NextDouble();
                if (r < 0.70)
                {
                    Grant(ChannelKind.Email, ConsentBasis.Express, signedUp);
                    _emailOk = true;
                }
                else if (r < 0.84)
                {
                    Grant(ChannelKind.Email, ConsentBasis.SoftOptIn, signedUp);
                    _emailOk = true;
                }
                else if (r < 0.92)
                {
                    Grant(ChannelKind.Email, ConsentBasis.Express, signedUp);
                    Revoke(ChannelKind.Email, signedUp + Days(10, 60), "unsubscribe link");
                }
            }

            if (_sms)
            {
                var r = rng.NextDouble();
                if (r < 0.55)
                {
                    Grant(ChannelKind.Sms, ConsentBasis.ExpressWritten, signedUp);
                    _smsOk = true;
                }
                else if (r < 0.75)
                {
                    Grant(ChannelKind.Sms, ConsentBasis.Express, signedUp); // not enough for marketing SMS
                }
                else if (r < 0.85)
                {
                    Grant(ChannelKind.Sms, ConsentBasis.ExpressWritten, signedUp);
                    Revoke(ChannelKind.Sms, signedUp + Days(5, 90), "STOP");
                }
            }

            if (_push && Chance(0.8))
            {
                Grant(ChannelKind.Push, ConsentBasis.Express, signedUp);
                _pushOk = true;
            }

            if (Chance(0.015))
            {
                _consents.Add(new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Objected, ConsentBasis.None, signedUp + Days(30, 80)) { Source = "support ticket" });
                _emailOk = _smsOk = _pushOk = false;
            }
            else if (_email && Chance(0.005))
            {
                _consents.Add(new ConsentRecord(ChannelKind.Email, MessagePurpose.Transactional, ConsentStatus.OptedOutOfChannel, ConsentBasis.None, signedUp + Days(30, 80)) { Source = "preference center" });
                _emailOk = false;
                _email = false;
            }
        }

        private void Grant(ChannelKind kind, ConsentBasis basis, Instant at) =>
            _consents.Add(new ConsentRecord(kind, MessagePurpose.Marketing, ConsentStatus.Granted, basis, at) { Source = "signup form", Evidence = "newsletter checkbox v3" });

        private void Revoke(ChannelKind kind, Instant at, string evidence) =>
            _consents.Add(new ConsentRecord(kind, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, at) { Source = "message-event", Evidence = evidence });

        private Duration LastPurchaseAge()
        {
            var r = rng.NextDouble();
            return r switch
            {
                < 0.06 => Hours(0, 72),          // cross-sell not yet due
                < 0.20 => Days(3, 30),           // cross-sell window
                < 0.38 => Days(30, 59),          // active, not lapsed
                < 0.41 => Hours(59 * 24, 61 * 24), // crossing the win-back threshold around now
                _ => Days(61, 540),              // lapsed
            };
        }

        private Purchase NewPurchase(int index, int p, Instant at, bool vip)
        {
            var lines = 1 + Geometric(0.55, 3);
            var items = ImmutableArray.CreateBuilder<PurchaseItem>(lines);
            var amount = 0m;
            for (var l = 0; l < lines; l++)
            {
                var pool = vip && Chance(0.7) ? Products.Premium : Products.Everyday;
                var product = pool[rng.Next(pool.Length)];
                var quantity = Chance(0.85) ? 1 : 1 + rng.Next(2);
                var item = Products.Lines[product][quantity - 1];
                items.Add(item);
                amount += item.UnitPrice * item.Quantity;
            }

            return new Purchase(string.Create(CultureInfo.InvariantCulture, $"O{index:D8}-{p:D2}"), at, amount) { Items = items.MoveToImmutable() };
        }

        private ImmutableArray<Subscription> BuildSubscriptions(Instant signedUp)
        {
            if (!Chance(0.12))
            {
                return [];
            }

            var subscribedAt = signedUp + Days(0, 60);
            var renews = AsOf + Days(0, 365);
            if (Chance(0.15))
            {
                renews = AsOf + Days(0, 9); // renewing soon: the reminder window
            }

            var subscription = Chance(0.1)
                ? new Subscription("annual-pass", subscribedAt) { ExpiresAt = renews }
                : new Subscription(Chance(0.5) ? "plus" : "pro", subscribedAt) { RenewsAt = renews };
            if (Chance(0.12))
            {
                subscription = subscription with { CancelledAt = AsOf - Days(1, 60) };
            }

            return [subscription];
        }

        private ImmutableArray<SupportContact> BuildSupportContacts()
        {
            if (!Chance(0.09))
            {
                return [];
            }

            var count = 1 + Geometric(0.6, 3);
            var builder = ImmutableArray.CreateBuilder<SupportContact>(count);
            var at = AsOf - Days(0, 60);
            for (var i = 0; i < count; i++)
            {
                builder.Add(new SupportContact(at, Chance(0.5) ? "delivery" : "billing") { Resolved = i < count - 1 || Chance(0.6) });
                at += Days(0, 5);
                if (at > AsOf)
                {
                    at = AsOf - Hours(0, 12);
                }
            }

            return builder.MoveToImmutable();
        }

        private void AddWelcomeHistory(Instant signedUp)
        {
            double[] stepDays = [0, 2, 5];
            var previous = Instant.MinValue;
            for (var step = 0; step < stepDays.Length; step++)
            {
                var due = signedUp + Duration.FromHours(stepDays[step] * 24);
                if (previous != Instant.MinValue && previous + Duration.FromDays(1) > due)
                {
                    due = previous + Duration.FromDays(1);
                }

                if (due > AsOf - Duration.FromMinutes(30) || MarketingChannel() is not { } channel || !Chance(0.97))
                {
                    return;
                }

                var at = due + Duration.FromMinutes(rng.Next(0, 30));
                AddMessage("welcome", string.Create(CultureInfo.InvariantCulture, $"welcome-{step + 1}"), channel, MessagePurpose.Marketing, at, step);
                previous = at;
            }
        }

        private void AddWinBackHistory(Instant lastPurchase)
        {
            var due = lastPurchase + Duration.FromDays(60);
            for (var sent = 0; sent < 2; sent++)
            {
                if (due > AsOf - Duration.FromHours(1) || MarketingChannel() is not { } channel || !Chance(0.985))
                {
                    return;
                }

                var at = due + Duration.FromMinutes(rng.Next(0, 120));
                AddMessage("win-back", "win-back-offer", channel, MessagePurpose.Marketing, at, 0);
                due = at + Duration.FromDays(14);
            }
        }

        private void AddCrossSellHistory(ImmutableArray<Purchase> purchases)
        {
            var rules = BenchmarkPipeline.CrossSellRules;
            for (var r = 0; r < rules.Count; r++)
            {
                Instant? bought = null;
                foreach (var p in purchases)
                {
                    foreach (var item in p.Items)
                    {
                        if (item.Category == rules[r].WhenBought)
                        {
                            bought = p.At;
                        }
                    }
                }

                if (bought is not { } b || b < AsOf - Duration.FromDays(30))
                {
                    continue;
                }

                var due = b + Duration.FromDays(3);
                if (due < AsOf - Duration.FromHours(1) && MarketingChannel() is { } channel && Chance(0.95))
                {
                    AddMessage("cross-sell", rules[r].Variant.Id, channel, MessagePurpose.Marketing, due + Duration.FromMinutes(rng.Next(0, 60)), 0);
                }
            }
        }

        private void AddRenewalHistory(ImmutableArray<Subscription> subscriptions)
        {
            foreach (var s in subscriptions)
            {
                if (s.CancelledAt is not null || (s.RenewsAt ?? s.ExpiresAt) is not { } end)
                {
                    continue;
                }

                var start = end - Duration.FromDays(7);
                if (start < AsOf - Duration.FromHours(1) && AnyChannel() is { } channel && Chance(0.95))
                {
                    AddMessage("renewal-reminder", "renewal-notice", channel, MessagePurpose.Transactional, start + Duration.FromMinutes(rng.Next(0, 60)), 0);
                }
            }
        }

        private void AddNewsletters(Instant signedUp)
        {
            var r = rng.NextDouble();
            var count = r switch { < 0.45 => 0, < 0.70 => 1, < 0.85 => 2, < 0.93 => 3, _ => 4 + rng.Next(3) };
            for (var i = 0; i < count; i++)
            {
                var at = AsOf - Hours(1, 30 * 24);
                if (at < signedUp)
                {
                    continue;
                }

                var pick = rng.NextDouble();
                var kind = pick < 0.7 ? ChannelKind.Email : pick < 0.9 ? ChannelKind.Push : ChannelKind.Sms;
                var ok = kind switch { ChannelKind.Email => _emailOk, ChannelKind.Sms => _smsOk && _sms, _ => _pushOk };
                if (ok)
                {
                    AddMessage("newsletter", "weekly-digest", kind, MessagePurpose.Marketing, at, 0);
                }
            }
        }

        private ChannelKind? MarketingChannel() =>
            _emailOk ? ChannelKind.Email : _pushOk ? ChannelKind.Push : _smsOk && _sms ? ChannelKind.Sms : null;

        private ChannelKind? AnyChannel() =>
            _email ? ChannelKind.Email : _push ? ChannelKind.Push : _sms ? ChannelKind.Sms : null;

        private void AddMessage(string goalId, string variantId, ChannelKind kind, MessagePurpose purpose, Instant at, int step)
        {
            rng.NextBytes(_guid);
            var decisionId = new Guid(_guid);
            var channel = kind switch { ChannelKind.Email => "email", ChannelKind.Sms => "sms", _ => "push" };
            var engaged = Chance(0.2) ? at + Hours(0, 48) : (Instant?)null;
            _messages.Add(new MessageRecord(decisionId.ToString("N"), decisionId, goalId, variantId, channel, kind, purpose, at)
            {
                Step = step,
                Status = Chance(0.01) ? MessageStatus.Failed : MessageStatus.Sent,
                SentAt = at,
                EngagedAt = engaged is { } e && e < AsOf ? e : null,
            });
        }

        private string? PickZone()
        {
            if (Chance(0.03))
            {
                return null; // unknown time zone
            }

            var total = 0;
            foreach (var z in Zones)
            {
                total += z.Weight;
            }

            var pick = rng.Next(total);
            foreach (var z in Zones)
            {
                if (pick < z.Weight)
                {
                    return z.Zone;
                }

                pick -= z.Weight;
            }

            return Zones[0].Zone;
        }

        private bool Chance(double p) => rng.NextDouble() < p;

        private int Geometric(double p, int max)
        {
            var n = 0;
            while (n < max && rng.NextDouble() >= p)
            {
                n++;
            }

            return n;
        }

        private Duration Days(double min, double max) => Duration.FromSeconds((long)((min + ((max - min) * rng.NextDouble())) * 86_400));

        private Duration Hours(double min, double max) => Duration.FromSeconds((long)((min + ((max - min) * rng.NextDouble())) * 3_600));
    }
}
