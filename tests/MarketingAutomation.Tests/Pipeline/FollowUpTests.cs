using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Pipeline;

/// <summary>Follow-ups: a sent important message without engagement after its window is proposed again on the goal's other channels, once.</summary>
public sealed class FollowUpTests
{
    private static readonly Duration Window = Duration.FromDays(2);

    /// <summary>An important goal that never proposes by itself, so every candidate in these tests is a follow-up.</summary>
    private static StubGoal Onboarding(bool important = true, Duration? window = null) =>
        new("onboarding", new ContentVariant("onboarding-v") { Subject = "Finish setting up", Body = "Finish setting up your account.", ShortBody = "Finish setup." })
        {
            Important = important,
            FollowUpAfter = window ?? Window,
            Channels = [ChannelKind.Email, ChannelKind.Sms],
            When = (_, _) => false,
        };

    private static MessageRecord Original(Instant scheduledAt, MessageStatus status = MessageStatus.Sent) =>
        Message("onboarding", "onboarding-v", scheduledAt, ChannelKind.Email, status) with { Important = true, FollowUpAfter = Window };

    private static EngineHarness Harness(bool important = true) => new(b => b.AddGoal(Onboarding(important)).AddConsentPolicy());

    [Fact]
    public void Decide_ImportantMessageIgnoredPastWindow_ProposesSameVariantOnAnotherChannel()
    {
        using var harness = Harness();
        var original = Original(Now - Window - Duration.FromHours(1));

        var result = harness.DecideOne(Context(Reachable(), original));

        Assert.Equal(DecisionOutcome.Send, result.Outcome);
        Assert.Equal("sms", result.Chosen.Channel.Name);
        Assert.Equal("onboarding-v", result.Chosen.Variant.Id);
        Assert.Equal(original.DecisionId, result.Chosen.FollowUpOf);
        var candidate = Assert.Single(result.Trace!.Candidates);
        Assert.Equal(original.DecisionId, candidate.FollowUpOf);
        Assert.Equal(1, Assert.Single(result.Trace.Goals).Proposals);
        Assert.Contains($"follow-up of {original.DecisionId}", result.Trace.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ExactlyAtWindowEnd_ProposesFollowUp()
    {
        using var harness = Harness();
        var original = Original(Now - Window);

        var result = harness.DecideOne(Context(Reachable(), original));

        Assert.Equal(original.DecisionId, result.Chosen.FollowUpOf);
    }

    [Fact]
    public void Decide_InsideWindow_WaitsUntilWindowEnds()
    {
        using var harness = new EngineHarness(b => b.AddGoal(Onboarding(window: Duration.FromHours(12))).AddConsentPolicy());
        var original = Original(Now - Duration.FromHours(4)) with { FollowUpAfter = Duration.FromHours(12) };

        var result = harness.DecideOne(Context(Reachable(), original));

        Assert.Equal(DecisionOutcome.NoAction, result.Outcome);
        Assert.Equal(ReasonCodes.NoGoalTriggered, result.ReasonCode);
        Assert.Equal(Now + Duration.FromHours(8), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_Engaged_ProposesNoFollowUp()
    {
        using var harness = Harness();
        var original = Original(Now - Window - Duration.FromHours(1)) with { EngagedAt = Now - Window };

        var result = harness.DecideOne(Context(Reachable(), original));

        Assert.Equal(ReasonCodes.NoGoalTriggered, result.ReasonCode);
    }

    [Theory]
    [InlineData(MessageStatus.Sent)]
    [InlineData(MessageStatus.Pending)]
    [InlineData(MessageStatus.Unknown)]
    public void Decide_FollowUpAlreadyInHistory_ProposesNoSecondOne(MessageStatus followUpStatus)
    {
        using var harness = Harness();
        var original = Original(Now - Window - Duration.FromHours(3));
        var followUp = Message("onboarding", "onboarding-v", Now - Duration.FromHours(2), ChannelKind.Sms, followUpStatus) with { FollowUpOf = original.DecisionId };

        var result = harness.DecideOne(Context(Reachable(), original, followUp));

        Assert.Equal(ReasonCodes.NoGoalTriggered, result.ReasonCode);
    }

    [Theory]
    [InlineData(MessageStatus.Failed)]
    [InlineData(MessageStatus.Cancelled)]
    public void Decide_FollowUpThatNeverWentOut_IsProposedAgain(MessageStatus followUpStatus)
    {
        using var harness = Harness();
        var original = Original(Now - Window - Duration.FromHours(3));
        var followUp = Message("onboarding", "onboarding-v", Now - Duration.FromHours(2), ChannelKind.Sms, followUpStatus) with { FollowUpOf = original.DecisionId };

        var result = harness.DecideOne(Context(Reachable(), original, followUp));

        Assert.Equal(original.DecisionId, result.Chosen.FollowUpOf);
    }

    [Fact]
    public void Decide_FollowUpIgnoredToo_IsNotFollowedUpAgain()
    {
        using var harness = Harness();
        // The follow-up is itself flagged important and ignored past its window: it must still not be followed up.
        var original = Original(Now - Window - Duration.FromHours(30));
        var followUp = Message("onboarding", "onboarding-v", Now - Window - Duration.FromHours(1), ChannelKind.Sms) with
        {
            FollowUpOf = original.DecisionId,
            Important = true,
            FollowUpAfter = Window,
        };

        var result = harness.DecideOne(Context(Reachable(), original, followUp));

        Assert.Equal(ReasonCodes.NoGoalTriggered, result.ReasonCode);
    }

    [Fact]
    public void Decide_NotImportant_ProposesNoFollowUp()
    {
        using var harness = Harness(important: false);
        var original = Original(Now - Window - Duration.FromHours(1)) with { Important = false };

        var result = harness.DecideOne(Context(Reachable(), original));

        Assert.Equal(ReasonCodes.NoGoalTriggered, result.ReasonCode);
    }

    [Theory]
    [InlineData(MessageStatus.Pending)]
    [InlineData(MessageStatus.Failed)]
    [InlineData(MessageStatus.Unknown)]
    [InlineData(MessageStatus.Cancelled)]
    public void Decide_OriginalNotSent_ProposesNoFollowUp(MessageStatus status)
    {
        using var harness = Harness();

        var result = harness.DecideOne(Context(Reachable(), Original(Now - Window - Duration.FromHours(1), status)));

        Assert.Equal(ReasonCodes.NoGoalTriggered, result.ReasonCode);
    }

    [Fact]
    public void Decide_FollowUpWindowLongPassed_ProposesNoLateFollowUp()
    {
        using var harness = Harness();

        var result = harness.DecideOne(Context(Reachable(), Original(Now - (2 * Window) - Duration.Epsilon)));

        Assert.Equal(ReasonCodes.NoGoalTriggered, result.ReasonCode);
    }

    [Fact]
    public void Decide_OnlyTheOriginalChannelReachable_NoReachableChannel()
    {
        using var harness = Harness();
        var emailOnly = Reachable() with { ContactPoints = [new ContactPoint(ChannelKind.Email, Email)] };

        var result = harness.DecideOne(Context(emailOnly, Original(Now - Window - Duration.FromHours(1))));

        Assert.Equal(ReasonCodes.NoReachableChannel, result.ReasonCode);
    }

    [Fact]
    public void Decide_FollowUpChannelWithoutConsent_IsDenied()
    {
        using var harness = Harness();
        var noSmsConsent = Reachable() with { Consents = [Consent(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.Express, Now - Duration.FromDays(9))] };

        var result = harness.DecideOne(Context(noSmsConsent, Original(Now - Window - Duration.FromHours(1))));

        Assert.Equal(ReasonCodes.AllCandidatesDenied, result.ReasonCode);
    }

    [Fact]
    public void Decide_GoalOrVariantNoLongerConfigured_ProposesNoFollowUp()
    {
        using var harness = Harness();
        var unknownGoal = Original(Now - Window - Duration.FromHours(1)) with { GoalId = "retired-goal" };
        var unknownVariant = Original(Now - Window - Duration.FromHours(1)) with { VariantId = "retired-variant" };

        Assert.Equal(ReasonCodes.NoGoalTriggered, harness.DecideOne(Context(Reachable(), unknownGoal)).ReasonCode);
        Assert.Equal(ReasonCodes.NoGoalTriggered, harness.DecideOne(Context(Reachable(), unknownVariant)).ReasonCode);
    }

    [Fact]
    public void Decide_FollowUpAndRegularProposal_BothAreCandidates()
    {
        using var harness = new EngineHarness(b => b.AddGoal(Onboarding()).AddWelcomeSequence());
        var customer = Context(Reachable() with { SignedUpAt = Now }, Original(Now - Window - Duration.FromHours(1)));

        var trace = harness.ExplainOne(customer);

        Assert.Equal(
            ["welcome/email/", "welcome/sms/", "onboarding/sms/follow-up"],
            trace.Candidates.Select(c => $"{c.GoalId}/{c.Channel}/{(c.FollowUpOf is null ? string.Empty : "follow-up")}"));
    }
}
