using System.Diagnostics;
using MarketingAutomation.Simulation;

namespace MarketingAutomation.Simulation.Tests.Evaluation;

public class OffPolicyEstimatorsTests(ITestOutputHelper output)
{
    [Fact]
    public void Ips_snips_dr_within_5_percent_of_the_true_value_at_100k_rows()
    {
        var logs = SyntheticBandit.Generate(100_000, seed: 7);
        var truth = SyntheticBandit.TrueValue(SyntheticBandit.Target);
        var report = OffPolicyEstimators.Evaluate(logs, SyntheticBandit.TargetPolicy(), bootstrap: new BootstrapOptions { Resamples = 200, Seed = 7 });

        foreach (var e in report.All)
        {
            output.WriteLine($"truth={truth:0.0000} {e}");
            Assert.True(Math.Abs(e.Value - truth) / truth <= 0.05, $"{e.Estimator} = {e.Value} vs truth {truth}");
            Assert.True(e.Interval.Lower <= e.Value && e.Value <= e.Interval.Upper, $"{e.Estimator}: point estimate outside its own interval {e.Interval}");
        }

        Assert.Null(report.Replay);
        Assert.True(report.Weights.EffectiveSampleSize is > 10_000 and < 100_000);
        Assert.Equal(7.0, report.Weights.MaxWeight, 6); // 0.7 / 0.1
    }

    [Fact]
    public void Replay_ips_snips_dr_of_a_deterministic_policy_within_5_percent_at_100k_rows()
    {
        var logs = SyntheticBandit.Generate(100_000, seed: 11);
        var truth = SyntheticBandit.TrueValueOfBest();
        var report = OffPolicyEstimators.Evaluate(logs, SyntheticBandit.BestPolicy(), bootstrap: new BootstrapOptions { Resamples = 200, Seed = 11 });

        Assert.NotNull(report.Replay);
        foreach (var e in report.All)
        {
            output.WriteLine($"truth={truth:0.0000} {e}");
        }

        // Replay conditions on matched rows, so it estimates sum_c P(c | matched) p[c][best]: unbiased only when the
        // logging probability of the best action is the same in every context. Check IPS, SNIPS and DR against the truth.
        foreach (var e in new[] { report.Ips, report.Snips, report.DoublyRobust })
        {
            Assert.True(Math.Abs(e.Value - truth) / truth <= 0.05, $"{e.Estimator} = {e.Value} vs truth {truth}");
        }
    }

    [Fact]
    public void Intervals_cover_the_truth_in_at_least_90_of_100_seeds()
    {
        var truth = SyntheticBandit.TrueValue(SyntheticBandit.Target);
        var target = SyntheticBandit.TargetPolicy();
        int ips = 0, snips = 0, dr = 0;
        var maxRelError = 0.0;
        var sw = Stopwatch.StartNew();
        for (var seed = 0; seed < 100; seed++)
        {
            var logs = SyntheticBandit.Generate(100_000, seed + 1000);
            var report = OffPolicyEstimators.Evaluate(logs, target, bootstrap: new BootstrapOptions { Resamples = 1000, Seed = seed });
            ips += report.Ips.Interval.Contains(truth) ? 1 : 0;
            snips += report.Snips.Interval.Contains(truth) ? 1 : 0;
            dr += report.DoublyRobust.Interval.Contains(truth) ? 1 : 0;
            foreach (var e in report.All)
            {
                maxRelError = Math.Max(maxRelError, Math.Abs(e.Value - truth) / truth);
            }
        }

        output.WriteLine($"coverage of {truth:0.0000} over 100 seeds x 100,000 rows x 1000 resamples: ips={ips} snips={snips} dr={dr}; max relative error {maxRelError:P2}; {sw.ElapsedMilliseconds} ms");
        Assert.True(ips >= 90, $"IPS covered {ips}/100");
        Assert.True(snips >= 90, $"SNIPS covered {snips}/100");
        Assert.True(dr >= 90, $"DR covered {dr}/100");
        Assert.True(maxRelError <= 0.05, $"max relative error {maxRelError}");
    }

