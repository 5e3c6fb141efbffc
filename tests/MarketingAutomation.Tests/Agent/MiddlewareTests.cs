using System.Collections.Concurrent;
using MarketingAutomation.Tests.Support;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Agent;

/// <summary>Middleware added with <c>builder.Use(...)</c> runs around compose, content rules and the review gate, first added outermost.</summary>
public sealed class MiddlewareTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_first_middleware_added_runs_outermost()
    {
        var log = new ConcurrentQueue<string>();
        DelegateMiddleware Recording(string name) => new(async (context, next, ct) =>
        {
            log.Enqueue($"{name}:before:{(context.Message is null ? "not composed" : "composed")}");
            await next(context, ct);
            log.Enqueue($"{name}:after:{(context.Message is null ? "not composed" : "composed")}:{context.ContentVerdicts.Length}");
        });
        var outer = Recording("outer");
        var inner = Recording("inner");
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).Use(outer).Use(_ => inner));
        await t.ImportAsync(WithEmail("c-1"));

        var tick = await t.RunAsync();

        Assert.Equal([outer, inner], t.Pipeline.Middleware);
        Assert.Equal(["outer:before:not composed", "inner:before:not composed", "inner:after:composed:1", "outer:after:composed:1"], log);
        Assert.Equal(1, tick.Dispatch.Sent);
    }

    [Fact]
    public async Task Middleware_does_not_run_for_customers_who_get_no_message()
    {
        var calls = 0;
        var middleware = new DelegateMiddleware((context, next, ct) =>
        {
            Interlocked.Increment(ref calls);
            return next(context, ct);
        });
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy().Use(middleware));
        await t.ImportAsync(WithEmail("c-1"), WithoutConsent("c-2"), WithoutConsent("c-3"));

        await t.RunAsync();

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_middleware_that_does_not_continue_cancels_the_decision()
    {
        var middleware = new DelegateMiddleware((context, _, _) =>
        {
            context.AddNote("skipped by test middleware");
            return ValueTask.CompletedTask;
        });
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).Use(middleware));
        await t.ImportAsync(WithEmail("c-1"));

        var tick = await t.RunAsync();

        Assert.Equal((1, 0, 1), (tick.Decide.Evaluated, tick.Decide.Scheduled, tick.Decide.Cancelled));
        Assert.Equal(0, tick.Dispatch.Claimed);
        Assert.Empty(t.AllSends);
        Assert.Empty(t.Store.OutboxSnapshot());
        Assert.Empty(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        var trace = Assert.Single(await t.TracesAsync("c-1"));
        Assert.Equal((DecisionOutcome.Cancelled, ReasonCodes.CancelledByMiddleware), (trace.Outcome, trace.ReasonCode));
        Assert.Contains("skipped by test middleware", trace.Notes);
        Assert.Null(trace.MessageId);
        Assert.Empty((await t.CustomerAsync("c-1")).Messages);
    }

    [Fact]
    public async Task A_middleware_that_cancels_after_composing_sends_nothing()
    {
        var middleware = new DelegateMiddleware(async (context, next, ct) =>
        {
            await next(context, ct);
            context.Outcome = DecisionOutcome.Cancelled;
            context.ReasonCode = "DryRun";
            context.HoldForReview(ReasonCodes.LowConfidence, "ignored once cancelled");
        });
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).Use(middleware));
        await t.ImportAsync(WithEmail("c-1"), WithEmail("c-2"));

        var tick = await t.RunAsync();
        await t.RunAtAsync(TestAgent.Start + Duration.FromDays(1));

        Assert.Equal(2, tick.Decide.Cancelled);
        Assert.Empty(t.AllSends);
        Assert.Empty(t.Store.OutboxSnapshot());
        Assert.Empty(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        var traces = await t.TracesAsync("c-1");
        var trace = traces[^1];
        Assert.Equal((DecisionOutcome.Cancelled, "DryRun"), (trace.Outcome, trace.ReasonCode));
        Assert.Null(trace.ReviewReason);
        Assert.Equal("channel-length", Assert.Single(trace.ContentVerdicts).Rule);
    }

    [Fact]
    public async Task A_cancelled_decision_names_no_message()
    {
        var middleware = new DelegateMiddleware(async (context, next, ct) =>
        {
            await next(context, ct);
            context.Outcome = DecisionOutcome.Cancelled;
            context.ReasonCode = ReasonCodes.CancelledByMiddleware;
        });
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).Use(middleware));
        await t.ImportAsync(WithEmail("c-1"));

        await t.RunAsync();

        var trace = Assert.Single(await t.TracesAsync("c-1"));
        Assert.Equal(DecisionOutcome.Cancelled, trace.Outcome);
        Assert.Empty(t.Store.OutboxSnapshot());
        Assert.Null(trace.MessageId);
    }

    [Fact]
    public async Task A_middleware_can_hold_a_decision_for_review()
    {
        var middleware = new DelegateMiddleware(async (context, next, ct) =>
        {
            await next(context, ct);
            if (context.Customer.Id == "c-held")
            {
                context.HoldForReview("Vip", "every VIP message is checked by a person");
            }
        });
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).Use(middleware));
        await t.ImportAsync(WithEmail("c-held"), WithEmail("c-free"));

        var tick = await t.RunAsync();

        Assert.Equal((1, 1, 1), (tick.Decide.Scheduled, tick.Decide.HeldForReview, tick.Dispatch.Sent));
        Assert.Equal("c-free", t.Email.Sends.Single().Message.CustomerId);
        var review = Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        Assert.Equal("c-held", review.CustomerId);
        Assert.Equal("Vip", review.Reason);
        var trace = await t.Agent.WhyAsync(review.DecisionId, Ct);
        Assert.Contains("every VIP message is checked by a person", trace!.ReviewReason, StringComparison.Ordinal);
        Assert.Equal((DecisionOutcome.Review, "Vip"), (trace!.Outcome, trace.ReasonCode));
        Assert.Equal(review.Message.Id, trace.MessageId);
        Assert.Contains("held for review: every VIP message is checked by a person", trace.Explain(), StringComparison.Ordinal);

        // Nothing goes out for the held customer until someone approves.
        await t.RunAtAsync(TestAgent.Start + Duration.FromDays(1));
        Assert.DoesNotContain(t.AllSends, s => s.Message.CustomerId == "c-held");
    }

    [Fact]
    public async Task A_middleware_can_move_the_send_instant()
    {
        var later = TestAgent.Start + Duration.FromHours(4);
        var middleware = new DelegateMiddleware((context, next, ct) =>
        {
            context.SendAt = later;
            return next(context, ct);
        });
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).Use(middleware));
        await t.ImportAsync(WithEmail("c-1"));

        await t.RunAsync();
        Assert.Equal(later, Assert.Single(t.Store.OutboxSnapshot()).DueAt);
        Assert.Empty(t.AllSends);

        await t.RunAtAsync(later);
        Assert.Equal(later, Assert.Single(t.Email.Sends).At);
    }
}
