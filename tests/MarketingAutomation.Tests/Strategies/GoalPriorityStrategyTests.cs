using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Strategies;

public sealed class GoalPriorityStrategyTests
{
    private readonly GoalPriorityStrategy _strategy = new();

    private static (StrategyChoice Choice, double[] Scores) Choose(GoalPriorityStrategy strategy, params Candidate[] candidates)
    {
        var scores = new double[candidates.Length];
        var choice = strategy.Choose(new StrategyContext(Context(Reachable()), Now, candidates, scores));
        return (choice, scores);
    }

    [Fact]
    public void Name_IsGoalPriority() => Assert.Equal("goal-priority", _strategy.Name);

    [Fact]
    public void Choose_HigherPriorityWithLowerValue_BeatsHigherValue()
    {
        var urgent = TestCandidates.Goal("renewal", priority: 80, value: 1);
        var lucrative = TestCandidates.Goal("upsell", priority: 50, value: 100);

        var (choice, _) = Choose(_strategy, TestCandidates.For(lucrative, ChannelKind.Email), TestCandidates.For(urgent, ChannelKind.Email));

        Assert.Equal(1, choice.Index);
        Assert.Equal(1.0, choice.Confidence);
        Assert.Equal(1.0, choice.Propensity);
        Assert.False(choice.Exploratory);
    }

    [Fact]
    public void Choose_SamePriority_HigherValueWins()
    {
        var small = TestCandidates.Goal("small", value: 2);
        var big = TestCandidates.Goal("big", value: 8);

        var (choice, scores) = Choose(_strategy, TestCandidates.For(small, ChannelKind.Email), TestCandidates.For(big, ChannelKind.Email));

        Assert.Equal(1, choice.Index);
        Assert.Equal(8.0, choice.Score);
        Assert.Equal([2.0, 8.0], scores);
        Assert.Equal(0.75, choice.Confidence, 10);
    }

    [Fact]
    public void Choose_SameGoalOnEveryChannelKind_FollowsChannelPreferenceAndFillsScores()
    {
        var goal = TestCandidates.Goal("promo", value: 10);
        var kinds = new[] { ChannelKind.Webhook, ChannelKind.Sms, ChannelKind.Push, ChannelKind.InApp, ChannelKind.Email };

        var (choice, scores) = Choose(_strategy, [.. kinds.Select(k => TestCandidates.For(goal, k))]);

        Assert.Equal(4, choice.Index);
        Assert.Equal([8.0, 8.5, 9.0, 9.5, 10.0], scores.Select(s => Math.Round(s, 10)));
        Assert.Equal(1.0, choice.Confidence);
    }

    [Fact]
    public void Choose_ChannelAlternativesOfOneGoal_KeepFullConfidence()
    {
        var goal = TestCandidates.Goal("promo", value: 10);

        var (choice, _) = Choose(_strategy, TestCandidates.For(goal, ChannelKind.Sms), TestCandidates.For(goal, ChannelKind.Email), TestCandidates.For(goal, ChannelKind.Push));

        Assert.Equal(1, choice.Index);
        Assert.Equal(1.0, choice.Confidence);
        Assert.Equal(1.0, choice.Propensity);
    }

    [Fact]
    public void Choose_TwoSamePriorityGoalsOfSimilarValue_HasLowConfidence()
    {
        var a = TestCandidates.Goal("a", value: 10);
        var b = TestCandidates.Goal("b", value: 9);

        var (choice, _) = Choose(_strategy, TestCandidates.For(a, ChannelKind.Email), TestCandidates.For(b, ChannelKind.Email));

        Assert.Equal(0, choice.Index);
        Assert.Equal(0.1, choice.Confidence, 10);
        Assert.True(choice.Confidence < new MarketingAutomationOptions().ReviewConfidenceThreshold);
    }

    [Fact]
    public void Choose_RivalOnlyOnALessPreferredChannel_ComparesChannelWeightedValues()
    {
        var a = TestCandidates.Goal("a", value: 10);
        var b = TestCandidates.Goal("b", value: 10);

        var (choice, _) = Choose(_strategy, TestCandidates.For(b, ChannelKind.Sms), TestCandidates.For(a, ChannelKind.Email));

        Assert.Equal(1, choice.Index);
        Assert.Equal(0.15, choice.Confidence, 10);
    }

