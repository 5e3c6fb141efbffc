using MarketingAutomation.Simulation;
using MarketingAutomation.Simulation.Tests.Data;

namespace MarketingAutomation.Simulation.Tests.Evaluation;

public sealed class RealDataEvaluationTests(ITestOutputHelper output) : IDisposable
{
    private readonly DataFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Hillstrom_arm_ips_reproduces_the_arm_means_of_a_generated_file()
    {
        var path = _files.Hillstrom(6000, seed: 4);
        var rows = HillstromLoader.Load(path);
        var report = RealDataEvaluation.EvaluateHillstrom(path, seed: 1, resamples: 200);
        foreach (var line in report.ToResultLines())
        {
            output.WriteLine(line);
        }

        Assert.Equal(3, report.Arms.Count);
        foreach (var arm in report.Arms)
        {
            var inArm = rows.Where(r => r.Segment == arm.Arm).ToList();
            var mean = inArm.Average(r => r.Visit ? 1.0 : 0.0);
            Assert.Equal(inArm.Count, arm.Rows);
            Assert.Equal(mean, arm.MeasuredVisitRate, 12);
            Assert.Equal(mean, arm.Report.Ips.Value, 12); // empirical propensity: IPS of an arm = the arm's mean
            Assert.True(arm.Report.Ips.Interval.Contains(mean));
            Assert.Equal(mean, arm.Report.Replay!.Value, 12);
        }

        Assert.Equal(rows.Count(r => r.Segment != HillstromArm.MensEmail), report.Uplift.Rows);
        Assert.Equal(report.Uplift.Rows, report.Uplift.TrainRows + report.Uplift.TestRows);
        Assert.True(double.IsFinite(report.Uplift.UpliftAt30Overall));
        Assert.StartsWith("result dataset=hillstrom policy=mens-email ips=", report.ToResultLines()[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Open_bandit_on_generated_logs()
    {
        _files.OpenBandit("random", "men", rows: 3000, items: 5, seed: 1);
        _files.OpenBandit("bts", "men", rows: 3000, items: 5, seed: 2, propensity: item => item == 0 ? 0.4 : 0.15);
        var report = RealDataEvaluation.EvaluateOpenBandit(Path.Combine(_files.Root, "obd"), seed: 1, resamples: 100);
        var lines = report.ToResultLines();
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        Assert.Equal(2, report.Estimates.Count);
        Assert.Equal(5, report.AlwaysItem.Count);
        Assert.Equal("always-item-0", report.AlwaysItem[0].Policy); // item 0 clicks 6 % vs 1 %
        Assert.Contains(lines, l => l.StartsWith("result dataset=obd-men logs=bts/men policy=uniform ips=", StringComparison.Ordinal));
    }

    [Fact]
    public void Real_hillstrom_arm_rates_within_the_intervals()
    {
        var data = DataFiles.SharedData();
        var path = data is null ? null : Path.Combine(data, "hillstrom", "hillstrom.csv");
        if (path is null || !File.Exists(path))
        {
            Assert.Skip("Hillstrom data not found: set MA_DATA_DIR to the shared data folder (holding hillstrom/hillstrom.csv) to run this test.");
        }

        var report = RealDataEvaluation.EvaluateHillstrom(path, seed: 42, resamples: 200);
        foreach (var line in report.ToResultLines())
        {
            output.WriteLine(line);
        }

        double[] published = [0.1828, 0.1514, 0.1062];
        for (var a = 0; a < 3; a++)
        {
            Assert.True(report.Arms[a].Report.Ips.Interval.Contains(published[a]), $"{report.Arms[a].Policy}: {published[a]} outside {report.Arms[a].Report.Ips.Interval}");
            Assert.Equal(published[a], report.Arms[a].Report.Ips.Value, 4);
        }

        Assert.Equal(42_693, report.Uplift.Rows);
        Assert.True(report.Uplift.UpliftAt30Overall > report.Uplift.AverageEffect, "the uplift model should beat random targeting at 30 %");
    }

    [Fact]
    public void Real_open_bandit_estimates()
    {
        var data = DataFiles.SharedData();
        var root = data is null ? null : Path.Combine(data, "obd");
        if (root is null || !Directory.Exists(Path.Combine(root, "bts", "men")))
        {
            Assert.Skip("Open Bandit data not found: set MA_DATA_DIR to the shared data folder (holding obd/) to run this test.");
        }

        var report = RealDataEvaluation.EvaluateOpenBandit(root, seed: 42, resamples: 200);
        foreach (var line in report.ToResultLines(5))
        {
            output.WriteLine(line);
        }

        Assert.Equal(0.0046, report.RandomCtr, 4);
        Assert.Equal(0.0069, report.BtsCtr, 4);

        // The BTS policy's value estimated from the uniform logs (weights at most ~7) must cover its on-policy CTR.
        var btsFromRandom = report.Estimates[1];
        Assert.True(btsFromRandom.Report.Ips.Interval.Contains(report.BtsCtr), btsFromRandom.Report.Ips.ToString());
    }
}
