using System.Globalization;
using MarketingAutomation.Tests.Support;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Agent;

/// <summary>Explain mode ("why nothing now?") and stored answers ("why did this customer get this message?").</summary>
public sealed class ExplainAndWhyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Explain_for_a_customer_who_would_get_a_message_returns_the_full_trace_and_sends_and_stores_nothing()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy().AddFrequencyCap(2, Duration.FromDays(7)));
        await t.ImportAsync(WithEmail("c-1").AndSms());
        var before = await t.CustomerAsync("c-1");

        var trace = await t.Agent.ExplainAsync("c-1", cancellationToken: Ct);

        Assert.NotNull(trace);
        Assert.Equal(DecisionOutcome.Send, trace.Outcome);
        Assert.Equal(ReasonCodes.Selected, trace.ReasonCode);
        Assert.Equal("c-1", trace.CustomerId);
        Assert.Equal(t.Now, trace.EvaluatedAt);
        Assert.Equal(("probe", "probe-v1", "email"), (trace.Chosen!.GoalId, trace.Chosen.VariantId, trace.Chosen.Channel));
        Assert.Equal(["email", "sms"], trace.Candidates.Select(c => c.Channel));
        Assert.All(trace.Candidates, c => Assert.Equal(["consent", "frequency-cap:2/7d"], c.Verdicts.Select(v => v.Rule)));
        Assert.Equal("goal-priority", trace.Strategy);
        Assert.Equal(1.0, trace.Confidence);
        Assert.Equal(t.Now, trace.SendAt);
        Assert.Equal(ImmediateSendTimeStrategy.Reason, trace.TimingReason);
        Assert.Equal("channel-length", Assert.Single(trace.ContentVerdicts).Rule);
        Assert.Contains("explain mode: nothing was sent or stored", trace.Notes);

        // Nothing was sent, stored, queued or rescheduled.
        Assert.Empty(t.Store.OutboxSnapshot());
        Assert.Empty(t.AllSends);
        Assert.Empty(await t.TracesAsync("c-1"));
        Assert.Empty(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        Assert.Null(await t.Agent.WhyAsync(trace.DecisionId, Ct));
        var after = await t.CustomerAsync("c-1");
        Assert.Equal((before.Version, before.NextEvaluationAt), (after.Version, after.NextEvaluationAt));
        Assert.Empty(after.Messages);

        // The customer is still due and gets the message on the next tick.
        var tick = await t.RunAsync();
        Assert.Equal(1, tick.Dispatch.Sent);
    }

    [Fact]
    public async Task Explain_for_a_customer_without_consent_shows_every_rule_verdict()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy());
        await t.ImportAsync(WithoutConsent("c-1").AndSms("+14155550123", ConsentBasis.Express));

        var trace = await t.Agent.ExplainAsync("c-1", cancellationToken: Ct);

        Assert.NotNull(trace);
        Assert.Equal(DecisionOutcome.NoAction, trace.Outcome);
        Assert.Equal(ReasonCodes.AllCandidatesDenied, trace.ReasonCode);
        Assert.NotEqual(Guid.Empty, trace.DecisionId);
        Assert.Equal(-1, trace.ChosenIndex);
        Assert.Null(trace.Chosen);
        Assert.Null(trace.MessageId);
        Assert.Equal(new GoalTrace("probe", 1, null), Assert.Single(trace.Goals));
        Assert.Equal(2, trace.Candidates.Length);
        Assert.All(trace.Candidates, c => Assert.False(c.Allowed));
        var email = trace.Candidates.Single(c => c.Channel == "email").Verdicts.Single();
        Assert.Equal(("consent", VerdictKind.Deny, ReasonCodes.NoConsent), (email.Rule, email.Kind, email.Code));
        var sms = trace.Candidates.Single(c => c.Channel == "sms").Verdicts.Single();
        Assert.Equal(("consent", VerdictKind.Deny, ReasonCodes.NoConsent), (sms.Rule, sms.Kind, sms.Code));
        Assert.Equal(t.Now + t.Pipeline.Options.ReevaluationInterval, trace.NextEvaluationAt);

        var text = trace.Explain();
        Assert.Contains("NoAction (AllCandidatesDenied)", text, StringComparison.Ordinal);
        Assert.Contains("goal probe: proposed 1 variant(s)", text, StringComparison.Ordinal);
        Assert.Contains("consent: Deny NoConsent - Marketing SMS requires prior express written consent.", text, StringComparison.Ordinal);
        Assert.Contains("consent: Deny NoConsent - No marketing consent is recorded for this channel.", text, StringComparison.Ordinal);
        Assert.Empty(await t.TracesAsync("c-1"));
    }

    [Fact]
    public async Task Explain_when_no_goal_triggers_still_returns_a_trace_with_every_goal()
    {
        var wakeAt = TestAgent.Start + Duration.FromHours(5);
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal { ProposeWhen = ProbeGoal.Never, Wake = (_, _) => wakeAt }).AddGoal(new ProbeGoal("other") { ProposeWhen = ProbeGoal.Never }));
        await t.ImportAsync(WithEmail("c-1"));

        var trace = await t.Agent.ExplainAsync("c-1", cancellationToken: Ct);

        Assert.NotNull(trace);
        Assert.Equal((DecisionOutcome.NoAction, ReasonCodes.NoGoalTriggered), (trace.Outcome, trace.ReasonCode));
        Assert.Equal([new GoalTrace("probe", 0, wakeAt), new GoalTrace("other", 0, null)], trace.Goals);
        Assert.Empty(trace.Candidates);
        Assert.Equal(wakeAt, trace.NextEvaluationAt);
        Assert.Contains($"goal probe: not triggered, next possible at {wakeAt}", trace.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_for_a_decision_that_would_wait_for_review_queues_nothing()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal { RequiresReview = true }));
        await t.ImportAsync(WithEmail("c-1"));

        var trace = await t.Agent.ExplainAsync("c-1", cancellationToken: Ct);

        Assert.NotNull(trace);
        Assert.Equal((DecisionOutcome.Review, ReasonCodes.GoalRequiresReview), (trace.Outcome, trace.ReasonCode));
        Assert.Contains("requires review", trace.ReviewReason, StringComparison.Ordinal);
        Assert.Empty(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        Assert.Empty(t.Store.OutboxSnapshot());
    }

    [Fact]
    public async Task Explain_at_a_later_instant_uses_that_instant()
    {
        var welcome = new WelcomeSequenceGoal();
        await using var t = TestAgent.Create(b => b.AddWelcomeSequence(welcome).AddConsentPolicy());
        await t.ImportAsync(WithEmail("c-1", TestAgent.Start));
        await t.RunAsync();

        var now = await t.Agent.ExplainAsync("c-1", cancellationToken: Ct);
        var later = await t.Agent.ExplainAsync("c-1", TestAgent.Start + Duration.FromDays(2), Ct);

        Assert.Equal(ReasonCodes.NoGoalTriggered, now!.ReasonCode);
        Assert.Equal(TestAgent.Start + Duration.FromDays(2), now.Goals.Single().WakeAt);
        Assert.Equal(DecisionOutcome.Send, later!.Outcome);
        Assert.Equal("welcome-2", later.Chosen!.VariantId);
        Assert.Single(t.Email.Sends);
    }

    [Fact]
    public async Task Explain_for_an_unknown_customer_returns_null()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()));
        Assert.Null(await t.Agent.ExplainAsync("nobody", cancellationToken: Ct));
    }

    [Fact]
    public async Task Why_reads_the_stored_trace_by_decision_id_and_by_message_id()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy());
        await t.ImportAsync(WithEmail("c-1"), WithEmail("c-2"));
        await t.RunAsync();
        var row = Assert.Single(t.OutboxOf("c-1"));

        var byDecision = await t.Agent.WhyAsync(row.Message.DecisionId, Ct);
        var byMessage = await t.Agent.WhyMessageAsync(row.Id, Ct);

        Assert.NotNull(byDecision);
        Assert.Equal(byDecision, byMessage);
        Assert.Equal(row.Message.DecisionId, byDecision.DecisionId);
        Assert.Equal("c-1", byDecision.CustomerId);
        Assert.Equal((DecisionOutcome.Send, ReasonCodes.Selected), (byDecision.Outcome, byDecision.ReasonCode));
        Assert.Equal(row.Id, byDecision.MessageId);
        Assert.Equal(row.DueAt, byDecision.SendAt);
        Assert.Equal(("probe", "probe-v1", "email"), (byDecision.Chosen!.GoalId, byDecision.Chosen.VariantId, byDecision.Chosen.Channel));
        Assert.Equal(byDecision, (await t.TracesAsync("c-1")).Single());
        Assert.Contains($"message {row.Id}", byDecision.Explain(), StringComparison.Ordinal);

        // The message id is the decision id, and the channel got it.
        Assert.Equal(row.Message.DecisionId.ToString("N", CultureInfo.InvariantCulture), row.Id);
        Assert.Equal(row.Message.DecisionId, t.Email.SendsFor(row.Id).Single().Message.DecisionId);

        Assert.Null(await t.Agent.WhyAsync(Guid.NewGuid(), Ct));
        Assert.Null(await t.Agent.WhyMessageAsync("no-such-message", Ct));
        Assert.NotEqual(byDecision.DecisionId, (await t.Agent.WhyMessageAsync(Assert.Single(t.OutboxOf("c-2")).Id, Ct))!.DecisionId);
    }

    [Fact]
    public async Task No_action_decisions_keep_no_trace_outside_explain_mode()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy());
        await t.ImportAsync(WithoutConsent("c-1"));

        var tick = await t.RunAsync();

        Assert.Equal((1, 1), (tick.Decide.Evaluated, tick.Decide.NoAction));
        Assert.Equal(1, tick.Decide.ByReason[ReasonCodes.AllCandidatesDenied]);
        Assert.Equal(1, tick.Decide.HeldByRule["consent: " + ReasonCodes.NoConsent]);
        Assert.Empty(await t.TracesAsync("c-1"));
    }
}