    [Fact]
    public void Choose_RivalOfLowerPriority_DoesNotLowerConfidence()
    {
        var winner = TestCandidates.Goal("winner", priority: 60, value: 5);
        var rival = TestCandidates.Goal("rival", priority: 59, value: 50);

        var (choice, _) = Choose(_strategy, TestCandidates.For(rival, ChannelKind.Email), TestCandidates.For(winner, ChannelKind.Sms));

        Assert.Equal(1, choice.Index);
        Assert.Equal(1.0, choice.Confidence);
    }

    [Fact]
    public void Choose_ExactTie_EarlierCandidateWinsWithZeroConfidence()
    {
        var a = TestCandidates.Goal("a", value: 4);
        var b = TestCandidates.Goal("b", value: 4);

        var (choice, _) = Choose(_strategy, TestCandidates.For(a, ChannelKind.Email), TestCandidates.For(b, ChannelKind.Email));

        Assert.Equal(0, choice.Index);
        Assert.Equal(0.0, choice.Confidence);
    }

    [Fact]
    public void Choose_VariantWeight_MultipliesValue()
    {
        var goal = TestCandidates.Goal("promo", value: 10);

        var (choice, scores) = Choose(_strategy, TestCandidates.For(goal, ChannelKind.Email, weight: 0.5), TestCandidates.For(goal, ChannelKind.Sms, weight: 2));

        Assert.Equal(1, choice.Index);
        Assert.Equal(5.0, scores[0], 10);
        Assert.Equal(17.0, scores[1], 10);
    }

    [Fact]
    public void Choose_CustomChannelPreference_IsUsed()
    {
        var strategy = new GoalPriorityStrategy { ChannelPreference = [0.5, 1.0] };
        var goal = TestCandidates.Goal("promo", value: 10);

        var (choice, scores) = Choose(strategy, TestCandidates.For(goal, ChannelKind.Email), TestCandidates.For(goal, ChannelKind.Sms), TestCandidates.For(goal, ChannelKind.Push));

        // Kinds beyond the preference list weigh 1.0; the first of equal best scores wins.
        Assert.Equal([5.0, 10.0, 10.0], scores);
        Assert.Equal(1, choice.Index);
    }

    [Fact]
    public void Choose_SingleCandidate_IsChosenWithFullConfidence()
    {
        var (choice, scores) = Choose(_strategy, TestCandidates.For(TestCandidates.Goal("only", value: 3), ChannelKind.Email));

        Assert.Equal(0, choice.Index);
        Assert.Equal(3.0, choice.Score);
        Assert.Equal(3.0, scores[0]);
        Assert.Equal(1.0, choice.Confidence);
        Assert.Null(choice.ReasonCode);
    }

    [Fact]
    public void Choose_ZeroValueGoals_ChoosesByPriority()
    {
        var (choice, _) = Choose(
            _strategy,
            TestCandidates.For(TestCandidates.Goal("free", priority: 10, value: 0), ChannelKind.Email),
            TestCandidates.For(TestCandidates.Goal("free-urgent", priority: 90, value: 0), ChannelKind.Email));

        Assert.Equal(1, choice.Index);
        Assert.Equal(1.0, choice.Confidence);
    }

    [Fact]
    public void GetService_ReturnsItselfForItsTypes_AndNullOtherwise()
    {
        Assert.Same(_strategy, _strategy.GetService(typeof(GoalPriorityStrategy)));
        Assert.Same(_strategy, _strategy.GetService(typeof(IDecisionStrategy)));
        Assert.Null(_strategy.GetService(typeof(GoalPriorityStrategy), "key"));
        Assert.Null(_strategy.GetService(typeof(string)));
    }

    [Fact]
    public void Learn_DoesNotChangeChoices()
    {
        var a = TestCandidates.Goal("a", value: 2);
        var b = TestCandidates.Goal("b", value: 8);
        var before = Choose(_strategy, TestCandidates.For(a, ChannelKind.Email), TestCandidates.For(b, ChannelKind.Email)).Choice;

        for (var i = 0; i < 10; i++)
        {
            _strategy.Learn(new DecisionFeedback(Guid.NewGuid(), "c1", FeedbackKind.Converted, Now) { GoalId = "a", Value = 1000m });
        }

        var after = Choose(_strategy, TestCandidates.For(a, ChannelKind.Email), TestCandidates.For(b, ChannelKind.Email)).Choice;
        Assert.Equal(before, after);
    }
}
