using MarketingAutomation.Simulation;

namespace MarketingAutomation.Simulation.Tests.Runner;

public class SimulationRunnerTests
{
    private static readonly string[] Baselines = ["none", "batch-and-blast", "rule-based-flows", "default", "oracle"];

    private static readonly string[] Learners = ["adaptive", "oracle-strict"];

    [Fact]
    public async Task The_runner_drives_the_real_agent_and_the_worlds_events_flow_back()
    {
        var run = await LabRuns.GetAsync("default");
        var sent = run.World.Sent;

        Assert.NotEmpty(sent);
        Assert.All(sent, m => Assert.NotEqual(Guid.Empty, m.DecisionId));
        Assert.True(run.EventsIngested > sent.Count, $"only {run.EventsIngested} events for {sent.Count} messages");
        Assert.Equal(run.Result.TreatedCustomers, run.Imported);
        Assert.True(run.Result.Evaluations >= run.Imported);
        Assert.True(run.Result.Opens > 0 && run.Result.Clicks > 0, "opens and clicks come back from the world");
        Assert.Equal(sent.Count(m => m.Accepted), run.Result.Messages);
        Assert.Contains("welcome", run.Result.DecisionsByGoal.Keys);
    }

    [Fact]
    public async Task Every_baseline_keeps_every_lab_rule()
    {
        foreach (var (name, run) in await LabRuns.AllAsync())
        {
            Assert.True(run.Result.Violations == 0, $"{name}: {string.Join("; ", run.Violations.Take(5).Select(v => v.Reason))}");
        }
    }

    [Fact]
    public async Task Every_baseline_is_registered_and_ran()
    {
        var runs = await LabRuns.AllAsync();
        foreach (var name in Baselines)
        {
            Assert.True(runs.ContainsKey(name), name);
            Assert.Equal(LabRuns.Days, runs[name].Result.CumulativeConversionsByDay.Length);
        }
    }

    [Fact]
    public async Task The_learning_agent_and_the_strict_oracle_are_registered_ran_and_sent_within_the_rules()
    {
        var runs = await LabRuns.AllAsync();
        foreach (var name in Learners)
        {
            Assert.True(runs.ContainsKey(name), name);
            var result = runs[name].Result;
            Assert.Equal(name, result.Strategy);
            Assert.True(result.Messages > 0, $"{name} sent nothing");
            Assert.Equal(0, result.Violations);
        }

        // The learning agent chooses among the same goals as the oracle, the always-available promotion included.
        Assert.Contains("promotion", runs["adaptive"].Result.DecisionsByGoal.Keys);

        // Each unsubscribe costs the strict oracle 75 times more, so it risks fewer of them than the oracle.
        Assert.True(runs["oracle-strict"].Result.Unsubscribes <= runs["oracle"].Result.Unsubscribes);
        Assert.True(runs["oracle-strict"].Result.Messages < runs["oracle"].Result.Messages);
    }

    [Fact]
    public async Task The_control_group_is_simulated_but_never_messaged()
    {
        var run = await LabRuns.GetAsync("oracle");
        var fraction = new SimulationOptions().ControlGroupFraction;

        Assert.InRange(run.Result.ControlCustomers, LabRuns.Customers * 0.02, LabRuns.Customers * 0.09);
        Assert.Equal(LabRuns.Customers, run.Result.ControlCustomers + run.Result.TreatedCustomers);
        Assert.DoesNotContain(run.World.Sent, m => ControlGroup.IsControl(m.CustomerId, fraction));
        Assert.True(run.Result.ControlConversionRate > 0, "control customers still buy organically");
    }

    [Fact]
    public async Task The_no_contact_run_sends_nothing_and_is_the_net_value_zero()
    {
        var none = (await LabRuns.GetAsync("none")).Result;

        Assert.Equal(0, none.Messages);
        Assert.Equal(0m, none.NetValue);
        Assert.Equal(none.Revenue, none.BaselineRevenue);
    }

    [Fact]
    public async Task Net_value_is_incremental_revenue_against_the_no_contact_run_minus_contact_costs()
    {
        var runs = await LabRuns.AllAsync();
        var none = runs["none"].Result;
        var blast = runs["batch-and-blast"].Result;
        var expectedCost = 0m;
        foreach (var m in runs["batch-and-blast"].World.Sent)
        {
            expectedCost += m.Accepted ? 0.001m + 0.02m : 0m;
        }

        Assert.Equal(none.Revenue, blast.BaselineRevenue);
        Assert.Equal(Math.Round(expectedCost, 2), blast.ContactCost);
        Assert.Equal(blast.Revenue - none.Revenue - blast.ContactCost, blast.NetValue);
    }

