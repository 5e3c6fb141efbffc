using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies.Caps;

/// <summary>Which message wins when the slot is taken (issue "Hard rules", item 4), and that rules beat the strategy.</summary>
public sealed class CapBindingTests
{
    private static Customer LapsedVip() => Reachable() with
    {
        Purchases = [Purchase("o-1", Now - Duration.FromDays(90), 2000m, ("shoe-1", "running-shoes"))],
    };

    [Fact]
    public void Decide_TwoGoalsWantTheSlot_HigherPriorityWinsAndTheOtherIsCapBoundOnTheTrace()
    {
        using var harness = new EngineHarness(b => b.AddWinBack().AddVipRecommendation().AddConsentPolicy().AddFrequencyCap(1, Duration.FromDays(1)));

        var result = harness.DecideOne(Context(LapsedVip()));

        Assert.Equal(DecisionOutcome.Send, result.Outcome);
        Assert.Equal("win-back", result.Chosen.Goal.Id); // priority 50 beats 40
        var trace = result.Trace!;
        Assert.Equal(ReasonCodes.Selected, trace.Chosen!.ReasonCode);
        Assert.All(trace.Candidates.Where(c => c.GoalId == "vip-recommendation" && c.Allowed), c => Assert.Equal(ReasonCodes.CapBound, c.ReasonCode));
        Assert.All(trace.Candidates.Where(c => c.GoalId == "win-back" && c.Allowed && c != trace.Chosen), c => Assert.Equal(ReasonCodes.AlternativeChannel, c.ReasonCode));
        Assert.Contains("(CapBound)", trace.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SamePriority_HigherValueWinsDeterministically()
    {
        using var harness = new EngineHarness(b => b
            .AddWinBack(new WinBackGoal { Priority = 40, Value = 5 })
            .AddVipRecommendation(new VipRecommendationGoal { Priority = 40, Value = 9 })
            .AddConsentPolicy());

        var first = harness.DecideOne(Context(LapsedVip()));
        var second = harness.DecideOne(Context(LapsedVip()));

        Assert.Equal("vip-recommendation", first.Chosen.Goal.Id);
        Assert.Equal(first.Chosen.ToString(), second.Chosen.ToString());
        Assert.Equal(ReasonCodes.CapBound, first.Trace!.Candidates.First(c => c.GoalId == "win-back" && c.Allowed).ReasonCode);
    }

    [Fact]
    public void Decide_BlockedCandidate_CarriesTheBlockingCode()
    {
        using var harness = new EngineHarness(b => b.AddWinBack().AddConsentPolicy());
        var customer = LapsedVip() with
        {
            Consents = [Consent(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.Express, Now - Duration.FromDays(365)), Consent(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.Express, Now - Duration.FromDays(365))],
        };

        var trace = harness.DecideOne(Context(customer)).Trace!;

        Assert.Equal(ReasonCodes.NoConsent, trace.Candidates.Single(c => c.Channel == "sms").ReasonCode);
    }

    /// <summary>A strategy that prefers SMS above all and even tries to pick outside what it was given.</summary>
    private sealed class GreedySmsStrategy(bool outOfRange) : IDecisionStrategy
    {
        public List<string> Seen { get; } = [];

        public string Name => "greedy-sms";

        public StrategyChoice Choose(StrategyContext context)
        {
            var best = 0;
            for (var i = 0; i < context.Candidates.Length; i++)
            {
                Seen.Add(context.Candidates[i].Channel.Name);
                context.Scores[i] = context.Candidates[i].Channel.Kind == ChannelKind.Sms ? 1000 : 1;
                if (context.Scores[i] > context.Scores[best])
                {
                    best = i;
                }
            }

            return new StrategyChoice(outOfRange ? context.Candidates.Length + 3 : best, 1000, 1, 1);
        }

        public void Learn(DecisionFeedback feedback)
        {
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
    }

    [Fact]
    public void Decide_StrategyScoresAForbiddenCandidateHighest_ItIsNeverOfferedNorSent()
    {
        var strategy = new GreedySmsStrategy(outOfRange: false);
        using var harness = new EngineHarness(b => b.AddWinBack().AddConsentPolicy().SetDecisionStrategy(strategy));
        var customer = LapsedVip() with
        {
            Consents = [Consent(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.Express, Now - Duration.FromDays(365)), Consent(ChannelKind.Sms, ConsentStatus.Revoked, ConsentBasis.None, Now - Duration.FromDays(1))],
        };

        var result = harness.DecideOne(Context(customer));

        Assert.DoesNotContain("sms", strategy.Seen);
        Assert.Equal("email", result.Chosen.Channel.Name);
    }

    [Fact]
    public void Decide_StrategyReturnsAnIndexOutsideTheAllowedSet_NothingIsSent()
    {
        var strategy = new GreedySmsStrategy(outOfRange: true);
        using var harness = new EngineHarness(b => b.AddWinBack().AddConsentPolicy().SetDecisionStrategy(strategy));

        var result = harness.DecideOne(Context(LapsedVip()));

        Assert.Equal(DecisionOutcome.NoAction, result.Outcome);
        Assert.True(result.Chosen.IsNoAction);
    }
}
