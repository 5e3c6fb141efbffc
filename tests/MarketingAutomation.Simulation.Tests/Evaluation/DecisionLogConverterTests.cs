using MarketingAutomation.Simulation;

namespace MarketingAutomation.Simulation.Tests.Evaluation;

public class DecisionLogConverterTests
{
    private static DecisionTrace Trace(string customer, double propensity, int chosen, params CandidateTrace[] candidates) =>
        new(Guid.NewGuid(), customer, Instant.FromUnixTimeSeconds(1_700_000_000), DecisionOutcome.Send, ReasonCodes.Selected)
        {
            Candidates = [.. candidates],
            ChosenIndex = chosen,
            Propensity = propensity,
        };

    private static CandidateTrace Candidate(string goal, string variant, string channel) => new(goal, variant, channel, null, []) { Allowed = true };

    [Fact]
    public void Converts_traces_with_action_indices_and_customer_ids()
    {
        var converter = new DecisionLogConverter();
        var welcome = Candidate("welcome", "v1", "email");
        var winback = Candidate("winback", "v2", "sms");
        var a = converter.Convert(Trace("c1", 0.8, 0, welcome, winback), reward: 1);
        var b = converter.Convert(Trace("c2", 0.2, 1, welcome, winback), reward: 0, context: 3);
        var c = converter.Convert(Trace("c3", 1.0, -1), reward: 0);

        Assert.Equal(["welcome/v1@email", "winback/v2@sms", DecisionLogConverter.NoAction], converter.Actions);
        Assert.Equal(new LoggedDecision(0, 0, 0.8, 1) { ContextId = "c1" }, a);
        Assert.Equal(1, b.Action);
        Assert.Equal(3, b.Context);
        Assert.Equal(0.2, b.Propensity);
        Assert.Equal(2, c.Action);

        var report = OffPolicyEstimators.Evaluate([a, b, c], TargetPolicy.Always("always-welcome", converter.Actions.Count, converter.IndexOf("welcome/v1@email")), RewardModel.Zero, new BootstrapOptions { Resamples = 10 });
        Assert.Equal(1.0 / 0.8 / 3, report.Ips.Value, 12);
    }

    [Fact]
    public void A_trace_without_a_propensity_is_rejected_naming_the_field()
    {
        var converter = new DecisionLogConverter();
        var trace = Trace("c1", 0, 0, Candidate("g", "v", "email"));
        var ex = Assert.Throws<ArgumentException>(() => converter.Convert(trace, 1));
        Assert.Contains("Propensity", ex.Message, StringComparison.Ordinal);
        Assert.Contains(trace.DecisionId.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => converter.Convert(Trace("c1", 0.5, 0, Candidate("g", "v", "email")), double.NaN));
    }
}
