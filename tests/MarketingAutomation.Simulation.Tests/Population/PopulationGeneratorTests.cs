using System.Globalization;
using System.Text;

namespace MarketingAutomation.Simulation.Tests.Population;

public class PopulationGeneratorTests
{
    private static string Describe(SimulatedCustomer c)
    {
        var t = c.Truth;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{c.Index}|{c.Customer.Id}|{c.Customer.TimeZoneId}|{c.Customer.SignedUpAt}|{t.Segment}|{t.IsSleepingDog}|{t.TimeZone.Id}|{t.PurchaseRatePerWeek}|{t.DropoutProbability}|{t.SpendRate}|{t.FatigueTolerance}|{t.OpenPropensity(ChannelKind.Email)}|{t.PeakHour}|{t.FavouriteCategory}");
        foreach (var p in c.Customer.Purchases)
        {
            text.Append(CultureInfo.InvariantCulture, $"|{p.OrderId}@{p.At}={p.Amount}:{p.Items[0].Category}");
        }

        foreach (var cp in c.Customer.ContactPoints)
        {
            text.Append('|').Append(cp.Address);
        }

        foreach (var consent in c.Customer.Consents)
        {
            text.Append(CultureInfo.InvariantCulture, $"|{consent.Channel}:{consent.Status}:{consent.Basis}@{consent.RecordedAt}");
        }

        foreach (var s in c.Customer.Subscriptions)
        {
            text.Append(CultureInfo.InvariantCulture, $"|{s.Plan}:{s.RenewsAt}:{s.ExpiresAt}");
        }

        return text.ToString();
    }

    [Fact]
    public void Customer_i_depends_only_on_seed_and_index()
    {
        var options = new PopulationOptions { Customers = 500, Seed = 7 };
        var streamed = PopulationGenerator.Generate(options).Select(Describe).ToList();
        Assert.Equal(500, streamed.Count);
        foreach (var i in new[] { 499, 0, 250, 17, 3 })
        {
            Assert.Equal(streamed[i], Describe(PopulationGenerator.Create(options, i)));
        }

        Assert.Equal(streamed, PopulationGenerator.Generate(options).Select(Describe).ToList());
        var larger = PopulationGenerator.Generate(new PopulationOptions { Customers = 600, Seed = 7 }).Take(500).Select(Describe).ToList();
        Assert.Equal(streamed, larger);
        var otherSeed = PopulationGenerator.Generate(new PopulationOptions { Customers = 500, Seed = 8 }).Select(Describe).ToList();
        Assert.NotEqual(streamed[1], otherSeed[1]);
    }

    [Theory]
    [InlineData("Customers")]
    [InlineData("SpendQ")]
    [InlineData("SmsShare")]
    [InlineData("TimeZones")]
    [InlineData("BgNbd")]
    public void Invalid_options_fail_naming_the_field(string field)
    {
        var options = new PopulationOptions();
        switch (field)
        {
            case "Customers": options.Customers = 0; break;
            case "SpendQ": options.SpendQ = 0.5; break;
            case "SmsShare": options.SmsShare = 1.5; break;
            case "TimeZones": options.TimeZones = [new TimeZoneShare("Mars/Olympus_Mons", 1)]; break;
            default: options.BgNbd = new BgNbdParameters(-1, 4.414, 0.793, 2.426); break;
        }

        var ex = Assert.Throws<ArgumentException>(() => PopulationGenerator.Generate(options));
        Assert.Contains("PopulationOptions." + field, ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PopulationGenerator.Create(options, 0));
        Assert.True(new PopulationOptionsValidator().Validate(new PopulationOptions()).IsValid);
    }

    [Fact]
    public void Segments_differ_in_the_ways_personalisation_can_find()
    {
        var customers = PopulationGenerator.Generate(new PopulationOptions { Customers = 20_000, Seed = 3 }).ToList();
        var bySegment = customers.GroupBy(c => c.Truth.SegmentKind).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var segment in Enum.GetValues<CustomerSegment>())
        {
            Assert.True(bySegment.TryGetValue(segment, out var members) && members.Count > 200, $"segment {segment} has too few members");
        }