    [Fact]
    public async Task The_oracle_earns_at_least_the_net_value_of_every_baseline()
    {
        var runs = await LabRuns.AllAsync();
        var oracle = runs["oracle"].Result.NetValue;
        foreach (var name in Baselines)
        {
            Assert.True(oracle >= runs[name].Result.NetValue, $"oracle {oracle} < {name} {runs[name].Result.NetValue}");
        }
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_result()
    {
        var options = new SimulationOptions { Days = 4 };
        var first = await new SimulationRunner(LabRuns.Population(400, seed: 11), options).RunAsync(new DefaultEngineStrategy(), cancellationToken: TestContext.Current.CancellationToken);
        var second = await new SimulationRunner(LabRuns.Population(400, seed: 11), options).RunAsync(new DefaultEngineStrategy(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(first.ToResultLine(), second.ToResultLine());
        Assert.Equal(first.DecisionsByGoal, second.DecisionsByGoal);
        Assert.Equal(first.CumulativeConversionsByDay, second.CumulativeConversionsByDay);
    }

    [Fact]
    public async Task Progress_is_reported_once_per_simulated_day_for_each_run()
    {
        var reports = new List<SimulationProgress>();
        var runner = new SimulationRunner(LabRuns.Population(100), new SimulationOptions { Days = 3 });

        await runner.RunAsync(new DefaultEngineStrategy(), new ListProgress(reports), TestContext.Current.CancellationToken);

        Assert.Equal(
            [new("none", 1, 3), new("none", 2, 3), new("none", 3, 3), new("default", 1, 3), new("default", 2, 3), new("default", 3, 3)],
            reports);
    }

    [Fact]
    public void The_result_line_has_the_exact_format()
    {
        var result = new StrategyResult
        {
            Strategy = "default",
            Messages = 1234,
            Conversions = 56,
            Revenue = 7890.125m,
            BaselineRevenue = 7000m,
            ContactCost = 12.5m,
            Unsubscribes = 3,
            Complaints = 1,
            Violations = 0,
            CumulativeRevenueByDay = [100m, 250m, 400m],
            BaselineCumulativeRevenueByDay = [90m, 200m, 300m],
            CumulativeContactCostByDay = [1m, 2m, 4m],
        };

        Assert.Equal(
            "result strategy=default messages=1234 conversions=56 revenue=7890.13 net_value=877.63 net_value_last30=877.63 unsubscribes=3 complaints=1 violations=0",
            result.ToResultLine());
    }

    /// <summary>Net value over the last days subtracts the counterfactual's revenue and the contact costs of those days only.</summary>
    [Fact]
    public void Net_value_over_the_last_days_uses_only_those_days()
    {
        var result = new StrategyResult
        {
            Strategy = "adaptive",
            Revenue = 400m,
            BaselineRevenue = 300m,
            ContactCost = 4m,
            CumulativeRevenueByDay = [100m, 250m, 400m],
            BaselineCumulativeRevenueByDay = [90m, 200m, 300m],
            CumulativeContactCostByDay = [1m, 2m, 4m],
        };

        // Last 2 days: revenue 300, baseline 210, cost 3.
        Assert.Equal(87m, result.NetValueOverLastDays(2));
        Assert.Equal(result.NetValueOverLastDays(3), result.NetValueOverLastDays(30));
        Assert.Equal(96m, result.NetValueOverLastDays(3));
        Assert.Equal(0m, new StrategyResult { Strategy = "x" }.NetValueOverLastDays(30));

        // A window as long as the run is the run's net value, exactly as reported.
        Assert.Equal(result.NetValue, result.NetValueOverLastDays(3));
    }

    [Theory]
    [InlineData(0, "Days")]
    [InlineData(-5, "Days")]
    public void Invalid_options_name_the_field(int days, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => new SimulationRunner(LabRuns.Population(10), new SimulationOptions { Days = days }));
        Assert.Contains("SimulationOptions." + field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_control_group_is_a_stable_hash_bucket()
    {
        var ids = Enumerable.Range(0, 20_000).Select(PopulationGenerator.CustomerId).ToList();
        var share = ids.Count(id => ControlGroup.IsControl(id, 0.05)) / (double)ids.Count;

        Assert.InRange(share, 0.045, 0.055);
        Assert.All(ids.Take(100), id => Assert.Equal(ControlGroup.Bucket(id), ControlGroup.Bucket(new string(id.AsSpan()))));
        Assert.DoesNotContain(ids, id => ControlGroup.IsControl(id, 0));
    }

    private sealed class ListProgress(List<SimulationProgress> reports) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => reports.Add(value);
    }
}
