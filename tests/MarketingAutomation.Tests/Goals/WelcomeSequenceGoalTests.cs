using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Goals;

public sealed class WelcomeSequenceGoalTests
{
    private readonly WelcomeSequenceGoal _goal = new();

    private static CustomerContext SignedUp(Instant at, params MessageRecord[] messages) =>
        Context(Reachable() with { SignedUpAt = at }, messages);

    private static MessageRecord Step(int step, Instant at, MessageStatus status = MessageStatus.Sent) =>
        Message("welcome", $"welcome-{step + 1}", at, status: status, step: step);

    [Fact]
    public void Defaults_AreThreeStepsOnDayZeroTwoAndFive()
    {
        Assert.Equal("welcome", _goal.Id);
        Assert.Equal(70, _goal.Priority);
        Assert.Equal(MessagePurpose.Marketing, _goal.Purpose);
        Assert.Equal([Duration.Zero, Duration.FromDays(2), Duration.FromDays(5)], _goal.StepDelays);
        Assert.Equal(Duration.FromDays(1), _goal.MinimumGap);
        Assert.Equal(Duration.FromDays(14), _goal.NewSubscriberWindow);
        Assert.Equal([0, 1, 2], _goal.Variants.Select(v => v.Step));
        Assert.Empty(_goal.Validate());
    }

