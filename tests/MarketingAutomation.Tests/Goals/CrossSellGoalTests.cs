using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Goals;

public sealed class CrossSellGoalTests
{
    private static readonly ContentVariant Socks = new("socks") { Subject = "Socks for your new shoes", Body = "Add socks." };
    private static readonly ContentVariant Case = new("phone-case") { Body = "Protect your phone." };

    private readonly CrossSellGoal _goal = new([new CrossSellRule("running-shoes", "running-socks", Socks), new CrossSellRule("PHONE-1", "cases", Case)]);

    private static CustomerContext Bought(params Purchase[] purchases) => Context(Reachable() with { Purchases = [.. purchases] });

    private static Purchase Shoes(Instant at, string orderId = "o-shoes") => Purchase(orderId, at, 120m, ("SHOE-42", "running-shoes"));

    [Fact]
    public void Constructor_CollectsDistinctRuleVariants_WithDefaults()
    {
        var goal = new CrossSellGoal([new CrossSellRule("a", "b", Socks), new CrossSellRule("c", "d", Socks), new CrossSellRule("e", "f", Case)]);

        Assert.Equal("cross-sell", goal.Id);
        Assert.Equal(["socks", "phone-case"], goal.Variants.Select(v => v.Id));
        Assert.Equal(Duration.FromDays(3), goal.Delay);
        Assert.Equal(Duration.FromDays(30), goal.Lookback);
        Assert.Empty(goal.Validate());
    }

    [Fact]
    public void Propose_NoPurchases_ProposesNothingAndDoesNotWake()
    {
        var sink = RecordingSink.Run(_goal, Context(Reachable()), Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_PurchaseOfUnrelatedItem_ProposesNothing()
    {
        var sink = RecordingSink.Run(_goal, Bought(Purchase("o-1", Now - Duration.FromDays(5), 10m, ("MUG-1", "kitchen"))), Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_InsideDelay_WakesWhenDelayEnds()
    {
        var boughtAt = Now - Duration.FromDays(1);

        var sink = RecordingSink.Run(_goal, Bought(Shoes(boughtAt)), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(boughtAt + Duration.FromDays(3), sink.Wake);
    }

    [Fact]
    public void Propose_ExactlyAfterDelay_ProposesSuggestion()
    {
        var sink = RecordingSink.Run(_goal, Bought(Shoes(Now - Duration.FromDays(3))), Now);

        Assert.Equal(["socks"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_MatchesRuleBySku()
    {
        var sink = RecordingSink.Run(_goal, Bought(Purchase("o-1", Now - Duration.FromDays(4), 900m, ("PHONE-1", "phones"))), Now);

        Assert.Equal(["phone-case"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_ExactlyAtLookback_StillProposes()
    {
        var sink = RecordingSink.Run(_goal, Bought(Shoes(Now - Duration.FromDays(30))), Now);

        Assert.Equal(["socks"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_AfterLookback_ProposesNothingAndDoesNotWake()
    {
        var sink = RecordingSink.Run(_goal, Bought(Shoes(Now - Duration.FromDays(30) - Duration.Epsilon)), Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_SuggestedItemBoughtSince_ProposesNothing()
    {
        var sink = RecordingSink.Run(
            _goal,
            Bought(Shoes(Now - Duration.FromDays(5)), Purchase("o-socks", Now - Duration.FromDays(4), 9m, ("SOCK-1", "running-socks"))),
            Now);

        Assert.Empty(sink.Proposed);
    }

    [Fact]
    public void Propose_SuggestedItemBoughtInSamePurchase_ProposesNothing()
    {
        var both = Purchase("o-1", Now - Duration.FromDays(5), 130m, ("SHOE-42", "running-shoes"), ("SOCK-1", "running-socks"));

        var sink = RecordingSink.Run(_goal, Bought(both), Now);

        Assert.Empty(sink.Proposed);
    }

    [Fact]
    public void Propose_SuggestedItemBoughtOnlyBeforeTrigger_StillProposes()
    {
        var sink = RecordingSink.Run(
            _goal,
            Bought(Purchase("o-socks", Now - Duration.FromDays(20), 9m, ("SOCK-1", "running-socks")), Shoes(Now - Duration.FromDays(5))),
            Now);

        Assert.Equal(["socks"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_AlreadySuggestedForThisPurchase_ProposesNothing()
    {
        var boughtAt = Now - Duration.FromDays(5);
        var context = Bought(Shoes(boughtAt)) with { Messages = [Message("cross-sell", "socks", boughtAt + Duration.FromDays(3))] };

        var sink = RecordingSink.Run(_goal, context, Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_SuggestionFailedToSend_ProposesAgain()
    {
        var boughtAt = Now - Duration.FromDays(5);
        var context = Bought(Shoes(boughtAt)) with { Messages = [Message("cross-sell", "socks", boughtAt + Duration.FromDays(3), status: MessageStatus.Failed)] };

        var sink = RecordingSink.Run(_goal, context, Now);

        Assert.Equal(["socks"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_SuggestedForAnEarlierPurchase_ProposesAgainForTheNewPurchase()
    {
        var first = Now - Duration.FromDays(25);
        var second = Now - Duration.FromDays(4);
        var context = Bought(Shoes(first, "o-1"), Shoes(second, "o-2")) with { Messages = [Message("cross-sell", "socks", first + Duration.FromDays(3))] };

        var sink = RecordingSink.Run(_goal, context, Now);

        Assert.Equal(["socks"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_SameVariantFromAnotherGoal_DoesNotCountAsSuggested()
    {
        var boughtAt = Now - Duration.FromDays(5);
        var context = Bought(Shoes(boughtAt)) with { Messages = [Message("other-goal", "socks", boughtAt + Duration.FromDays(1))] };

        var sink = RecordingSink.Run(_goal, context, Now);

        Assert.Equal(["socks"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_TwoRulesTriggered_ProposesBothAndWakesForPending()
    {
        var phoneAt = Now - Duration.FromDays(1);
        var context = Bought(Shoes(Now - Duration.FromDays(4)), Purchase("o-2", phoneAt, 900m, ("PHONE-1", "phones")));

        var sink = RecordingSink.Run(_goal, context, Now);

        Assert.Equal(["socks"], sink.ProposedIds);
        Assert.Equal(phoneAt + Duration.FromDays(3), sink.Wake);
    }

    [Fact]
    public void Propose_CustomDelayAndLookback_AreHonoured()
    {
        var goal = new CrossSellGoal([new CrossSellRule("running-shoes", "running-socks", Socks)], "quick") { Delay = Duration.FromHours(2), Lookback = Duration.FromDays(2) };

        var early = RecordingSink.Run(goal, Bought(Shoes(Now - Duration.FromHours(1))), Now);
        var due = RecordingSink.Run(goal, Bought(Shoes(Now - Duration.FromHours(2))), Now);
        var late = RecordingSink.Run(goal, Bought(Shoes(Now - Duration.FromDays(3))), Now);

        Assert.Equal(Now + Duration.FromHours(1), early.Wake);
        Assert.Equal(["socks"], due.ProposedIds);
        Assert.Empty(late.Proposed);
    }

    [Fact]
    public void Validate_NoRules_ReportsRulesAndVariants()
    {
        var goal = new CrossSellGoal([]);

        var problems = goal.Validate().ToList();

        Assert.Contains(problems, p => p.Contains("no cross-sell rules", StringComparison.Ordinal) && p.Contains("CrossSellRule", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Variants", StringComparison.Ordinal));
    }
}
