using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Goals;

public sealed class RenewalReminderGoalTests
{
    private readonly RenewalReminderGoal _goal = new();

    private static CustomerContext Subscribed(Subscription subscription, params MessageRecord[] messages) =>
        Context(Reachable() with { Subscriptions = [subscription] }, messages);

    private static Subscription Renews(Instant at) => new("pro", at - Duration.FromDays(365)) { RenewsAt = at };

    private static MessageRecord Reminder(Instant at, MessageStatus status = MessageStatus.Sent) =>
        Message("renewal-reminder", "renewal-notice", at, status: status, purpose: MessagePurpose.Transactional);

    [Fact]
    public void Defaults_AreTransactionalHighPrioritySevenDaysBefore()
    {
        Assert.Equal("renewal-reminder", _goal.Id);
        Assert.Equal(MessagePurpose.Transactional, _goal.Purpose);
        Assert.Equal(80, _goal.Priority);
        Assert.Equal(Duration.FromDays(7), _goal.Before);
        Assert.Equal(["renewal-notice"], _goal.Variants.Select(v => v.Id));
        Assert.Empty(_goal.Validate());
    }

    [Fact]
    public void Propose_NoSubscription_ProposesNothingAndDoesNotWake()
    {
        var sink = RecordingSink.Run(_goal, Context(Reachable()), Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_BeforeWindow_WakesWhenWindowOpens()
    {
        var renewsAt = Now + Duration.FromDays(8);

        var sink = RecordingSink.Run(_goal, Subscribed(Renews(renewsAt)), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(renewsAt - Duration.FromDays(7), sink.Wake);
    }

    [Fact]
    public void Propose_WindowOpensNow_ProposesReminder()
    {
        var sink = RecordingSink.Run(_goal, Subscribed(Renews(Now + Duration.FromDays(7))), Now);

        Assert.Equal(["renewal-notice"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_InsideWindow_ProposesReminder()
    {
        var sink = RecordingSink.Run(_goal, Subscribed(Renews(Now + Duration.FromDays(2))), Now);

        Assert.Equal(["renewal-notice"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_RenewalReachedOrPassed_ProposesNothing()
    {
        var atRenewal = RecordingSink.Run(_goal, Subscribed(Renews(Now)), Now);
        var after = RecordingSink.Run(_goal, Subscribed(Renews(Now - Duration.FromDays(1))), Now);

        Assert.Empty(atRenewal.Proposed);
        Assert.Empty(after.Proposed);
        Assert.Null(after.Wake);
    }

    [Fact]
    public void Propose_ExpiringWithoutRenewal_UsesExpiry()
    {
        var expires = Now + Duration.FromDays(3);

        var sink = RecordingSink.Run(_goal, Subscribed(new Subscription("trial", Now - Duration.FromDays(11)) { ExpiresAt = expires }), Now);

        Assert.Equal(["renewal-notice"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_NeitherRenewalNorExpiry_ProposesNothing()
    {
        var sink = RecordingSink.Run(_goal, Subscribed(new Subscription("lifetime", Now - Duration.FromDays(11))), Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_CancelledSubscription_IsIgnored()
    {
        var cancelled = Renews(Now + Duration.FromDays(2)) with { CancelledAt = Now - Duration.FromDays(10) };
        var cancelledLater = Renews(Now + Duration.FromDays(20)) with { CancelledAt = Now - Duration.FromDays(10) };

        var inWindow = RecordingSink.Run(_goal, Subscribed(cancelled), Now);
        var beforeWindow = RecordingSink.Run(_goal, Subscribed(cancelledLater), Now);

        Assert.Empty(inWindow.Proposed);
        Assert.Empty(beforeWindow.Proposed);
        Assert.Null(beforeWindow.Wake);
    }

    [Fact]
    public void Propose_AlreadyRemindedForThisRenewal_ProposesNothing()
    {
        var renewsAt = Now + Duration.FromDays(3);

        var sink = RecordingSink.Run(_goal, Subscribed(Renews(renewsAt), Reminder(renewsAt - Duration.FromDays(7))), Now);

        Assert.Empty(sink.Proposed);
    }

    [Fact]
    public void Propose_RemindedForThePreviousRenewal_ProposesAgain()
    {
        var renewsAt = Now + Duration.FromDays(3);

        var sink = RecordingSink.Run(_goal, Subscribed(Renews(renewsAt), Reminder(renewsAt - Duration.FromDays(7) - Duration.Epsilon)), Now);

        Assert.Equal(["renewal-notice"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_ReminderFailedToSend_ProposesAgain()
    {
        var renewsAt = Now + Duration.FromDays(3);

        var sink = RecordingSink.Run(_goal, Subscribed(Renews(renewsAt), Reminder(Now - Duration.FromDays(1), MessageStatus.Failed)), Now);

        Assert.Equal(["renewal-notice"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_TwoSubscriptionsInWindow_ProposesOnce()
    {
        var customer = Reachable() with { Subscriptions = [Renews(Now + Duration.FromDays(2)), Renews(Now + Duration.FromDays(4)) with { Plan = "addon" }] };

        var sink = RecordingSink.Run(_goal, Context(customer), Now);

        Assert.Equal(["renewal-notice"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_OneDueOneLater_ProposesAndWakesForTheLaterOne()
    {
        var later = Now + Duration.FromDays(30);
        var customer = Reachable() with { Subscriptions = [Renews(Now + Duration.FromDays(2)), Renews(later) with { Plan = "addon" }] };

        var sink = RecordingSink.Run(_goal, Context(customer), Now);

        Assert.Equal(["renewal-notice"], sink.ProposedIds);
        Assert.Equal(later - Duration.FromDays(7), sink.Wake);
    }

    [Fact]
    public void Propose_CustomBefore_IsHonoured()
    {
        var goal = new RenewalReminderGoal("renewal-3d") { Before = Duration.FromDays(3) };

        var early = RecordingSink.Run(goal, Subscribed(Renews(Now + Duration.FromDays(4))), Now);
        var due = RecordingSink.Run(goal, Subscribed(Renews(Now + Duration.FromDays(3))), Now);

        Assert.Equal(Now + Duration.FromDays(1), early.Wake);
        Assert.Equal(["renewal-notice"], due.ProposedIds);
    }
}
