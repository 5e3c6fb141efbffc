using MarketingAutomation.Simulation;
using MarketingAutomation.Simulation.Tests.Runner;

namespace MarketingAutomation.Simulation.Tests.Strategies;

public class LabStrategyTests
{
    [Fact]
    public async Task Batch_and_blast_sends_only_on_tuesday_in_the_nine_oclock_hour_local_time()
    {
        var run = await LabRuns.GetAsync("batch-and-blast");
        var sent = run.World.Sent;

        Assert.NotEmpty(sent);
        foreach (var m in sent)
        {
            var local = m.At.InZone(run.World.Find(m.CustomerId)!.Customer.TimeZone!).LocalDateTime;
            Assert.True(local.DayOfWeek == IsoDayOfWeek.Tuesday && local.Hour == 9, $"{m.CustomerId} at {local}");
            Assert.Equal(ChannelKind.Email, m.Kind);
        }

        // Once a week: at most one newsletter per customer in a 10-day run that has one Tuesday... plus the next one when it fits.
        Assert.All(sent.GroupBy(m => m.CustomerId), g => Assert.True(g.Count() <= 2));
    }

    [Fact]
    public async Task Rule_based_flows_never_send_within_16_hours_of_another_message()
    {
        var run = await LabRuns.GetAsync("rule-based-flows");

        Assert.NotEmpty(run.World.Sent);
        foreach (var group in run.World.Sent.Where(m => m.Accepted).GroupBy(m => m.CustomerId))
        {
            var times = group.Select(m => m.At).Order().ToList();
            for (var i = 1; i < times.Count; i++)
            {
                Assert.True(times[i] - times[i - 1] >= Duration.FromHours(16), $"{group.Key}: {times[i - 1]} then {times[i]}");
            }
        }

        Assert.Subset(new HashSet<string> { "welcome", "win-back" }, run.Result.DecisionsByGoal.Keys.ToHashSet());
    }

    [Fact]
    public async Task The_oracle_uses_the_truth_and_sends_only_what_it_expects_to_pay()
    {
        var run = await LabRuns.GetAsync("oracle");

        Assert.NotEmpty(run.World.Sent);
        Assert.Contains(PromotionGoal.GoalId, run.Result.DecisionsByGoal.Keys);
        Assert.True(run.Result.NetValue > 0);
    }

    [Fact]
    public void The_registry_creates_every_baseline_by_name_and_names_the_known_ones_for_an_unknown_one()
    {
        Assert.Equal(["none", "batch-and-blast", "rule-based-flows", "default", "oracle"], LabStrategies.Names.Take(5));
        Assert.IsType<OracleStrategy>(LabStrategies.Create("ORACLE"));
        var error = Assert.Throws<ArgumentException>(() => LabStrategies.Create("adaptive-nope"));
        Assert.Contains("batch-and-blast", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_oracle_gets_the_runs_contact_costs()
    {
        var costs = new ContactCosts { AttentionCost = 0.5 };

        Assert.Same(costs, ((OracleStrategy)LabStrategies.Create("oracle", costs)).Costs);
    }

    [Fact]
    public void Smart_sending_wraps_a_goal_and_keeps_its_settings()
    {
        var inner = new WinBackGoal { Important = true };
        var goal = new SmartSendingGoal(inner, Duration.FromHours(16));

        Assert.Equal(inner.Id, goal.Id);
        Assert.Equal(inner.Priority, goal.Priority);
        Assert.True(goal.Important);
        Assert.Equal(inner.Variants, goal.Variants);
        Assert.Contains(new SmartSendingGoal(inner, Duration.Zero).Validate(), p => p.Contains("smart-sending Window", StringComparison.Ordinal));
    }
}
