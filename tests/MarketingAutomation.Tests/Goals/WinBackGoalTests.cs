using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Goals;

public sealed class WinBackGoalTests
{
    private readonly WinBackGoal _goal = new();

    private static CustomerContext Bought(Instant lastPurchase, params MessageRecord[] messages) =>
        Context(Reachable() with { Purchases = [Purchase("o-1", lastPurchase)] }, messages);

    private static MessageRecord WinBack(Instant at, MessageStatus status = MessageStatus.Sent) =>
        Message("win-back", "win-back-offer", at, status: status);

    [Fact]
    public void Defaults_AreSixtyDaysInactiveFourteenDaysCooldownTwoMessages()
    {
        Assert.Equal("win-back", _goal.Id);
        Assert.Equal(Duration.FromDays(60), _goal.InactiveFor);
        Assert.Equal(Duration.FromDays(14), _goal.Cooldown);
        Assert.Equal(2, _goal.MaxMessagesPerLapse);
        Assert.Equal(MessagePurpose.Marketing, _goal.Purpose);
        Assert.Empty(_goal.Validate());
    }

    [Fact]
    public void Propose_NeverPurchased_ProposesNothingAndDoesNotWake()
    {
        var sink = RecordingSink.Run(_goal, Context(Reachable() with { SignedUpAt = Now - Duration.FromDays(400) }), Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_PurchasedRecently_WakesWhenInactiveForHasPassed()
    {
        var last = Now - Duration.FromDays(59);

        var sink = RecordingSink.Run(_goal, Bought(last), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(last + Duration.FromDays(60), sink.Wake);
    }

    [Fact]
    public void Propose_InactiveExactlyInactiveFor_ProposesOffer()
    {
        var sink = RecordingSink.Run(_goal, Bought(Now - Duration.FromDays(60)), Now);

        Assert.Equal(["win-back-offer"], sink.ProposedIds);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_OneTickBeforeInactiveFor_DoesNotPropose()
    {
        var sink = RecordingSink.Run(_goal, Bought(Now - Duration.FromDays(60) + Duration.Epsilon), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(Now + Duration.Epsilon, sink.Wake);
    }

    [Fact]
    public void Propose_SeveralPurchases_MeasuresFromTheLatest()
    {
        var latest = Now - Duration.FromDays(10);
        var customer = Reachable() with
        {
            Purchases = [Purchase("o-1", Now - Duration.FromDays(200)), Purchase("o-3", latest), Purchase("o-2", Now - Duration.FromDays(100))],
        };

        var sink = RecordingSink.Run(_goal, Context(customer), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(latest + Duration.FromDays(60), sink.Wake);
    }

    [Fact]
    public void Propose_OneMessageInsideCooldown_WakesWhenCooldownEnds()
    {
        var sentAt = Now - Duration.FromDays(7);

        var sink = RecordingSink.Run(_goal, Bought(Now - Duration.FromDays(90), WinBack(sentAt)), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(sentAt + Duration.FromDays(14), sink.Wake);
    }

    [Fact]
    public void Propose_OneMessageCooldownAgo_ProposesSecondMessage()
    {
        var sink = RecordingSink.Run(_goal, Bought(Now - Duration.FromDays(90), WinBack(Now - Duration.FromDays(14))), Now);

        Assert.Equal(["win-back-offer"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_MaxMessagesSentThisLapse_ProposesNothingAndDoesNotWake()
    {
        var sink = RecordingSink.Run(
            _goal,
            Bought(Now - Duration.FromDays(200), WinBack(Now - Duration.FromDays(100)), WinBack(Now - Duration.FromDays(60))),
            Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_MessagesFromAnEarlierLapse_DoNotCountAfterANewPurchase()
    {
        var customer = Reachable() with
        {
            Purchases = [Purchase("o-1", Now - Duration.FromDays(300)), Purchase("o-2", Now - Duration.FromDays(61))],
        };
        var context = Context(customer, WinBack(Now - Duration.FromDays(200)), WinBack(Now - Duration.FromDays(180)));

        var sink = RecordingSink.Run(_goal, context, Now);

        Assert.Equal(["win-back-offer"], sink.ProposedIds);
    }

    [Theory]
    [InlineData(MessageStatus.Failed)]
    [InlineData(MessageStatus.Cancelled)]
    public void Propose_UndeliveredMessages_DoNotCountOrStartCooldown(MessageStatus status)
    {
        var sink = RecordingSink.Run(
            _goal,
            Bought(Now - Duration.FromDays(200), WinBack(Now - Duration.FromDays(2), status), WinBack(Now - Duration.FromDays(1), status)),
            Now);

        Assert.Equal(["win-back-offer"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_PendingMessage_CountsAndStartsCooldown()
    {
        var pendingAt = Now - Duration.FromHours(1);

        var sink = RecordingSink.Run(_goal, Bought(Now - Duration.FromDays(200), WinBack(pendingAt, MessageStatus.Pending)), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(pendingAt + Duration.FromDays(14), sink.Wake);
    }

    [Fact]
    public void Propose_MessagesOfOtherGoals_DoNotCount()
    {
        var other = Message("vip-recommendation", "vip-early-access", Now - Duration.FromDays(1));

        var sink = RecordingSink.Run(_goal, Bought(Now - Duration.FromDays(90), other), Now);

        Assert.Equal(["win-back-offer"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_CustomSettings_AreHonoured()
    {
        var goal = new WinBackGoal("lapsed") { InactiveFor = Duration.FromDays(30), Cooldown = Duration.FromDays(3), MaxMessagesPerLapse = 1 };
        var lastPurchase = Now - Duration.FromDays(40);

        var first = RecordingSink.Run(goal, Bought(lastPurchase), Now);
        var afterOne = RecordingSink.Run(goal, Bought(lastPurchase, Message("lapsed", "win-back-offer", Now - Duration.FromDays(5))), Now);

        Assert.Equal(["win-back-offer"], first.ProposedIds);
        Assert.Empty(afterOne.Proposed);
        Assert.Null(afterOne.Wake);
    }

    [Fact]
    public void Validate_NonPositiveInactiveForAndZeroMessages_ReportsBoth()
    {
        var goal = new WinBackGoal { InactiveFor = Duration.Zero, MaxMessagesPerLapse = 0 };

        var problems = goal.Validate().ToList();

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("InactiveFor", StringComparison.Ordinal) && p.Contains("positive", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("MaxMessagesPerLapse", StringComparison.Ordinal) && p.Contains("1 or more", StringComparison.Ordinal));
    }
}
