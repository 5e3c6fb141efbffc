using System.Globalization;
using MarketingAutomation.Tests.Support;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Agent;

/// <summary>Every decision, "no action" included, reaches the registered decision logs with the strategy's propensity (for off-policy evaluation).</summary>
public sealed class DecisionLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_decision_with_its_propensity_reaches_every_log_and_a_failing_log_stops_nothing()
    {
        var probe = new ProbeGoal { ProposeWhen = (c, _) => int.Parse(c.Id.AsSpan(2), CultureInfo.InvariantCulture) % 3 == 0 };
        var log = new CollectingLog();
        await using var t = TestAgent.Create(b => b.AddGoal(probe).AddDecisionLog(new ThrowingLog()).AddDecisionLog(log));
        await t.ImportAsync([.. Enumerable.Range(0, 30).Select(i => WithEmail($"c-{i:D2}"))]);

        var result = await t.Agent.DecideDueAsync(TestAgent.Start, Ct);

        Assert.Equal(30, result.Evaluated);
        Assert.Equal(30, log.Entries.Count);
        Assert.Equal(10, result.Scheduled);
        Assert.All(log.Entries, e => Assert.Equal(TestAgent.Start, e.Now));
        var sends = log.Entries.Where(e => e.Outcome == DecisionOutcome.Send).ToList();
        Assert.Equal(10, sends.Count);
        Assert.All(sends, e => Assert.NotEqual(Guid.Empty, e.DecisionId));

        // The goal-priority strategy is deterministic: the probability of its choice is 1.
        Assert.All(sends, e => Assert.Equal(1.0, e.Propensity));
        Assert.Equal(20, log.Entries.Count(e => e.Outcome == DecisionOutcome.NoAction));
        Assert.Equal(30, log.Entries.Select(e => e.CustomerId).Distinct().Count());
    }

    private sealed record Entry(string CustomerId, DecisionOutcome Outcome, Guid DecisionId, double Propensity, Instant Now);

    private sealed class CollectingLog : IDecisionLog
    {
        public List<Entry> Entries { get; } = [];

        public void Record(ReadOnlySpan<DecisionResult> results, Instant now)
        {
            lock (Entries)
            {
                foreach (var r in results)
                {
                    Entries.Add(new Entry(r.Customer.Id, r.Outcome, r.DecisionId, r.Choice.Propensity, now));
                }
            }
        }
    }

    private sealed class ThrowingLog : IDecisionLog
    {
        public void Record(ReadOnlySpan<DecisionResult> results, Instant now) => throw new InvalidOperationException("log is down");
    }
}
