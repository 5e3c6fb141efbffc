using MarketingAutomation.Testing;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Pipeline;

public sealed class DecisionEngineTests
{
    private static CustomerContext NewSubscriber(string id = "c1") => Context(Reachable(id) with { SignedUpAt = Now - Duration.FromHours(1) });

    private static PolicyVerdict DeferKind(Candidate c, ChannelKind kind, Instant until) =>
        c.Channel.Kind == kind ? PolicyVerdict.DeferUntil(until, "Test", "deferred by test") : PolicyVerdict.Allow;

    private static PolicyVerdict DenyKind(Candidate c, ChannelKind kind) =>
        c.Channel.Kind == kind ? PolicyVerdict.Deny("Blocked", "denied by test") : PolicyVerdict.Allow;

    [Fact]
    public void Decide_NoGoalTriggered_NoActionWithoutTraceOrDecisionId()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddWinBack());

        var result = harness.DecideOne(Context(Reachable()));

        Assert.Equal(DecisionOutcome.NoAction, result.Outcome);
        Assert.Equal(ReasonCodes.NoGoalTriggered, result.ReasonCode);
        Assert.Null(result.Trace);
        Assert.Equal(Guid.Empty, result.DecisionId);
        Assert.True(result.Chosen.IsNoAction);
        Assert.Equal(Now + Duration.FromDays(1), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_GoalWakesBeforeReevaluationInterval_NextEvaluationIsTheEarliestWake()
    {
        using var harness = new EngineHarness(b => b
            .AddGoal(new StubGoal("later") { When = (_, _) => false, WakeAtInstant = Now + Duration.FromHours(9) })
            .AddGoal(new StubGoal("sooner") { When = (_, _) => false, WakeAtInstant = Now + Duration.FromHours(4) }));

        var result = harness.DecideOne(Context(Reachable()));

        Assert.Equal(ReasonCodes.NoGoalTriggered, result.ReasonCode);
        Assert.Equal(Now + Duration.FromHours(4), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_GoalWakesAfterReevaluationIntervalOrInThePast_NextEvaluationIsTheInterval()
    {
        using var harness = new EngineHarness(
            b => b
                .AddGoal(new StubGoal("far") { When = (_, _) => false, WakeAtInstant = Now + Duration.FromDays(40) })
                .AddGoal(new StubGoal("past") { When = (_, _) => false, WakeAtInstant = Now - Duration.FromDays(1) })
                .AddGoal(new StubGoal("now") { When = (_, _) => false, WakeAtInstant = Now }),
            o => o.ReevaluationInterval = Duration.FromDays(2));

        var result = harness.DecideOne(Context(Reachable()));

        Assert.Equal(Now + Duration.FromDays(2), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_WelcomeStepNotYetDue_WakesWhenItIs()
    {
        var signUp = Now - Duration.FromHours(36);
        using var harness = new EngineHarness(b => b.AddWelcomeSequence());
        var customer = Context(Reachable() with { SignedUpAt = signUp }, Message("welcome", "welcome-1", signUp, step: 0));

        var result = harness.DecideOne(customer);

        Assert.Equal(ReasonCodes.NoGoalTriggered, result.ReasonCode);
        Assert.Equal(signUp + Duration.FromDays(2), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_NoContactPoint_NoReachableChannel()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence());

        var result = harness.DecideOne(Context(Bare() with { SignedUpAt = Now }));

        Assert.Equal(DecisionOutcome.NoAction, result.Outcome);
        Assert.Equal(ReasonCodes.NoReachableChannel, result.ReasonCode);
        Assert.Null(result.Trace);
        Assert.Equal(Now + Duration.FromDays(1), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_OnlyDisabledContactPoints_NoReachableChannel()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence());
        var customer = Reachable() with
        {
            SignedUpAt = Now,
            ContactPoints = [new ContactPoint(ChannelKind.Email, Email) { IsValid = false, InvalidReason = "hard bounce" }, new ContactPoint(ChannelKind.Push, "token")],
        };

        var result = harness.DecideOne(Context(customer));

        Assert.Equal(ReasonCodes.NoReachableChannel, result.ReasonCode);
    }

    [Fact]
    public void Decide_DisabledContactFollowedByValidOneOfSameKind_UsesTheValidOne()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence());
        var customer = Reachable() with
        {
            SignedUpAt = Now,
            ContactPoints =
            [
                new ContactPoint(ChannelKind.Email, "old@example.com") { IsValid = false, InvalidReason = "hard bounce" },
                new ContactPoint(ChannelKind.Email, Email),
            ],
        };

        var result = harness.DecideOne(Context(customer));

        Assert.Equal(DecisionOutcome.Send, result.Outcome);
        Assert.Equal(Email, result.Chosen.Contact.Address);
    }

    [Fact]
    public void Decide_ValidContactFollowedByDisabledOneOfSameKind_UsesTheValidOne()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence());
        var customer = Reachable() with
        {
            SignedUpAt = Now,
            ContactPoints = [new ContactPoint(ChannelKind.Email, Email), new ContactPoint(ChannelKind.Email, "old@example.com") { IsValid = false }],
        };

        var result = harness.DecideOne(Context(customer));

        Assert.Equal(Email, result.Chosen.Contact.Address);
    }

    [Fact]
    public void Decide_VariantOnlyForUnreachableKind_NoReachableChannel()
    {
        using var harness = new EngineHarness(b => b.AddGoal(new StubGoal("sms-only", new ContentVariant("text") { Body = "hi", Channels = [ChannelKind.Sms] })));
        var emailOnly = Reachable() with { ContactPoints = [new ContactPoint(ChannelKind.Email, Email)] };

        Assert.Equal(ReasonCodes.NoReachableChannel, harness.DecideOne(Context(emailOnly)).ReasonCode);
        Assert.Equal("sms", harness.DecideOne(Context(Reachable())).Chosen.Channel.Name);
    }

    [Fact]
    public void Decide_TransactionalRenewalWithoutMarketingConsent_IsSentAndAvoidsAnOptedOutChannel()
    {
        using var harness = new EngineHarness(b => b.AddRenewalReminder().AddWelcomeSequence().AddConsentPolicy().AddFrequencyCap(1, Duration.FromDays(7)));
        var customer = Reachable() with
        {
            SignedUpAt = Now,
            Subscriptions = [new Subscription("pro", Now - Duration.FromDays(360)) { RenewsAt = Now + Duration.FromDays(5) }],
            Consents = [Consent(ChannelKind.Email, ConsentStatus.OptedOutOfChannel, ConsentBasis.None, Now - Duration.FromDays(2))],
        };

        var result = harness.DecideOne(Context(customer, Message("promo", "p", Now - Duration.FromDays(1))));

        // Marketing (welcome) is denied everywhere and capped; the transactional reminder bypasses both, but not the e-mail opt-out.
        Assert.Equal(DecisionOutcome.Send, result.Outcome);
        Assert.Equal("renewal-reminder", result.Chosen.Goal.Id);
        Assert.Equal(MessagePurpose.Transactional, result.Chosen.Purpose);
        Assert.Equal("sms", result.Chosen.Channel.Name);
        Assert.Equal(["renewal-reminder/email:False", "renewal-reminder/sms:True", "welcome/email:False", "welcome/sms:False"],
            result.Trace!.Candidates.Select(c => $"{c.GoalId}/{c.Channel}:{c.Allowed}").Order());
    }

    [Fact]
    public void Decide_EveryCandidateDenied_AllCandidatesDeniedAtReevaluationInterval()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddConsentPolicy());

        var result = harness.DecideOne(Context(Reachable() with { SignedUpAt = Now, Consents = [] }));

        Assert.Equal(DecisionOutcome.NoAction, result.Outcome);
        Assert.Equal(ReasonCodes.AllCandidatesDenied, result.ReasonCode);
        Assert.Equal(("consent", ReasonCodes.NoConsent), (result.HeldByRule, result.HeldByCode));
        Assert.Null(result.Trace);
        Assert.Equal(Guid.Empty, result.DecisionId);
        Assert.Equal(Now + Duration.FromDays(1), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_EveryCandidateDeferred_ReevaluatesAtEarliestDeferral()
    {
        using var harness = new EngineHarness(b => b
            .AddWelcomeSequence()
            .AddPolicy(new StubPolicy("late-email", c => DeferKind(c, ChannelKind.Email, Now + Duration.FromHours(3))))
            .AddPolicy(new StubPolicy("later-email", c => DeferKind(c, ChannelKind.Email, Now + Duration.FromHours(8))))
            .AddPolicy(new StubPolicy("late-sms", c => DeferKind(c, ChannelKind.Sms, Now + Duration.FromHours(5)))));

        var result = harness.DecideOne(NewSubscriber());

        // E-mail waits for the latest of its deferrals (8h), SMS for 5h: the customer comes back at 5h.
        Assert.Equal(DecisionOutcome.NoAction, result.Outcome);
        Assert.Equal(ReasonCodes.AllCandidatesDeferred, result.ReasonCode);
        Assert.Equal(Now + Duration.FromHours(5), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_DeferralBeyondReevaluationInterval_ReevaluatesAtInterval()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddPolicy(new StubPolicy("wait", _ => PolicyVerdict.DeferUntil(Now + Duration.FromDays(9), "Test", "wait"))));

        var result = harness.DecideOne(NewSubscriber());

        Assert.Equal(ReasonCodes.AllCandidatesDeferred, result.ReasonCode);
        Assert.Equal(Now + Duration.FromDays(1), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_FrequencyCapReached_DeferredUntilOldestMessageRollsOff()
    {
        using var harness = new EngineHarness(
            b => b.AddWelcomeSequence().AddFrequencyCap(1, Duration.FromDays(1)),
            o => o.ReevaluationInterval = Duration.FromDays(3));
        var sentAt = Now - Duration.FromHours(20);
        var customer = Context(Reachable() with { SignedUpAt = Now }, Message("other", "x", sentAt));

        var result = harness.DecideOne(customer);

        Assert.Equal(ReasonCodes.AllCandidatesDeferred, result.ReasonCode);
        Assert.Equal(sentAt + Duration.FromDays(1), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_DeniedAndDeferredByDifferentRules_CountsAsDenied()
    {
        using var harness = new EngineHarness(b => b
            .AddWelcomeSequence()
            .AddPolicy(new StubPolicy("defer-all", _ => PolicyVerdict.DeferUntil(Now + Duration.FromHours(2), "Test", "wait")))
            .AddPolicy(new StubPolicy("deny-all", _ => PolicyVerdict.Deny("Blocked", "no"))));

        var result = harness.DecideOne(NewSubscriber());

        Assert.Equal(ReasonCodes.AllCandidatesDenied, result.ReasonCode);
        Assert.Equal(Now + Duration.FromDays(1), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_OneDeniedOneDeferred_AllCandidatesDeferred()
    {
        using var harness = new EngineHarness(b => b
            .AddWelcomeSequence()
            .AddPolicy(new StubPolicy("no-sms", c => DenyKind(c, ChannelKind.Sms)))
            .AddPolicy(new StubPolicy("later-email", c => DeferKind(c, ChannelKind.Email, Now + Duration.FromHours(6)))));

        var result = harness.DecideOne(NewSubscriber());

        Assert.Equal(ReasonCodes.AllCandidatesDeferred, result.ReasonCode);
        Assert.Equal(Now + Duration.FromHours(6), result.NextEvaluationAt);
    }

    [Fact]
    public void Decide_SomeCandidatesAllowed_StrategySeesOnlyAllowedOnes()
    {
        var strategy = new SpyStrategy();
        var denySms = new StubPolicy("no-sms", c => DenyKind(c, ChannelKind.Sms));
        var deferWinBack = new StubPolicy("later-win-back", c => c.Goal.Id == "win-back" ? PolicyVerdict.DeferUntil(Now + Duration.FromHours(1), "Test", "wait") : PolicyVerdict.Allow);
        var policies = new IPolicy[] { new ConsentPolicy(), denySms, deferWinBack };
        using var harness = new EngineHarness(b => b
            .AddWelcomeSequence()
            .AddWinBack()
            .AddVipRecommendation()
            .AddPolicy(policies[0])
            .AddPolicy(denySms)
            .AddPolicy(deferWinBack)
            .SetDecisionStrategy(strategy));
        var customer = Context(Reachable() with
        {
            SignedUpAt = Now,
            Purchases = [Purchase("o-1", Now - Duration.FromDays(90), 1500m)],
        });

        var result = harness.DecideOne(customer);

        Assert.Equal(1, strategy.Calls);
        Assert.Equal(["welcome", "vip-recommendation"], strategy.Seen.Select(c => c.Goal.Id));
        Assert.All(strategy.Seen, c =>
        {
            var context = new PolicyContext(customer, c, Now);
            Assert.All(policies, p => Assert.True(p.Evaluate(in context).IsAllowed, $"{p.Name} does not allow {c}"));
        });
        Assert.Equal(DecisionOutcome.Send, result.Outcome);
        Assert.Equal("welcome", result.Chosen.Goal.Id);
    }

    [Fact]
    public void Decide_NothingAllowed_StrategyIsNotAsked()
    {
        var strategy = new SpyStrategy();
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddPolicy(new StubPolicy("deny", _ => PolicyVerdict.Deny("Blocked", "no"))).SetDecisionStrategy(strategy));

        harness.DecideOne(NewSubscriber());

        Assert.Equal(0, strategy.Calls);
    }

    [Fact]
    public void Decide_CandidateAllowed_SendsNowWithTraceAndNextEvaluationAfterSend()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddConsentPolicy(), o => o.ReevaluationAfterSend = Duration.FromHours(2));

        var result = harness.DecideOne(NewSubscriber());

        Assert.Equal(DecisionOutcome.Send, result.Outcome);
        Assert.Equal(ReasonCodes.Selected, result.ReasonCode);
        Assert.NotEqual(Guid.Empty, result.DecisionId);
        Assert.Equal("welcome-1", result.Chosen.Variant.Id);
        Assert.Equal("email", result.Chosen.Channel.Name);
        Assert.Same(harness.Pipeline.FindChannel("email"), result.Chosen.Channel);
        Assert.Equal(Email, result.Chosen.Contact.Address);
        Assert.Equal(Now, result.SendAt);
        Assert.Equal(ImmediateSendTimeStrategy.Reason, result.TimingReason);
        Assert.Equal(Now + Duration.FromHours(2), result.NextEvaluationAt);
        var trace = Assert.IsType<DecisionTrace>(result.Trace);
        Assert.Equal(result.DecisionId, trace.DecisionId);
        Assert.Equal(DecisionOutcome.Send, trace.Outcome);
        Assert.Equal("email", trace.Chosen?.Channel);
    }

    [Fact]
    public void Decide_DecisionIds_AreUniqueAndTimeOrdered()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence());

        var early = harness.Decide(Now, NewSubscriber("a"), NewSubscriber("b"));
        var late = harness.Decide(Now + Duration.FromDays(1), NewSubscriber("c"));

        Assert.NotEqual(early[0].DecisionId, early[1].DecisionId);
        Assert.True(early[0].DecisionId.CompareTo(late[0].DecisionId) < 0);
        Assert.Equal(7, early[0].DecisionId.Version);
    }

    [Fact]
    public void Decide_SendTimeStrategyChoosesLater_SendAtAndNextEvaluationFollow()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().SetSendTimeStrategy(_ => new FixedSendTime(Duration.FromHours(5))));

        var result = harness.DecideOne(NewSubscriber());

        Assert.Equal(Now + Duration.FromHours(5), result.SendAt);
        Assert.Equal("fixed", result.TimingReason);
        Assert.Equal(Now + Duration.FromHours(6), result.NextEvaluationAt);
        Assert.Equal(Now + Duration.FromHours(5), result.Trace?.SendAt);
    }

    [Fact]
    public void Decide_SendTimeStrategyChoosesAnInstantARuleWouldNotAllow_SendsNow()
    {
        // Rules always win: the engine re-checks the later instant and falls back to now, which every rule allowed.
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddPolicy(new DenyAfter(Now + Duration.FromHours(1))).SetSendTimeStrategy(_ => new FixedSendTime(Duration.FromHours(5))));

        var result = harness.DecideOne(NewSubscriber());

        Assert.Equal(DecisionOutcome.Send, result.Outcome);
        Assert.Equal(Now, result.SendAt);
        Assert.Equal(ReasonCodes.SendTimeNotAllowedReason, result.TimingReason);
    }

    [Fact]
    public void Decide_SendTimeStrategy_CanAskTheRulesAboutALaterInstant()
    {
        var probe = new ProbingSendTime();
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddPolicy(new DenyAfter(Now + Duration.FromHours(1))).SetSendTimeStrategy(_ => probe));

        var result = harness.DecideOne(NewSubscriber());

        Assert.Equal((true, false), (probe.AllowedSoon, probe.AllowedLater));
        Assert.Equal(Now + Duration.FromMinutes(30), result.SendAt);
    }

    private sealed class DenyAfter(Instant limit) : IPolicy
    {
        public string Name => "deny-after";

        public PolicyVerdict Evaluate(in PolicyContext context) =>
            context.Now > limit ? PolicyVerdict.Deny("TestLimit", "after the test limit") : PolicyVerdict.Allow;
    }

    private sealed class ProbingSendTime : ISendTimeStrategy
    {
        public bool AllowedSoon { get; private set; }

        public bool AllowedLater { get; private set; }

        public SendTimeChoice ChooseSendTime(in TimingContext context)
        {
            var rules = context.Rules ?? throw new InvalidOperationException("the engine offers no rules check");
            AllowedSoon = rules.IsAllowedAt(context.Customer, context.Candidate, context.Now + Duration.FromMinutes(30));
            AllowedLater = rules.IsAllowedAt(context.Customer, context.Candidate, context.Now + Duration.FromHours(3));
            return new SendTimeChoice(context.Now + Duration.FromMinutes(30), "probe");
        }
    }

    [Fact]
    public void Decide_SendTimeStrategyChoosesThePast_IsClampedToNow()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().SetSendTimeStrategy(_ => new FixedSendTime(Duration.FromHours(-5))));

        var result = harness.DecideOne(NewSubscriber());

        Assert.Equal(Now, result.SendAt);
        Assert.Equal(Now + Duration.FromHours(1), result.NextEvaluationAt);
    }

    [Theory]
    [InlineData(-1, "Custom", "Custom")]
    [InlineData(-1, null, ReasonCodes.StrategyChoseNoAction)]
    [InlineData(99, null, ReasonCodes.StrategyChoseNoAction)]
    public void Decide_StrategyChoosesNoActionOrInvalidIndex_NoActionWithItsReason(int index, string? code, string expected)
    {
        var strategy = new SpyStrategy { Override = _ => new StrategyChoice(index, 0, 1, 0.7) { ReasonCode = code } };
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().SetDecisionStrategy(strategy));

        var result = harness.DecideOne(NewSubscriber());

        Assert.Equal(DecisionOutcome.NoAction, result.Outcome);
        Assert.Equal(expected, result.ReasonCode);
        Assert.True(result.Chosen.IsNoAction);
        Assert.Null(result.Trace);
    }

    [Fact]
    public void Decide_GoalChannelPreference_OrdersCandidates()
    {
        using var harness = new EngineHarness(b => b
            .AddGoal(new StubGoal("sms-first") { Channels = [ChannelKind.Sms, ChannelKind.Email] })
            .AddGoal(new StubGoal("any")));

        var trace = harness.ExplainOne(Context(Reachable()));

        Assert.Equal(
            ["sms-first/sms", "sms-first/email", "any/email", "any/sms"],
            trace.Candidates.Select(c => c.GoalId + "/" + c.Channel));
    }

    [Fact]
    public void Decide_GoalThrowsForOneCustomer_OnlyThatCustomerGetsAnErrorResult()
    {
        using var harness = new EngineHarness(
            b => b
                .AddWelcomeSequence()
                .AddGoal(new StubGoal("fragile") { When = (_, _) => false, OnPropose = c => ThrowFor(c, "c2") }),
            o => o.ErrorRetryInterval = Duration.FromMinutes(30));

        var results = harness.Decide(Now, NewSubscriber("c1"), NewSubscriber("c2"), NewSubscriber("c3"));

        var error = results[1];
        Assert.Equal(DecisionOutcome.Error, error.Outcome);
        Assert.Equal(ReasonCodes.EvaluationError, error.ReasonCode);
        Assert.Equal("c2", error.Customer.Id);
        Assert.Equal(Now + Duration.FromMinutes(30), error.NextEvaluationAt);
        Assert.NotEqual(Guid.Empty, error.DecisionId);
        var trace = Assert.IsType<DecisionTrace>(error.Trace);
        Assert.Equal("c2", trace.CustomerId);
        Assert.Equal(DecisionOutcome.Error, trace.Outcome);
        Assert.Equal("InvalidOperationException: the fragile goal failed for c2", trace.Error);
        Assert.Contains("the fragile goal failed for c2", trace.Explain(), StringComparison.Ordinal);
        foreach (var ok in new[] { results[0], results[2] })
        {
            Assert.Equal(DecisionOutcome.Send, ok.Outcome);
            Assert.Equal("welcome-1", ok.Chosen.Variant.Id);
            Assert.Null(ok.Trace!.Error);
            Assert.Equal(ok.Customer.Id, ok.Trace.CustomerId);
        }

        Assert.Equal(["c1", "c2", "c3"], results.Select(r => r.Customer.Id));
    }

    [Fact]
    public void Decide_PolicyThrowsForOneCustomer_OnlyThatCustomerGetsAnErrorResult()
    {
        using var harness = new EngineHarness(b => b
            .AddWelcomeSequence()
            .AddPolicy(new ThrowingPolicy("c1")));

        var results = harness.Decide(Now, NewSubscriber("c1"), NewSubscriber("c2"));

        Assert.Equal(DecisionOutcome.Error, results[0].Outcome);
        Assert.Contains("policy failed for c1", results[0].Trace!.Error, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Send, results[1].Outcome);
    }

    [Fact]
    public void Decide_ErrorInExplainMode_HasTraceWithGoals()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddGoal(new StubGoal("fragile") { OnPropose = c => ThrowFor(c, "c1") }));

        var trace = harness.ExplainOne(NewSubscriber("c1"));

        Assert.Equal(DecisionOutcome.Error, trace.Outcome);
        Assert.Equal(["welcome", "fragile"], trace.Goals.Select(g => g.GoalId));
        Assert.Equal(1, trace.Goals[0].Proposals);
    }

    [Fact]
    public void Decide_ResultsBufferShorterThanCustomers_Throws()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence());

        var ex = Assert.Throws<ArgumentException>(() => harness.Engine.Decide(new[] { NewSubscriber("a"), NewSubscriber("b") }, Now, new DecisionResult[1]));

        Assert.Equal("results", ex.ParamName);
    }

    [Fact]
    public void Decide_ManyVariantsAndChannels_GrowsBuffersAndKeepsEveryCandidate()
    {
        var variants = Enumerable.Range(0, 40).Select(i => new ContentVariant($"v{i:D2}") { Body = "b", Weight = 1 + (i / 100.0) }).ToArray();
        using var harness = new EngineHarness(b => b
            .AddGoal(new StubGoal("wide", variants))
            .AddChannel(new RecordingChannel("push", ChannelKind.Push))
            .AddConsentPolicy()
            .AddPolicy(new StubPolicy("allow", _ => PolicyVerdict.Allow)));
        var customer = Context(Reachable() with
        {
            ContactPoints = [.. Reachable().ContactPoints, new ContactPoint(ChannelKind.Push, "token")],
            Consents = [.. Reachable().Consents, Consent(ChannelKind.Push, ConsentStatus.Granted, ConsentBasis.Express, Now - Duration.FromDays(1))],
        });

        var trace = harness.ExplainOne(customer);

        Assert.Equal(120, trace.Candidates.Length);
        Assert.All(trace.Candidates, c => Assert.Equal(2, c.Verdicts.Length));
        Assert.Equal("v39", trace.Chosen?.VariantId);
        Assert.Equal("email", trace.Chosen?.Channel);
    }

    private static void ThrowFor(CustomerContext customer, string id)
    {
        if (customer.Id == id)
        {
            throw new InvalidOperationException($"the fragile goal failed for {id}");
        }
    }

    private sealed class FixedSendTime(Duration offset) : ISendTimeStrategy
    {
        public SendTimeChoice ChooseSendTime(in TimingContext context) => new(context.Now + offset, "fixed");
    }

    private sealed class ThrowingPolicy(string customerId) : IPolicy
    {
        public string Name => "throwing";

        public PolicyVerdict Evaluate(in PolicyContext context) =>
            context.Customer.Id == customerId ? throw new InvalidOperationException($"policy failed for {customerId}") : PolicyVerdict.Allow;
    }
}
