using MarketingAutomation.Tests.Support;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Review;

/// <summary>The review gate and the human side of it: held messages are never sent until approved, and then exactly once.</summary>
public sealed class ReviewServiceTests
{
    private static readonly Instant Start = TestAgent.Start;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_goal_that_requires_review_always_holds_even_with_full_confidence()
    {
        await using var h = await HeldAsync(o => o.ReviewConfidenceThreshold = 0);
        var (t, _, review) = h;

        Assert.Equal(1.0, review.Confidence);
        Assert.Equal(Start, review.CreatedAt);
        Assert.Equal(("c-1", "probe", "email"), (review.CustomerId, review.Message.Message.GoalId, review.Message.Message.Channel));
        var trace = await t.Agent.WhyAsync(review.DecisionId, Ct);
        Assert.Equal((DecisionOutcome.Review, ReasonCodes.GoalRequiresReview), (trace!.Outcome, trace.ReasonCode));
        Assert.Equal(review.Message.Id, trace.MessageId);
        Assert.Contains("goal 'probe' requires review", trace.ReviewReason, StringComparison.Ordinal);

        // Held: no outbox row, nothing sent, however many ticks pass.
        await t.RunAtAsync(Start + Duration.FromHours(1));
        await t.RunAtAsync(Start + Duration.FromDays(3));
        Assert.Empty(t.AllSends);
        Assert.Null(await t.Store.GetOutboxMessageAsync(review.Message.Id, Ct));
    }