    [Fact]
    public void Propose_NewSignUpWithoutMessages_ProposesStepZeroOnly()
    {
        var sink = RecordingSink.Run(_goal, SignedUp(Now - Duration.FromHours(1)), Now);

        Assert.Equal(["welcome-1"], sink.ProposedIds);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_SignUpAtNow_ProposesStepZero()
    {
        var sink = RecordingSink.Run(_goal, SignedUp(Now), Now);

        Assert.Equal(["welcome-1"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_SignUpLaterToday_WakesAtSignUp()
    {
        var signUp = Now + Duration.FromHours(6);

        var sink = RecordingSink.Run(_goal, SignedUp(signUp), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(signUp, sink.Wake);
    }

    [Fact]
    public void Propose_NoSignUp_ProposesNothingAndDoesNotWake()
    {
        var sink = RecordingSink.Run(_goal, Context(Reachable()), Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_StepOneBeforeItsDelay_WakesAtSignUpPlusDelay()
    {
        var signUp = Now - Duration.FromDays(1);

        var sink = RecordingSink.Run(_goal, SignedUp(signUp, Step(0, signUp)), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(signUp + Duration.FromDays(2), sink.Wake);
    }

    [Fact]
    public void Propose_StepOneOneTickBeforeItsDelay_DoesNotPropose()
    {
        var signUp = Now - Duration.FromDays(2) + Duration.Epsilon;

        var sink = RecordingSink.Run(_goal, SignedUp(signUp, Step(0, signUp)), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(signUp + Duration.FromDays(2), sink.Wake);
    }

    [Fact]
    public void Propose_StepOneExactlyAtItsDelay_ProposesStepOne()
    {
        var signUp = Now - Duration.FromDays(2);

        var sink = RecordingSink.Run(_goal, SignedUp(signUp, Step(0, signUp)), Now);

        Assert.Equal(["welcome-2"], sink.ProposedIds);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_PreviousStepSentLate_WaitsMinimumGapAfterIt()
    {
        // Step 1 is due on day 2 by delay, but step 0 only went out 12 hours ago: the 1-day gap wins.
        var signUp = Now - Duration.FromDays(3);
        var step0At = Now - Duration.FromHours(12);

        var sink = RecordingSink.Run(_goal, SignedUp(signUp, Step(0, step0At)), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(step0At + Duration.FromDays(1), sink.Wake);
    }

    [Fact]
    public void Propose_PreviousStepExactlyMinimumGapAgo_ProposesNextStep()
    {
        var signUp = Now - Duration.FromDays(3);

        var sink = RecordingSink.Run(_goal, SignedUp(signUp, Step(0, Now - Duration.FromDays(1))), Now);

        Assert.Equal(["welcome-2"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_TwoStepsSent_ProposesThirdStepOnDayFive()
    {
        var signUp = Now - Duration.FromDays(5);

        var sink = RecordingSink.Run(_goal, SignedUp(signUp, Step(0, signUp), Step(1, signUp + Duration.FromDays(2))), Now);

        Assert.Equal(["welcome-3"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_TwoStepsSentDayFourNotReached_WakesOnDayFive()
    {
        var signUp = Now - Duration.FromDays(4);

        var sink = RecordingSink.Run(_goal, SignedUp(signUp, Step(0, signUp), Step(1, signUp + Duration.FromDays(2))), Now);

        Assert.Empty(sink.Proposed);
        Assert.Equal(signUp + Duration.FromDays(5), sink.Wake);
    }

    [Fact]
    public void Propose_AllStepsSent_ProposesNothingAndDoesNotWake()
    {
        var signUp = Now - Duration.FromDays(10);

        var sink = RecordingSink.Run(
            _goal,
            SignedUp(signUp, Step(0, signUp), Step(1, signUp + Duration.FromDays(2)), Step(2, signUp + Duration.FromDays(5))),
            Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_SignUpOlderThanWindow_DoesNotStartSequence()
    {
        var sink = RecordingSink.Run(_goal, SignedUp(Now - Duration.FromDays(14) - Duration.Epsilon), Now);

        Assert.Empty(sink.Proposed);
        Assert.Null(sink.Wake);
    }

    [Fact]
    public void Propose_SignUpExactlyWindowAgo_StartsSequence()
    {
        var sink = RecordingSink.Run(_goal, SignedUp(Now - Duration.FromDays(14)), Now);

        Assert.Equal(["welcome-1"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_SequenceStartedBeforeWindowEnded_ContinuesAfterWindow()
    {
        var signUp = Now - Duration.FromDays(20);

        var sink = RecordingSink.Run(_goal, SignedUp(signUp, Step(0, signUp + Duration.FromDays(13))), Now);

        Assert.Equal(["welcome-2"], sink.ProposedIds);
    }

    [Theory]
    [InlineData(MessageStatus.Failed)]
    [InlineData(MessageStatus.Cancelled)]
    public void Propose_PreviousStepNotDelivered_ProposesSameStepAgain(MessageStatus status)
    {
        var signUp = Now - Duration.FromDays(3);

        var sink = RecordingSink.Run(_goal, SignedUp(signUp, Step(0, signUp, status)), Now);

        Assert.Equal(["welcome-1"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_MessagesOfOtherGoals_DoNotAdvanceSequence()
    {
        var signUp = Now - Duration.FromDays(3);
        var other = Message("win-back", "win-back-offer", signUp, step: 0);

        var sink = RecordingSink.Run(_goal, SignedUp(signUp, other), Now);

        Assert.Equal(["welcome-1"], sink.ProposedIds);
    }

    [Fact]
    public void Propose_VariantsDeclaredOutOfOrder_MatchesVariantsByStepNotPosition()
    {
        var goal = new WelcomeSequenceGoal("onboarding")
        {
            StepDelays = [Duration.Zero, Duration.FromDays(1)],
            Variants =
            [
                new ContentVariant("second") { Step = 1, Body = "b" },
                new ContentVariant("first-a") { Step = 0, Body = "a" },
                new ContentVariant("first-b") { Step = 0, Body = "a2" },
            ],
        };
        var signUp = Now - Duration.FromDays(2);

        var first = RecordingSink.Run(goal, SignedUp(signUp), Now);
        var second = RecordingSink.Run(goal, SignedUp(signUp, Message("onboarding", "first-a", signUp, step: 0)), Now);

        Assert.Equal(["first-a", "first-b"], first.ProposedIds);
        Assert.Equal(["second"], second.ProposedIds);
    }

    [Fact]
    public void Propose_CustomDelaysAndGap_AreHonoured()
    {
        var goal = new WelcomeSequenceGoal { StepDelays = [Duration.Zero, Duration.FromHours(6), Duration.FromDays(1)], MinimumGap = Duration.FromHours(4) };
        var signUp = Now - Duration.FromHours(8);

        var sink = RecordingSink.Run(goal, SignedUp(signUp, Step(0, Now - Duration.FromHours(3))), Now);

        // Delay says signUp + 6h (already passed); the gap says step 0 + 4h = Now + 1h.
        Assert.Empty(sink.Proposed);
        Assert.Equal(Now + Duration.FromHours(1), sink.Wake);
    }

    [Fact]
    public void Validate_StepDelayWithoutVariant_ReportsStepAndFix()
    {
        var goal = new WelcomeSequenceGoal
        {
            Variants = [new ContentVariant("only-first") { Step = 0, Body = "hi" }, new ContentVariant("third") { Step = 2, Body = "bye" }],
        };

        var problems = goal.Validate().ToList();

        var problem = Assert.Single(problems);
        Assert.Contains("'welcome'", problem, StringComparison.Ordinal);
        Assert.Contains("step 1", problem, StringComparison.Ordinal);
        Assert.Contains("Step = 1", problem, StringComparison.Ordinal);
        Assert.Contains("StepDelays", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoVariants_ReportsVariantsAndEveryMissingStep()
    {
        var goal = new WelcomeSequenceGoal { Variants = [] };

        var problems = goal.Validate().ToList();

        Assert.Contains(problems, p => p.Contains("no content variants", StringComparison.Ordinal) && p.Contains("Variants", StringComparison.Ordinal));
        Assert.Equal(4, problems.Count);
    }

    [Fact]
    public void Validate_ImportantWithoutFollowUpWindow_ReportsFollowUpAfter()
    {
        var goal = new WelcomeSequenceGoal { Important = true, FollowUpAfter = Duration.Zero };

        var problem = Assert.Single(goal.Validate());

        Assert.Contains("FollowUpAfter", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateVariantIds_AreReported()
    {
        var goal = new WelcomeSequenceGoal
        {
            Variants =
            [
                new ContentVariant("welcome-1") { Step = 0, Body = "a" },
                new ContentVariant("welcome-1") { Step = 1, Body = "b" },
                new ContentVariant("welcome-3") { Step = 2, Body = "c" },
            ],
        };

        var problem = Assert.Single(goal.Validate());

        Assert.Contains("'welcome-1'", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_InvalidValue_ReportsValue(double value)
    {
        var goal = new WelcomeSequenceGoal { Value = value };

        var problem = Assert.Single(goal.Validate());

        Assert.Contains("Value", problem, StringComparison.Ordinal);
    }
}
