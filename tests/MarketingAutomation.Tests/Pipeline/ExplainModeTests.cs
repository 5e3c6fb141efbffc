using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Pipeline;

public sealed class ExplainModeTests
{
    /// <summary>
    /// A new subscriber who bought 20 days ago, with only express (not written) SMS consent and one SMS yesterday: the welcome e-mail is
    /// allowed, the welcome SMS is denied by consent and deferred by the SMS cap; win-back is not due yet; VIP never triggers.
    /// </summary>
    private static CustomerContext Subscriber()
    {
        var customer = Reachable() with
        {
            SignedUpAt = Now - Duration.FromHours(2),
            Consents =
            [
                Consent(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.Express, Now - Duration.FromDays(30)),
                Consent(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.Express, Now - Duration.FromDays(30)),
            ],
            Purchases = [Purchase("o-1", Now - Duration.FromDays(20), 80m)],
        };
        return Context(customer, Message("renewal-reminder", "renewal-notice", Now - Duration.FromHours(20), ChannelKind.Sms));
    }

    private static EngineHarness Harness() =>
        new(b => b
            .AddWelcomeSequence()
            .AddWinBack()
            .AddVipRecommendation()
            .AddConsentPolicy()
            .AddFrequencyCap(1, Duration.FromDays(1), ChannelKind.Sms)
            .AddPolicy(new OpenSupportIssuePolicy()));

    [Fact]
    public void Explain_SendDecision_TraceHasEveryGoalCandidateAndRuleVerdict()
    {
        using var harness = Harness();

        var result = harness.Engine.Explain(Subscriber(), Now);
        var trace = Assert.IsType<DecisionTrace>(result.Trace);

        Assert.Equal(result.DecisionId, trace.DecisionId);
        Assert.Equal("c1", trace.CustomerId);
        Assert.Equal(Now, trace.EvaluatedAt);
        Assert.Equal(DecisionOutcome.Send, trace.Outcome);
        Assert.Equal(ReasonCodes.Selected, trace.ReasonCode);

        Assert.Equal(
            [new GoalTrace("welcome", 1, null), new GoalTrace("win-back", 0, Now + Duration.FromDays(40)), new GoalTrace("vip-recommendation", 0, null)],
            trace.Goals);

        Assert.Equal(2, trace.Candidates.Length);
        var email = trace.Candidates[0];
        var sms = trace.Candidates[1];
        Assert.Equal(("welcome", "welcome-1", "email"), (email.GoalId, email.VariantId, email.Channel));
        Assert.Equal(("welcome", "welcome-1", "sms"), (sms.GoalId, sms.VariantId, sms.Channel));
        Assert.Equal(["consent", "frequency-cap:1/1d:sms", "open-support-issue"], email.Verdicts.Select(v => v.Rule));
        Assert.Equal(["consent", "frequency-cap:1/1d:sms", "open-support-issue"], sms.Verdicts.Select(v => v.Rule));
        Assert.All(email.Verdicts, v => Assert.Equal(new VerdictTrace(v.Rule, VerdictKind.Allow, null, null, null), v));
        Assert.Equal(VerdictKind.Deny, sms.Verdicts[0].Kind);
        Assert.Equal(ReasonCodes.NoConsent, sms.Verdicts[0].Code);
        Assert.Equal(new VerdictTrace("frequency-cap:1/1d:sms", VerdictKind.Defer, ReasonCodes.FrequencyCap, sms.Verdicts[1].Reason, Now + Duration.FromHours(4)), sms.Verdicts[1]);
        Assert.Equal(VerdictKind.Allow, sms.Verdicts[2].Kind);

        Assert.True(email.Allowed);
        Assert.Equal(3.0, email.Score);
        Assert.False(sms.Allowed);
        Assert.Null(sms.Score);
        Assert.Equal(0, trace.ChosenIndex);
        Assert.Same(email, trace.Chosen);
        Assert.Equal("goal-priority", trace.Strategy);
        Assert.Equal(3.0, trace.Score);
        Assert.Equal(1.0, trace.Confidence);
        Assert.Equal(1.0, trace.Propensity);
        Assert.Equal(Now, trace.SendAt);
        Assert.Equal(ImmediateSendTimeStrategy.Reason, trace.TimingReason);
        Assert.Equal(Now + Duration.FromHours(1), trace.NextEvaluationAt);
        Assert.Null(trace.Error);
    }

    [Fact]
    public void Explain_NoGoalTriggered_StillHasTraceAndDecisionId()
    {
        using var harness = Harness();

        var result = harness.Engine.Explain(Context(Reachable()), Now);

        Assert.Equal(DecisionOutcome.NoAction, result.Outcome);
        Assert.NotEqual(Guid.Empty, result.DecisionId);
        var trace = Assert.IsType<DecisionTrace>(result.Trace);
        Assert.Equal(result.DecisionId, trace.DecisionId);
        Assert.Equal(ReasonCodes.NoGoalTriggered, trace.ReasonCode);
        Assert.Equal(3, trace.Goals.Length);
        Assert.All(trace.Goals, g => Assert.Equal(0, g.Proposals));
        Assert.Empty(trace.Candidates);
        Assert.Equal(-1, trace.ChosenIndex);
        Assert.Null(trace.Chosen);
        Assert.Null(trace.Strategy);
        Assert.Equal(Now + Duration.FromDays(1), trace.NextEvaluationAt);
    }