    [Fact]
    public async Task Approving_releases_the_message_into_the_outbox_exactly_once()
    {
        await using var h = await HeldAsync();
        var (t, strategy, review) = h;
        t.Clock.Reset(Start + Duration.FromMinutes(20));

        Assert.True(await t.Agent.Reviews.ApproveAsync(review.ReviewId, "alice", Ct));
        Assert.False(await t.Agent.Reviews.ApproveAsync(review.ReviewId, "alice", Ct));
        Assert.False(await t.Agent.Reviews.RejectAsync(review.ReviewId, "bob", "too late", Ct));

        var row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal((review.Message.Id, OutboxStatus.Pending, Start + Duration.FromMinutes(20)), (row.Id, row.Status, row.DueAt));
        Assert.Empty(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        Assert.Single((await t.CustomerAsync("c-1")).Messages);

        await t.RunAtAsync(Start + Duration.FromMinutes(20));
        await t.RunAtAsync(Start + Duration.FromHours(2));
        var sent = Assert.Single(t.Email.Sends);
        Assert.Equal((review.Message.Id, Start + Duration.FromMinutes(20)), (sent.MessageId, sent.At));
        Assert.Equal(OutboxStatus.Sent, Assert.Single(t.Store.OutboxSnapshot()).Status);

        var approved = Assert.Single(strategy.Learned);
        Assert.Equal((FeedbackKind.ReviewApproved, review.DecisionId, "c-1"), (approved.Kind, approved.DecisionId, approved.CustomerId));
        Assert.Equal(("probe", "probe-v1", "email", null), (approved.GoalId, approved.VariantId, approved.Channel, approved.Reason));
        Assert.Equal(Start + Duration.FromMinutes(20), approved.OccurredAt);
    }

    [Fact]
    public async Task Concurrent_approvals_release_the_message_once()
    {
        await using var h = await HeldAsync();
        var (t, strategy, review) = h;

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => t.Agent.Reviews.ApproveAsync(review.ReviewId, $"reviewer-{i}", Ct), Ct)));

        Assert.Single(results, r => r);
        Assert.Single(t.Store.OutboxSnapshot());
        Assert.Single(strategy.Learned, f => f.Kind == FeedbackKind.ReviewApproved);
        await t.RunAsync();
        Assert.Single(t.Email.Sends);
        Assert.Empty(t.Email.DuplicateAcceptedMessageIds());
    }

    [Fact]
    public async Task Approving_before_the_planned_send_instant_keeps_the_planned_instant()
    {
        var planned = Start + Duration.FromHours(6);
        await using var h = await HeldAsync(configure: b => b.SetSendTimeStrategy(_ => new DelayedSendTime(Duration.FromHours(6))));
        var (t, _, review) = h;
        Assert.Equal(planned, review.Message.DueAt);

        t.Clock.Reset(Start + Duration.FromHours(1));
        Assert.True(await t.Agent.Reviews.ApproveAsync(review.ReviewId, "alice", Ct));

        Assert.Equal(planned, Assert.Single(t.Store.OutboxSnapshot()).DueAt);
        Assert.Equal(0, (await t.RunAtAsync(Start + Duration.FromHours(5))).Dispatch.Claimed);
        Assert.Equal(1, (await t.RunAtAsync(planned)).Dispatch.Sent);
        Assert.Equal(planned, Assert.Single(t.Email.Sends).At);
    }

    [Fact]
    public async Task Approving_after_the_planned_send_instant_releases_at_once()
    {
        await using var h = await HeldAsync(configure: b => b.SetSendTimeStrategy(_ => new DelayedSendTime(Duration.FromHours(6))));
        var (t, _, review) = h;

        var approvedAt = Start + Duration.FromHours(8);
        t.Clock.Reset(approvedAt);
        Assert.True(await t.Agent.Reviews.ApproveAsync(review.ReviewId, "alice", Ct));

        Assert.Equal(approvedAt, Assert.Single(t.Store.OutboxSnapshot()).DueAt);
        await t.RunAtAsync(approvedAt);
        Assert.Equal(approvedAt, Assert.Single(t.Email.Sends).At);
    }

    [Fact]
    public async Task A_strategy_that_fails_to_learn_does_not_undo_the_approval()
    {
        await using var h = await HeldAsync();
        var (t, strategy, review) = h;
        strategy.ThrowOnLearn = true;

        Assert.True(await t.Agent.Reviews.ApproveAsync(review.ReviewId, "alice", Ct));

        Assert.Single(strategy.Learned);
        await t.RunAsync();
        Assert.Equal(review.Message.Id, Assert.Single(t.Email.Accepted).MessageId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Rejecting_requires_a_reason(string? reason)
    {
        await using var h = await HeldAsync();
        var (t, strategy, review) = h;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => t.Agent.Reviews.RejectAsync(review.ReviewId, "bob", reason!, Ct));

        Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        Assert.Empty(strategy.Learned);
    }

    [Fact]
    public async Task A_rejected_review_is_never_sent()
    {
        await using var h = await HeldAsync();
        var (t, strategy, review) = h;
        t.Clock.Reset(Start + Duration.FromMinutes(5));

        Assert.True(await t.Agent.Reviews.RejectAsync(review.ReviewId, "bob", "tone is off", Ct));
        Assert.False(await t.Agent.Reviews.RejectAsync(review.ReviewId, "bob", "again", Ct));
        Assert.False(await t.Agent.Reviews.ApproveAsync(review.ReviewId, "alice", Ct));

        Assert.Empty(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        Assert.Empty(t.Store.OutboxSnapshot());
        Assert.Null(await t.Store.GetOutboxMessageAsync(review.Message.Id, Ct));
        await t.RunAtAsync(Start + Duration.FromHours(1));
        await t.RunAtAsync(Start + Duration.FromDays(1));
        Assert.DoesNotContain(t.AllSends, s => s.MessageId == review.Message.Id);

        var rejected = Assert.Single(strategy.Learned);
        Assert.Equal((FeedbackKind.ReviewRejected, review.DecisionId, "tone is off"), (rejected.Kind, rejected.DecisionId, rejected.Reason));
        Assert.Equal(("probe", "probe-v1", "email"), (rejected.GoalId, rejected.VariantId, rejected.Channel));
        Assert.Equal(Start + Duration.FromMinutes(5), rejected.OccurredAt);
    }

    [Fact]
    public async Task Unknown_reviews_cannot_be_approved_or_rejected()
    {
        await using var h = await HeldAsync();
        var (t, strategy, _) = h;

        Assert.False(await t.Agent.Reviews.ApproveAsync("rev-nope", "alice", Ct));
        Assert.False(await t.Agent.Reviews.RejectAsync("rev-nope", "alice", "no", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => t.Agent.Reviews.ApproveAsync("", "alice", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => t.Agent.Reviews.ApproveAsync("rev-nope", " ", Ct));
        Assert.Empty(strategy.Learned);
        Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Listing_shows_pending_reviews_only_oldest_first()
    {
        var strategy = new RecordingStrategy();
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal { RequiresReview = true }).SetDecisionStrategy(strategy));
        await t.ImportAsync(WithEmail("c-1"));
        await t.RunAsync();
        t.Clock.Reset(Start + Duration.FromMinutes(10));
        await t.ImportAsync(WithEmail("c-3"));
        await t.RunAsync();
        t.Clock.Reset(Start + Duration.FromMinutes(20));
        await t.ImportAsync(WithEmail("c-2"));
        await t.RunAsync();

        var all = await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct);
        Assert.Equal(["c-1", "c-3", "c-2"], all.Select(r => r.CustomerId));
        Assert.Equal(2, (await t.Agent.Reviews.ListPendingAsync(2, Ct)).Count);

        Assert.True(await t.Agent.Reviews.ApproveAsync(all[1].ReviewId, "alice", Ct));
        Assert.True(await t.Agent.Reviews.RejectAsync(all[0].ReviewId, "alice", "no", Ct));

        var left = Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        Assert.Equal(all[2].ReviewId, left.ReviewId);
    }

    [Fact]
    public async Task A_content_rule_violation_is_held_for_review()
    {
        var longBody = new string('x', 200);
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal("sms-only", longBody) { Channels = [ChannelKind.Sms] }).AddConsentPolicy());
        await t.ImportAsync(WithEmail("c-1").AndSms());

        var tick = await t.RunAsync();

        Assert.Equal((1, 0), (tick.Decide.HeldForReview, tick.Decide.Scheduled));
        Assert.Empty(t.AllSends);
        var review = Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        Assert.Equal(ReasonCodes.ContentViolation, review.Reason);
        var trace = await t.Agent.WhyAsync(review.DecisionId, Ct);
        Assert.Contains("channel-length", trace!.ReviewReason, StringComparison.Ordinal);
        Assert.Equal((DecisionOutcome.Review, ReasonCodes.ContentViolation), (trace!.Outcome, trace.ReasonCode));
        var verdict = Assert.Single(trace.ContentVerdicts);
        Assert.Equal(("channel-length", VerdictKind.Deny, ReasonCodes.TooLong), (verdict.Rule, verdict.Kind, verdict.Code));
        Assert.Contains("allows 160", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("content rule channel-length: Deny TooLong", trace.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_custom_content_rule_violation_is_held_for_review()
    {
        var rule = new BannedWordRule("free");
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal("promo", "Get it for free today.")).AddContentRule(rule));
        await t.ImportAsync(WithEmail("c-1"));

        await t.RunAsync();

        var review = Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        var trace = await t.Agent.WhyAsync(review.DecisionId, Ct);
        Assert.Equal(ReasonCodes.ContentViolation, trace!.ReasonCode);
        Assert.Equal(["channel-length", "banned-words"], trace.ContentVerdicts.Select(v => v.Rule));
        Assert.Equal([VerdictKind.Allow, VerdictKind.Deny], trace.ContentVerdicts.Select(v => v.Kind));
        Assert.Empty(t.AllSends);
    }

    [Fact]
    public async Task Low_confidence_between_two_goals_of_the_same_priority_is_held_for_review()
    {
        await using var t = TestAgent.Create(
            b => b.AddGoal(new ProbeGoal("first") { Priority = 40, Value = 6 }).AddGoal(new ProbeGoal("second") { Priority = 40, Value = 5 }),
            o => o.ReviewConfidenceThreshold = 0.25);
        await t.ImportAsync(WithEmail("c-1"));

        await t.RunAsync();

        var review = Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        Assert.Equal("first", review.Message.Message.GoalId);
        Assert.Equal(1 - (5.0 / 6.0), review.Confidence, 9);
        var trace = await t.Agent.WhyAsync(review.DecisionId, Ct);
        Assert.Equal(ReasonCodes.LowConfidence, trace!.ReasonCode);
        Assert.Contains("below the review threshold 0.25", trace.ReviewReason, StringComparison.Ordinal);
        Assert.Empty(t.AllSends);
    }

    [Fact]
    public async Task A_pending_review_names_its_reason_code()
    {
        await using var h = await HeldAsync();
        Assert.Equal(ReasonCodes.GoalRequiresReview, h.Review.Reason);
    }

    [Fact]
    public async Task A_customer_with_a_pending_review_is_not_held_again()
    {
        await using var h = await HeldAsync();
        var (t, _, review) = h;

        await t.RunAtAsync(Start + Duration.FromHours(1));
        await t.RunAtAsync(Start + Duration.FromHours(2));
        await t.RunAtAsync(Start + Duration.FromDays(1));

        Assert.Equal(review.ReviewId, Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct)).ReviewId);
    }

    [Fact]
    public async Task Approving_after_the_customer_withdrew_consent_sends_nothing()
    {
        await using var h = await HeldAsync();
        var (t, _, review) = h;
        var revoked = new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, Start + Duration.FromMinutes(5)) { Source = "preference-center" };
        await t.Agent.IngestAsync([new ConsentEvent("consent-1", "c-1", Start + Duration.FromMinutes(5), revoked)], Ct);

        t.Clock.Reset(Start + Duration.FromMinutes(10));
        await t.Agent.Reviews.ApproveAsync(review.ReviewId, "alice", Ct);
        await t.RunAtAsync(Start + Duration.FromMinutes(10));

        Assert.Empty(t.AllSends);
    }

    /// <summary>One customer (c-1, e-mail) whose message from a goal that requires review is held at <see cref="Start"/>.</summary>
    private static async Task<Held> HeldAsync(Action<MarketingAutomationOptions>? options = null, Action<IMarketingAutomationBuilder>? configure = null)
    {
        var strategy = new RecordingStrategy();
        var t = TestAgent.Create(
            b =>
            {
                b.AddGoal(new ProbeGoal { RequiresReview = true }).AddConsentPolicy().SetDecisionStrategy(strategy);
                configure?.Invoke(b);
            },
            options);
        await t.ImportAsync(WithEmail("c-1"));
        var tick = await t.RunAsync();
        Assert.Equal((1, 0, 0), (tick.Decide.HeldForReview, tick.Decide.Scheduled, tick.Dispatch.Claimed));
        var review = Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: TestContext.Current.CancellationToken));
        return new Held(t, strategy, review);
    }

    private sealed record Held(TestAgent Agent, RecordingStrategy Strategy, PendingReview Review) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Agent.DisposeAsync();
    }

    private sealed class BannedWordRule(string word) : IContentRule
    {
        public string Name => "banned-words";

        public PolicyVerdict Evaluate(in ContentRuleContext context) =>
            context.Message.Body.Contains(word, StringComparison.OrdinalIgnoreCase)
                ? PolicyVerdict.Deny(ReasonCodes.ContentViolation, "The text uses a banned word.")
                : PolicyVerdict.Allow;
    }
}