    [Fact]
    public void Uniform_logging_makes_ips_the_scaled_replay()
    {
        const int k = 5;
        var rng = new Random(3);
        var logs = new LoggedDecision[5_000];
        for (var i = 0; i < logs.Length; i++)
        {
            var c = rng.Next(3);
            logs[i] = new LoggedDecision(c, rng.Next(k), 1.0 / k, rng.NextDouble() < 0.2 + (0.1 * c) ? 1 : 0);
        }

        var target = TargetPolicy.Deterministic("ctx-mod", k, (in LoggedDecision r) => (r.Context * 2) % k);
        var report = OffPolicyEstimators.Evaluate(logs, target, bootstrap: new BootstrapOptions { Resamples = 50 });
        var matched = report.Replay!.RowsUsed;

        // IPS = (1/n) * sum k [match] r = k * (matched / n) * replay.
        Assert.Equal(k * ((double)matched / logs.Length) * report.Replay.Value, report.Ips.Value, 12);

        // With equal propensities, SNIPS of a deterministic target is exactly replay.
        Assert.Equal(report.Replay.Value, report.Snips.Value, 12);
    }

    [Fact]
    public void Snips_normalises_by_the_sum_of_weights()
    {
        var logs = SyntheticBandit.Generate(20_000, seed: 5);
        var target = SyntheticBandit.TargetPolicy();
        var report = OffPolicyEstimators.Evaluate(logs, target, bootstrap: new BootstrapOptions { Resamples = 50 });

        double sumW = 0, sumWr = 0;
        Span<double> pi = stackalloc double[SyntheticBandit.Actions];
        foreach (var r in logs)
        {
            target.Probabilities(r, pi);
            var w = pi[r.Action] / r.Propensity;
            sumW += w;
            sumWr += w * r.Reward;
        }

        Assert.Equal(sumW / logs.Length, report.Weights.MeanWeight, 12);
        Assert.Equal(sumWr / sumW, report.Snips.Value, 12);
        Assert.Equal(sumWr / logs.Length, report.Ips.Value, 12);

        // A constant reward of 1 is estimated exactly by SNIPS (the weights are normalised away), not by IPS.
        var ones = Array.ConvertAll(logs, r => r with { Reward = 1 });
        var onesReport = OffPolicyEstimators.Evaluate(ones, target, bootstrap: new BootstrapOptions { Resamples = 50 });
        Assert.Equal(1.0, onesReport.Snips.Value, 12);
        Assert.Equal(1.0, onesReport.Snips.Interval.Lower, 12);
        Assert.Equal(1.0, onesReport.Snips.Interval.Upper, 12);
    }

    [Fact]
    public void Dr_equals_ips_when_the_reward_model_is_zero()
    {
        var logs = SyntheticBandit.Generate(10_000, seed: 9);
        var options = new BootstrapOptions { Resamples = 100, Seed = 4 };
        var ips = OffPolicyEstimators.Ips(logs, SyntheticBandit.TargetPolicy(), options);
        var dr = OffPolicyEstimators.DoublyRobust(logs, SyntheticBandit.TargetPolicy(), RewardModel.Zero, options);
        Assert.Equal(ips.Value, dr.Value, 12);
        Assert.Equal(ips.Interval, dr.Interval);
    }

    [Fact]
    public void Dr_with_the_true_reward_model_has_a_narrower_interval_than_ips()
    {
        var logs = SyntheticBandit.Generate(50_000, seed: 21);
        var options = new BootstrapOptions { Resamples = 200, Seed = 1 };
        var truthModel = RewardModel.FromFunction("truth", (in LoggedDecision r, int a) => SyntheticBandit.RewardProbabilities[r.Context][a]);
        var ips = OffPolicyEstimators.Ips(logs, SyntheticBandit.TargetPolicy(), options);
        var dr = OffPolicyEstimators.DoublyRobust(logs, SyntheticBandit.TargetPolicy(), truthModel, options);
        Assert.True(dr.Interval.Upper - dr.Interval.Lower < ips.Interval.Upper - ips.Interval.Lower);
    }

