using MarketingAutomation.Tests.Support;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Agent;

/// <summary>One customer's failure becomes an Error trace on that customer; the rest of the batch is decided, committed and sent.</summary>
public sealed class FailureIsolationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(3)]
    [InlineData(300)] // decided in parallel (256 or more customers, two threads)
    public async Task A_goal_that_throws_for_one_customer_fails_only_that_customer(int customers)
    {
        var probe = new ProbeGoal { ThrowFor = "c-0001" };
        await using var t = TestAgent.Create(b => b.AddGoal(probe).AddConsentPolicy());
        await t.ImportAsync([.. Enumerable.Range(0, customers).Select(i => WithEmail($"c-{i:D4}"))]);

        var tick = await t.RunAsync();

        Assert.Equal(customers, tick.Decide.Evaluated);
        Assert.Equal(1, tick.Decide.Errors);
        Assert.Equal(customers - 1, tick.Decide.Scheduled);
        Assert.Equal(customers - 1, tick.Dispatch.Sent);
        Assert.Equal(1, tick.Decide.ByReason[ReasonCodes.EvaluationError]);
        await AssertErrorTraceAsync(t, "c-0001", "probe goal failed for c-0001");
        Assert.Equal(customers - 1, t.Email.Accepted.Count);
        Assert.DoesNotContain(t.Email.Sends, s => s.Message.CustomerId == "c-0001");
        Assert.Contains(t.Email.Sends, s => s.Message.CustomerId == "c-0000");
        Assert.Contains(t.Email.Sends, s => s.Message.CustomerId == "c-0002");
    }

    [Fact]
    public async Task A_policy_that_throws_for_one_customer_fails_only_that_customer()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy().AddPolicy(new FailingPolicy("c-bad")));
        await t.ImportAsync(WithEmail("c-1"), WithEmail("c-bad"), WithEmail("c-3"));

        var tick = await t.RunAsync();

        Assert.Equal((3, 1, 2), (tick.Decide.Evaluated, tick.Decide.Errors, tick.Dispatch.Sent));
        await AssertErrorTraceAsync(t, "c-bad", "policy failed for c-bad");
        Assert.Equal(["c-1", "c-3"], t.Email.Accepted.Select(s => s.Message.CustomerId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_composer_that_throws_for_one_customer_fails_only_that_customer()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy().SetContentComposer(new FailingComposer("c-bad")));
        await t.ImportAsync(WithEmail("c-1"), WithEmail("c-bad"), WithEmail("c-3"));

        var tick = await t.RunAsync();

        Assert.Equal((3, 1, 2), (tick.Decide.Evaluated, tick.Decide.Errors, tick.Dispatch.Sent));
        var trace = await AssertErrorTraceAsync(t, "c-bad", "template broke for c-bad");
        Assert.Contains("FormatException while composing or checking the message", trace.Error, StringComparison.Ordinal);

        // The decision itself had been made: goals and candidates are on the trace, but no message.
        Assert.Equal("probe", Assert.Single(trace.Goals).GoalId);
        Assert.NotEmpty(trace.Candidates);
        Assert.Null(trace.MessageId);
        Assert.Empty(t.OutboxOf("c-bad"));
        Assert.Equal(["c-1", "c-3"], t.Email.Accepted.Select(s => s.Message.CustomerId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_middleware_that_throws_fails_only_that_customer()
    {
        var middleware = new DelegateMiddleware((context, next, ct) =>
            context.Customer.Id == "c-bad" ? throw new InvalidOperationException("middleware failed") : next(context, ct));
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).Use(middleware));
        await t.ImportAsync(WithEmail("c-1"), WithEmail("c-bad"));

        var tick = await t.RunAsync();

        Assert.Equal((2, 1, 1), (tick.Decide.Evaluated, tick.Decide.Errors, tick.Dispatch.Sent));
        await AssertErrorTraceAsync(t, "c-bad", "middleware failed");
    }

    [Fact]
    public async Task A_failed_customer_is_tried_again_after_the_error_retry_interval()
    {
        var probe = new ProbeGoal { ThrowFor = "c-bad" };
        await using var t = TestAgent.Create(b => b.AddGoal(probe), o => o.ErrorRetryInterval = Duration.FromMinutes(30));
        await t.ImportAsync(WithEmail("c-bad"));

        await t.RunAsync();
        await t.RunAtAsync(TestAgent.Start + Duration.FromMinutes(29));
        Assert.Equal(1, probe.Evaluations["c-bad"]);
        await t.RunAtAsync(TestAgent.Start + Duration.FromMinutes(30));
        Assert.Equal(2, probe.Evaluations["c-bad"]);
        Assert.Equal(2, (await t.TracesAsync("c-bad")).Count(tr => tr.Outcome == DecisionOutcome.Error));
    }

    private static async Task<DecisionTrace> AssertErrorTraceAsync(TestAgent t, string customerId, string error)
    {
        var traces = await t.Store.GetTracesAsync(customerId, 10, Ct);
        var trace = Assert.Single(traces);
        Assert.Equal(DecisionOutcome.Error, trace.Outcome);
        Assert.Equal(ReasonCodes.EvaluationError, trace.ReasonCode);
        Assert.NotNull(trace.Error);
        Assert.Contains(error, trace.Error, StringComparison.Ordinal);
        Assert.Contains("error: ", trace.Explain(), StringComparison.Ordinal);

        // Retried after the error interval, not at once and not a day later.
        var expectedNext = t.Now + t.Pipeline.Options.ErrorRetryInterval;
        Assert.Equal(expectedNext, trace.NextEvaluationAt);
        Assert.Equal(expectedNext, (await t.CustomerAsync(customerId)).NextEvaluationAt);
        Assert.Empty(t.OutboxOf(customerId));
        return trace;
    }
}
