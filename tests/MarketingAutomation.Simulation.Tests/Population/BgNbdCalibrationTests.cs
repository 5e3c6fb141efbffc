using System.Globalization;

namespace MarketingAutomation.Simulation.Tests.Population;

public class BgNbdCalibrationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void Hypergeometric_series_matches_a_closed_form(double z)
    {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z and 2F1(a, b; b; z) = (1 - z)^-a.
        Assert.Equal(-Math.Log(1 - z) / z, BgNbd.Hypergeometric2F1(1, 1, 2, z), 1e-9);
        Assert.Equal(Math.Pow(1 - z, -0.243), BgNbd.Hypergeometric2F1(0.243, 2.219, 2.219, z), 1e-9);
    }

    [Fact]
    public void Expected_repeat_purchases_grow_and_start_at_zero()
    {
        var cdnow = BgNbdParameters.Cdnow;
        Assert.Equal(0, cdnow.ExpectedRepeatPurchases(0), 1e-12);
        Assert.True(cdnow.ExpectedRepeatPurchases(39) < cdnow.ExpectedRepeatPurchases(78));

        // Small t: E[X(t)] ~ t * E[lambda] = t * r / alpha.
        Assert.Equal(0.01 * 0.243 / 4.414, cdnow.ExpectedRepeatPurchases(0.01), 1e-5);
    }

    [Fact]
    public void Generated_histories_match_the_BG_NBD_expectation_over_78_weeks()
    {
        const double weeks = 78;
        var options = new PopulationOptions
        {
            Customers = 60_000,
            Seed = 2005,
            HistoryDays = (int)(weeks * 7) + 365,
            NewSignUpShare = 0,
            MaxHistoryPurchases = 10_000,
        };
        var horizon = Duration.FromDays(weeks * 7);
        long customers = 0;
        long repeats = 0;
        foreach (var c in PopulationGenerator.Generate(options))
        {
            var first = c.Customer.SignedUpAt!.Value;
            if (first + horizon > options.Start)
            {
                continue;
            }

            customers++;
            foreach (var p in c.Customer.Purchases)
            {
                if (p.At > first && p.At <= first + horizon)
                {
                    repeats++;
                }
            }
        }

        var expected = BgNbdParameters.Cdnow.ExpectedRepeatPurchases(weeks);
        var simulated = repeats / (double)customers;
        output.WriteLine($"{customers} customers: {simulated:F4} repeat purchases per customer in 78 weeks; BG/NBD E[X(78)] = {expected:F4}");
        Assert.True(customers > 20_000, $"only {customers} customers with 78 weeks of history");
        Assert.True(Math.Abs(simulated - expected) / expected < 0.05, $"simulated {simulated:F4} repeat purchases per customer in 78 weeks, BG/NBD expects {expected:F4}");
    }

    [Fact]
    public void Generated_spend_matches_the_Gamma_Gamma_mean()
    {
        var options = new PopulationOptions { Customers = 20_000, Seed = 9 };
        var amounts = PopulationGenerator.Generate(options).SelectMany(c => c.Customer.Purchases).Select(p => (double)p.Amount).ToList();
        var expected = BgNbd.ExpectedMeanSpend(options.SpendP, options.SpendQ, options.SpendV);
        Assert.InRange(amounts.Average(), expected * 0.9, expected * 1.1);
    }

    [Fact]
    public void Published_fit_reproduces_the_CDNOW_sample_mean_frequency()
    {
        var path = FindCdnowSummary();
        if (path is null)
        {
            Assert.Skip("cdnow_customers_summary.csv not found (looked for ../shared/data/cdnow from the repository); the closed-form test above covers the model.");
        }

        var lines = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        var observed = lines.Average(f => double.Parse(f[1], CultureInfo.InvariantCulture));
        var expected = lines.Average(f => BgNbdParameters.Cdnow.ExpectedRepeatPurchases(double.Parse(f[3], CultureInfo.InvariantCulture)));
        output.WriteLine($"CDNOW sample: mean frequency {observed:F4}; BG/NBD expectation {expected:F4}");
        Assert.True(Math.Abs(observed - expected) / observed < 0.05, $"CDNOW mean frequency {observed:F4}, BG/NBD expectation over each customer's T {expected:F4}");
    }

    private static string? FindCdnowSummary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "cdnow", "cdnow_customers_summary.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
