using System.Diagnostics;

namespace MarketingAutomation.Simulation.Tests.World;

/// <summary>Scale checks. The full sizes run when MA_SIM_SCALE=1 (1,000,000 customers generated; 100,000 x 30 days in the world); otherwise a tenth.</summary>
public class WorldScaleTests(ITestOutputHelper output)
{
    private static readonly bool Full = Environment.GetEnvironmentVariable("MA_SIM_SCALE") == "1";

    [Fact]
    public void Generating_customers_streams_in_bounded_memory()
    {
        var count = Full ? 1_000_000 : 100_000;
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var watch = Stopwatch.StartNew();
        long purchases = 0;
        long peak = 0;
        var n = 0;
        foreach (var c in PopulationGenerator.Generate(new PopulationOptions { Customers = count }))
        {
            purchases += c.Customer.Purchases.Length;
            if (++n % 100_000 == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
            }
        }

        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        output.WriteLine($"{count:N0} customers ({purchases:N0} purchases) in {watch.Elapsed.TotalSeconds:F2} s; allocated {allocated / 1e6:F0} MB ({allocated / count} B per customer); heap peak {(peak - before) / 1e6:F0} MB over baseline");
        Assert.Equal(count, n);
        Assert.True(peak - before < 400_000_000, "generation must stream, not retain customers");
    }

    [Fact]
    public void A_month_of_100k_customers_advances_quickly()
    {
        var population = new PopulationOptions { Customers = Full ? 100_000 : 10_000 };
        var watch = Stopwatch.StartNew();
        var customers = PopulationGenerator.Generate(population).ToList();
        var generated = watch.Elapsed;
        GC.Collect();
        var retained = GC.GetTotalMemory(forceFullCollection: true);
        var driver = new WorldDriver(population, customers);
        var built = watch.Elapsed;
        var emailable = customers.Where(c => c.Customer.FindContact(ChannelKind.Email) is not null).Select(c => c.Customer.Id).ToArray();
        var advance = TimeSpan.Zero;
        var send = TimeSpan.Zero;
        var events = 0L;
        for (var hour = 1; hour <= 30 * 24; hour++)
        {
            var t0 = watch.Elapsed;
            events += driver.World.AdvanceTo(population.Start + Duration.FromHours(hour)).Count;
            driver.Clock.Reset(population.Start + Duration.FromHours(hour));
            var t1 = watch.Elapsed;
            advance += t1 - t0;
            if (hour % 168 == 33)
            {
                foreach (var id in emailable)
                {
                    driver.Send(driver.Email, id);
                }

                send += watch.Elapsed - t1;
            }
        }

        output.WriteLine($"{customers.Count:N0} customers: generated in {generated.TotalSeconds:F2} s ({retained / 1e6:F0} MB retained with the list), world built in {(built - generated).TotalSeconds:F2} s; " +
            $"{driver.World.Sent.Count:N0} sends in {send.TotalSeconds:F2} s; 720 hourly AdvanceTo returned {events:N0} events in {advance.TotalSeconds:F2} s");
        output.WriteLine(driver.World.Metrics.ToString());
        Assert.True(advance + send < TimeSpan.FromSeconds(Full ? 30 : 10));
    }
}
