using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Goals;

public sealed class VipRecommendationGoalTests
{
    private readonly VipRecommendationGoal _goal = new();

    private static CustomerContext Spent(decimal total, params MessageRecord[] messages) =>
        Context(
            Reachable() with { Purchases = [Purchase("o-1", Now - Duration.FromDays(100), total / 2), Purchase("o-2", Now - Duration.FromDays(50), total - (total / 2))] },
            messages);

    private static MessageRecord Vip(Instant at, MessageStatus status = MessageStatus.Sent) =>
        Message("vip-recommendation", "vip-early-access", at, status: status);

    [Fact]
    public void Defaults_AreOneThousandEveryThirtyDays()
    {
        Assert.Equal("vip-recommendation", _goal.Id);
        Assert.Equal(1000m, _goal.MinimumLifetimeValue);
        Assert.Equal(Duration.FromDays(30), _goal.Interval);
        Assert.Empty(_goal.Validate());
    }

    [Fact]
    public void Propose_BelowThreshold_ProposesNothingAndDoesNotWake()
    {
        var sink = RecordingSink.Run(_goal, Spent(999.99m), Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_ExactlyAtThreshold_Proposes()
    {
        var sink = RecordingSink.Run(_goal, Spent(1000m), Now);

        Assert.Equal(["vip-early-access"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_NoPurchases_ProposesNothing()
    {
        var sink = RecordingSink.Run(_goal, Context(Reachable()), Now);

        Assert.Empty(sink.Proposed);
    }

    [Fact]
    public void Propose_RecommendedInsideInterval_WakesWhenIntervalEnds()
    {
        var last = Now - Duration.FromDays(10);

        var sink = RecordingSink.Run(_goal, Spent(5000m, Vip(last)), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(last + Duration.FromDays(30), sink.Wake);
    }

    [Fact]
    public void Propose_RecommendedExactlyIntervalAgo_ProposesAgain()
    {
        var sink = RecordingSink.Run(_goal, Spent(5000m, Vip(Now - Duration.FromDays(30))), Now);

        Assert.Equal(["vip-early-access"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_IntervalMeasuredFromNewestRecommendation()
    {
        var newest = Now - Duration.FromDays(5);

        var sink = RecordingSink.Run(_goal, Spent(5000m, Vip(Now - Duration.FromDays(40)), Vip(newest)), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(newest + Duration.FromDays(30), sink.Wake);
    }

    [Fact]
    public void Propose_FailedRecommendation_DoesNotStartInterval()
    {
        var sink = RecordingSink.Run(_goal, Spent(5000m, Vip(Now - Duration.FromDays(1), MessageStatus.Failed)), Now);

        Assert.Equal(["vip-early-access"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_CustomThresholdAndInterval_AreHonoured()
    {
        var goal = new VipRecommendationGoal("gold") { MinimumLifetimeValue = 200m, Interval = Duration.FromDays(7) };

        var below = RecordingSink.Run(goal, Spent(199m), Now);
        var above = RecordingSink.Run(goal, Spent(200m), Now);
        var inside = RecordingSink.Run(goal, Spent(300m, Message("gold", "vip-early-access", Now - Duration.FromDays(6))), Now);

        Assert.Empty(below.Proposed);
        Assert.Equal(["vip-early-access"], above.ProposedIds);
        Assert.Equal(Now + Duration.FromDays(1), inside.Wake);
    }
}
