using MarketingAutomation.Simulation;

namespace MarketingAutomation.Simulation.Tests.Evaluation;

public class BootstrapTests
{
    [Fact]
    public void Mean_interval_matches_the_normal_approximation()
    {
        var rng = new Random(1);
        var x = new double[20_000];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextDouble() < 0.3 ? 1 : 0;
        }

        var ci = Bootstrap.Mean(x, new BootstrapOptions { Resamples = 1000, Seed = 3 });
        var mean = x.Average();
        var se = Math.Sqrt(mean * (1 - mean) / x.Length);
        Assert.Equal(mean - (1.96 * se), ci.Lower, 0.0015);
        Assert.Equal(mean + (1.96 * se), ci.Upper, 0.0015);
    }

    [Fact]
    public void Ratio_needs_equal_lengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => Bootstrap.Ratio([1.0, 2.0], [1.0], new BootstrapOptions { Resamples = 10 }));
        Assert.Contains("denominator", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grouped_and_per_row_resampling_give_the_same_interval()
    {
        // Binary values collapse to two groups (Poisson(m) per group); a unique tiny offset per row forces per-row resampling.
        var rng = new Random(2);
        var grouped = new double[40_000];
        var perRow = new double[grouped.Length];
        for (var i = 0; i < grouped.Length; i++)
        {
            grouped[i] = rng.NextDouble() < 0.2 ? 1 : 0;
            perRow[i] = grouped[i] + (i * 1e-12);
        }

        var options = new BootstrapOptions { Resamples = 2000, Seed = 5 };
        var a = Bootstrap.Mean(grouped, options);
        var b = Bootstrap.Mean(perRow, options);
        var width = a.Upper - a.Lower;
        Assert.Equal(a.Lower, b.Lower, width * 0.1);
        Assert.Equal(a.Upper, b.Upper, width * 0.1);
    }
}