    [Fact]
    public void Same_seed_gives_the_same_interval_whatever_the_parallelism()
    {
        var logs = SyntheticBandit.Generate(10_000, seed: 2);
        var a = OffPolicyEstimators.Ips(logs, SyntheticBandit.TargetPolicy(), new BootstrapOptions { Resamples = 100, Seed = 8, MaxDegreeOfParallelism = 1 });
        var b = OffPolicyEstimators.Ips(logs, SyntheticBandit.TargetPolicy(), new BootstrapOptions { Resamples = 100, Seed = 8, MaxDegreeOfParallelism = 4 });
        var c = OffPolicyEstimators.Ips(logs, SyntheticBandit.TargetPolicy(), new BootstrapOptions { Resamples = 100, Seed = 9 });
        Assert.Equal(a.Interval, b.Interval);
        Assert.NotEqual(a.Interval, c.Interval);
    }

    [Theory]
    [InlineData(0.0, 0.1, "logs[3].Propensity")]
    [InlineData(-0.2, 0.1, "logs[3].Propensity")]
    [InlineData(1.5, 0.1, "logs[3].Propensity")]
    [InlineData(double.NaN, 0.1, "logs[3].Propensity")]
    [InlineData(0.5, double.NaN, "logs[3].Reward")]
    [InlineData(0.5, double.PositiveInfinity, "logs[3].Reward")]
    public void Bad_rows_throw_naming_the_row_and_field(double propensity, double reward, string expected)
    {
        var logs = SyntheticBandit.Generate(10, seed: 1);
        logs[3] = logs[3] with { Propensity = propensity, Reward = reward };
        var ex = Assert.Throws<ArgumentException>(() => OffPolicyEstimators.Ips(logs, SyntheticBandit.TargetPolicy(), new BootstrapOptions { Resamples = 10 }));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal("logs", ex.ParamName);
    }

    [Fact]
    public void Action_out_of_range_empty_logs_and_bad_options_throw_clearly()
    {
        var logs = SyntheticBandit.Generate(10, seed: 1);
        logs[4] = logs[4] with { Action = 9 };
        Assert.Contains("logs[4].Action", Assert.Throws<ArgumentException>(() => OffPolicyEstimators.Ips(logs, SyntheticBandit.TargetPolicy())).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => OffPolicyEstimators.Ips([], SyntheticBandit.TargetPolicy())).Message, StringComparison.Ordinal);
        var ok = SyntheticBandit.Generate(10, seed: 1);
        Assert.Contains("Resamples", Assert.Throws<ArgumentException>(() => OffPolicyEstimators.Ips(ok, SyntheticBandit.TargetPolicy(), new BootstrapOptions { Resamples = 1 })).Message, StringComparison.Ordinal);
        Assert.Contains("Level", Assert.Throws<ArgumentException>(() => OffPolicyEstimators.Ips(ok, SyntheticBandit.TargetPolicy(), new BootstrapOptions { Level = 1.2 })).Message, StringComparison.Ordinal);
        Assert.Contains("stochastic", Assert.Throws<ArgumentException>(() => OffPolicyEstimators.Replay(ok, SyntheticBandit.TargetPolicy())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_target_whose_probabilities_do_not_sum_to_one_is_rejected()
    {
        var bad = TargetPolicy.FromProbabilities("bad", 2, (in LoggedDecision _, Span<double> p) => p.Fill(0.4));
        var logs = new[] { new LoggedDecision(0, 0, 0.5, 1) };
        Assert.Contains("sum", Assert.Throws<ArgumentException>(() => OffPolicyEstimators.Ips(logs, bad)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TargetPolicy.FromTable("t", [[0.5, 0.4]]));
    }

    [Fact]
    public void Always_and_uniform_policies()
    {
        var logs = new[] { new LoggedDecision(0, 0, 0.5, 1), new LoggedDecision(0, 1, 0.5, 0) };
        var always0 = OffPolicyEstimators.Evaluate(logs, TargetPolicy.Always("a0", 2, 0), RewardModel.Zero, new BootstrapOptions { Resamples = 10 });
        Assert.Equal(1.0, always0.Replay!.Value);
        Assert.Equal(1.0, always0.Ips.Value); // (2*1 + 0)/2
        var uniform = OffPolicyEstimators.Ips(logs, TargetPolicy.Uniform(2), new BootstrapOptions { Resamples = 10 });
        Assert.Equal(0.5, uniform.Value);
    }
}
