using FsCheck;
using FsCheck.Xunit;

namespace MarketingAutomation.Simulation.Tests.Population;

/// <summary>Invariants of any generated customer, for any seed and index.</summary>
public sealed class PopulationProperties
{
    private static readonly PopulationOptions Defaults = new();

    [Property(MaxTest = 300)]
    public void Any_customer_is_reproducible_and_well_formed(int seed, NonNegativeInt index)
    {
        var options = new PopulationOptions { Seed = seed, Customers = 1 };
        var c = PopulationGenerator.Create(options, index.Get);
        var again = PopulationGenerator.Create(options, index.Get);
        Assert.Equal(c.Customer.Id, again.Customer.Id);
        Assert.Equal(c.Customer.Purchases.Select(p => (p.OrderId, p.At, p.Amount, p.Items[0])), again.Customer.Purchases.Select(p => (p.OrderId, p.At, p.Amount, p.Items[0])));
        Assert.Equal(c.Truth.PurchaseRatePerWeek, again.Truth.PurchaseRatePerWeek);

        var t = c.Truth;
        Assert.Equal(PopulationGenerator.CustomerId(index.Get), c.Customer.Id);
        Assert.Contains(Defaults.TimeZones, z => z.ZoneId == t.TimeZone.Id);
        Assert.True(c.Customer.TimeZoneId is null || c.Customer.TimeZoneId == t.TimeZone.Id);
        Assert.InRange(t.PurchaseRatePerWeek, 0f, 100f);
        Assert.InRange(t.DropoutProbability, 0f, 1f);
        Assert.InRange(t.FatigueTolerance, 0.5f, 100f);
        Assert.True(t.MeanSpend > 0);
        foreach (var kind in new[] { ChannelKind.Email, ChannelKind.Sms, ChannelKind.Push })
        {
            Assert.InRange(t.OpenPropensity(kind), 0.0, 1.0);
        }

        Assert.InRange(t.ClickPropensity, 0f, 1f);
        Assert.InRange(t.ConversionPropensity, 0f, 1f);
        Assert.InRange(t.Incrementality, 0f, 1f);
        Assert.Equal(1.0, t.CategoryAffinity(t.FavouriteCategory), 3);
        Assert.InRange(t.HourOfWeek(Defaults.Start), 0, 167);
        Assert.Equal(t.SegmentKind == CustomerSegment.Lapsed, !t.IsActive);
        Assert.Equal(t.SegmentKind != CustomerSegment.New, t.HasPurchased);
        Assert.Equal(t.HasPurchased, !c.Customer.Purchases.IsEmpty);
        Assert.All(c.Customer.Purchases, p => Assert.True(p.At >= c.Customer.SignedUpAt && p.At < Defaults.Start));
        Assert.All(c.Customer.Consents, r => Assert.True(r.RecordedAt <= Defaults.Start));
    }
}