        double Mean(CustomerSegment s, Func<HiddenTruth, double> f) => bySegment[s].Average(c => f(c.Truth));
        Assert.True(Mean(CustomerSegment.DealSeeker, t => t.OfferSensitivity) > 2 * Mean(CustomerSegment.Loyal, t => t.OfferSensitivity));
        Assert.True(Mean(CustomerSegment.Loyal, t => t.PurchaseRatePerWeek) > 2 * Mean(CustomerSegment.Browser, t => t.PurchaseRatePerWeek));
        Assert.True(Mean(CustomerSegment.Loyal, t => t.Incrementality) < Mean(CustomerSegment.DealSeeker, t => t.Incrementality) - 0.3);
        Assert.True(Mean(CustomerSegment.Browser, t => t.ConversionPropensity) < Mean(CustomerSegment.Loyal, t => t.ConversionPropensity) / 3);
        Assert.All(bySegment[CustomerSegment.Lapsed], c => Assert.False(c.Truth.IsActive));
        Assert.All(bySegment[CustomerSegment.New], c => Assert.Empty(c.Customer.Purchases));
        Assert.All(bySegment[CustomerSegment.New], c => Assert.False(c.Truth.IsSleepingDog));

        var dogs = customers.Count(c => c.Truth.IsSleepingDog) / (double)customers.Count;
        Assert.InRange(dogs, 0.035, 0.065);
        var unknownZone = customers.Count(c => c.Customer.TimeZoneId is null) / (double)customers.Count;
        Assert.InRange(unknownZone, 0.04, 0.06);
        Assert.InRange(customers.Count(c => !c.Customer.Subscriptions.IsEmpty) / (double)customers.Count, 0.10, 0.14);

        // Engaged hours: one or two peaks in 168 slots; the main peak hour is the most engaged.
        var profile = customers[5].Truth.EngagedHours();
        Assert.Equal(168, profile.Length);
        Assert.Equal(1f, profile[customers[5].Truth.PeakHour], 3);
        Assert.All(profile, w => Assert.InRange(w, 0.02f, 1f));

        // Purchase histories are ordered, in the past, with catalog categories and amounts that add up.
        foreach (var c in customers.Take(2000))
        {
            var purchases = c.Customer.Purchases;
            for (var p = 0; p < purchases.Length; p++)
            {
                Assert.True(purchases[p].At < new PopulationOptions().Start);
                Assert.True(p == 0 || purchases[p - 1].At <= purchases[p].At);
                Assert.Contains(purchases[p].Items[0].Category, SimulatedCatalog.Categories);
                Assert.Equal(purchases[p].Amount, purchases[p].Items.Sum(i => i.Quantity * i.UnitPrice));
            }
        }
    }

    [Fact]
    public void Unknown_zone_customers_have_numbers_the_engine_places_in_their_real_zone()
    {
        var customers = PopulationGenerator.Generate(new PopulationOptions { Customers = 6_000, Seed = 11 })
            .Where(c => c.Customer.TimeZoneId is null).ToList();
        Assert.NotEmpty(customers);
        var withNumber = 0;
        var failures = new List<string>();
        foreach (var c in customers)
        {
            var zones = RecipientZones.ResolveZones(c.Customer);
            if (c.Customer.FindContact(ChannelKind.Sms) is null)
            {
                Assert.Empty(zones);
                continue;
            }

            withNumber++;
            var map = NodaTime.TimeZones.TzdbDateTimeZoneSource.Default.CanonicalIdMap;
            if (!zones.Any(z => map[z.Id] == map[c.Truth.TimeZone.Id]))
            {
                failures.Add($"{c.Customer.FindContact(ChannelKind.Sms)!.Address} resolves to [{string.Join(", ", zones.Select(z => z.Id))}], truth {c.Truth.TimeZone.Id}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.DistinctBy(f => f[..5]).Take(20)));

        Assert.InRange(withNumber / (double)customers.Count, 0.6, 0.8);
    }
}