    [Fact]
    public void Explain_AllDenied_TraceShowsEveryVerdictAndNoStrategy()
    {
        using var harness = Harness();
        var customer = Subscriber() with { Customer = Subscriber().Customer with { Consents = [] } };

        var trace = harness.ExplainOne(customer);

        Assert.Equal(ReasonCodes.AllCandidatesDenied, trace.ReasonCode);
        Assert.Equal(2, trace.Candidates.Length);
        Assert.All(trace.Candidates, c =>
        {
            Assert.False(c.Allowed);
            Assert.Equal(ReasonCodes.NoConsent, c.Verdicts[0].Code);
        });
        Assert.Null(trace.Strategy);
        Assert.Equal(-1, trace.ChosenIndex);
    }

    [Fact]
    public void Explain_AllDeferred_TraceCarriesUntilAndNextEvaluation()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddPolicy(new OpenSupportIssuePolicy()));
        var openedAt = Now - Duration.FromDays(13.5);
        var customer = Context(Reachable() with { SignedUpAt = Now, SupportContacts = [new SupportContact(openedAt, "delivery")] });

        var trace = harness.ExplainOne(customer);

        Assert.Equal(ReasonCodes.AllCandidatesDeferred, trace.ReasonCode);
        Assert.All(trace.Candidates, c => Assert.Equal(openedAt + Duration.FromDays(14), c.Verdicts[0].Until));
        Assert.Equal(openedAt + Duration.FromDays(14), trace.NextEvaluationAt);
    }

    [Fact]
    public void Explain_StrategyScores_AreOnAllowedCandidatesOnly()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddVipRecommendation());
        var customer = Context(Reachable() with { SignedUpAt = Now, Purchases = [Purchase("o-1", Now - Duration.FromDays(5), 2000m)] });

        var trace = harness.ExplainOne(customer);

        Assert.Equal(
            [("welcome", 3.0), ("welcome", 2.55), ("vip-recommendation", 6.0), ("vip-recommendation", 5.1)],
            trace.Candidates.Select(c => (c.GoalId, Math.Round(c.Score ?? double.NaN, 10))));
        Assert.Equal(0, trace.ChosenIndex);
        Assert.Equal(1.0, trace.Confidence);
    }

    [Fact]
    public void Explain_DoesNotChangeWhatDecideReturns()
    {
        using var harness = Harness();

        var plain = harness.DecideOne(Subscriber());
        var explained = harness.Engine.Explain(Subscriber(), Now);

        Assert.Equal(plain.Outcome, explained.Outcome);
        Assert.Equal(plain.ReasonCode, explained.ReasonCode);
        Assert.Equal(plain.NextEvaluationAt, explained.NextEvaluationAt);
        Assert.Equal(plain.Chosen.Channel, explained.Chosen.Channel);
        Assert.Equal(plain.Trace!.Candidates.Select(c => c.Allowed), explained.Trace!.Candidates.Select(c => c.Allowed));
    }

    [Fact]
    public void TraceExplain_NamesGoalsRulesAndCodesButNoPersonalData()
    {
        using var harness = Harness();

        var text = harness.ExplainOne(Subscriber()).Explain();

        Assert.Contains("for customer c1", text, StringComparison.Ordinal);
        Assert.Contains("Send (Selected)", text, StringComparison.Ordinal);
        Assert.Contains("goal welcome: proposed 1 variant(s)", text, StringComparison.Ordinal);
        Assert.Contains("goal win-back: not triggered, next possible at 2026-02-14T09:00:00Z", text, StringComparison.Ordinal);
        Assert.Contains("goal vip-recommendation: not triggered", text, StringComparison.Ordinal);
        Assert.Contains("* candidate welcome/welcome-1 via email: allowed (Selected), score 3", text, StringComparison.Ordinal);
        Assert.Contains("candidate welcome/welcome-1 via sms: blocked", text, StringComparison.Ordinal);
        Assert.Contains("consent: Deny NoConsent - Marketing SMS requires prior express written consent.", text, StringComparison.Ordinal);
        Assert.Contains("frequency-cap:1/1d:sms: Defer FrequencyCap", text, StringComparison.Ordinal);
        Assert.Contains("(until 2026-01-05T13:00:00Z)", text, StringComparison.Ordinal);
        Assert.Contains("strategy goal-priority: score 3, confidence 1, propensity 1", text, StringComparison.Ordinal);
        Assert.Contains("send at 2026-01-05T09:00:00Z", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Thanks for joining", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TraceExplain_ErrorTrace_ShowsTheError()
    {
        var trace = new DecisionTrace(Guid.Empty, "c9", Now, DecisionOutcome.Error, ReasonCodes.EvaluationError) { Error = "InvalidOperationException: boom" };

        var text = trace.Explain();

        Assert.Contains("Error (EvaluationError)", text, StringComparison.Ordinal);
        Assert.Contains("error: InvalidOperationException: boom", text, StringComparison.Ordinal);
    }
}
