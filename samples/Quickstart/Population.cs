using System.Collections.Immutable;
using MarketingAutomation;
using NodaTime;

namespace Quickstart;

/// <summary>A small seeded synthetic population for the quickstart (the simulation lab replaces it with one that has hidden truth).</summary>
internal static class Population
{
    private static readonly string[] Zones = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney"];
    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"];
    private static readonly (string Sku, string Category, decimal Price)[] Products =
    [
        ("shoe-run-1", "running-shoes", 120m), ("sock-run-1", "running-socks", 12m), ("jacket-1", "jackets", 180m),
        ("tee-1", "shirts", 25m), ("bottle-1", "accessories", 18m), ("watch-1", "watches", 320m),
    ];

    /// <summary>Customers who exist at the start, plus sign-ups that arrive day by day.</summary>
    public static (List<Customer> Existing, List<Customer> SignUps) Create(int count, int days, Instant start, int seed)
    {
        var random = new Random(seed);
        var existing = new List<Customer>();
        var signUps = new List<Customer>();
        for (var i = 0; i < count; i++)
        {
            var id = $"c{i:D6}";
            var isNew = random.NextDouble() < 0.15;
            var signedUp = isNew
                ? start + Duration.FromHours(random.Next(0, Math.Max(1, days) * 24))
                : start - Duration.FromDays(random.Next(30, 720));
            var consentAt = signedUp;
            var contacts = ImmutableArray.CreateBuilder<ContactPoint>();
            var consents = ImmutableArray.CreateBuilder<ConsentRecord>();
            contacts.Add(new ContactPoint(ChannelKind.Email, $"{id}@example.com"));
            if (random.NextDouble() < 0.9)
            {
                consents.Add(new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, random.NextDouble() < 0.2 ? ConsentBasis.SoftOptIn : ConsentBasis.Express, consentAt)
                {
                    Source = "signup-form",
                    Evidence = "I'd like to receive news and offers by e-mail.",
                });
            }

            if (random.NextDouble() < 0.6)
            {
                contacts.Add(new ContactPoint(ChannelKind.Sms, $"+1415555{random.Next(0, 10000):D4}"));
                consents.Add(new ConsentRecord(ChannelKind.Sms, MessagePurpose.Marketing, ConsentStatus.Granted, random.NextDouble() < 0.5 ? ConsentBasis.ExpressWritten : ConsentBasis.Express, consentAt)
                {
                    Source = "checkout",
                    Evidence = "Text me offers. Msg & data rates may apply. Reply STOP to opt out.",
                });
            }

            if (random.NextDouble() < 0.4)
            {
                contacts.Add(new ContactPoint(ChannelKind.Push, $"push-token-{id}"));
                consents.Add(new ConsentRecord(ChannelKind.Push, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, consentAt) { Source = "app" });
            }

            var purchases = ImmutableArray.CreateBuilder<Purchase>();
            if (!isNew)
            {
                var orders = random.Next(0, 8);
                for (var o = 0; o < orders; o++)
                {
                    var at = signedUp + Duration.FromDays(random.Next(0, (int)(start - signedUp).TotalDays + 1));
                    if (at >= start)
                    {
                        at = start - Duration.FromDays(1);
                    }

                    var product = Products[random.Next(Products.Length)];
                    var qty = random.Next(1, 4);
                    purchases.Add(new Purchase($"o-{id}-{o}", at, product.Price * qty)
                    {
                        Items = [new PurchaseItem(product.Sku, product.Category, qty, product.Price)],
                    });
                }
            }

            var subscriptions = random.NextDouble() < 0.25
                ? ImmutableArray.Create(new Subscription("plus", signedUp) { RenewsAt = start + Duration.FromDays(random.Next(1, days + 20)) })
                : [];
            var customer = new Customer(id)
            {
                TimeZoneId = random.NextDouble() < 0.95 ? Zones[random.Next(Zones.Length)] : null,
                Language = "en",
                SignedUpAt = signedUp,
                ContactPoints = contacts.ToImmutable(),
                Consents = consents.ToImmutable(),
                Purchases = [.. purchases.OrderBy(p => p.At)],
                Subscriptions = subscriptions,
                Attributes = ImmutableDictionary<string, string>.Empty.Add("FirstName", FirstNames[random.Next(FirstNames.Length)]),
            };
            (isNew ? signUps : existing).Add(customer);
        }

        signUps.Sort((a, b) => a.SignedUpAt!.Value.CompareTo(b.SignedUpAt!.Value));
        return (existing, signUps);
    }
}
