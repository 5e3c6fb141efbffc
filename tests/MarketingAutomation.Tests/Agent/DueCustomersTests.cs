using System.Globalization;
using MarketingAutomation.Tests.Support;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Agent;

/// <summary>Which customers a decide pass evaluates: every due customer exactly once, in keyset pages; nobody who is not due.</summary>
public sealed class DueCustomersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(64, 1, false)]
    [InlineData(64, 4, false)]
    [InlineData(1024, 2, false)] // one page of 500, decided in parallel
    [InlineData(7, 1, false)]
    [InlineData(64, 2, true)] // the next page read while the current one commits
    [InlineData(7, 1, true)]
    public async Task Every_due_customer_is_evaluated_exactly_once_per_pass_across_pages(int batchSize, int threads, bool readAhead)
    {
        // Half of the customers get a message (committed with a trace), half no action (only rescheduled): both kinds of writes
        // happen between pages.
        var probe = new ProbeGoal { ProposeWhen = (c, _) => c.Messages.IsEmpty && int.Parse(c.Id.AsSpan(2), CultureInfo.InvariantCulture) % 2 == 0 };
        await using var t = TestAgent.Create(b => b.AddGoal(probe), o => (o.BatchSize, o.MaxDegreeOfParallelism, o.ReadAhead) = (batchSize, threads, readAhead));

        // Customers become due at 50 different instants (imported at different times), so pages cross due-instant boundaries.
        var ids = Enumerable.Range(0, 500).Select(i => $"c-{i:D4}").ToList();
        for (var group = 0; group < 50; group++)
        {
            t.Clock.Reset(TestAgent.Start + Duration.FromMinutes(group));
            await t.ImportAsync([.. ids.Skip(group * 10).Take(10).Select(id => WithEmail(id))]);
        }

        var now = TestAgent.Start + Duration.FromHours(1);
        var result = await t.Agent.DecideDueAsync(now, Ct);

        Assert.Equal(500, result.Evaluated);
        Assert.Equal((250, 250, 0), (result.Scheduled, result.NoAction, result.Errors));
        Assert.Equal(500, probe.Evaluations.Count);
        Assert.All(ids, id => Assert.Equal(1, probe.Evaluations.GetValueOrDefault(id)));
        Assert.Equal(250, t.Store.OutboxSnapshot().Count);

        // Nobody is due any more at the same instant.
        var again = await t.Agent.DecideDueAsync(now, Ct);
        Assert.Equal(0, again.Evaluated);
        Assert.Equal(500, probe.TotalEvaluations);
    }

    [Fact]
    public async Task A_customer_is_not_evaluated_before_their_next_evaluation()
    {
        var probe = new ProbeGoal { ProposeWhen = ProbeGoal.Never };
        await using var t = TestAgent.Create(b => b.AddGoal(probe), o => o.ReevaluationInterval = Duration.FromHours(6));
        await t.ImportAsync(WithEmail("c-1"));

        await t.Agent.DecideDueAsync(TestAgent.Start, Ct);
        Assert.Equal(TestAgent.Start + Duration.FromHours(6), (await t.CustomerAsync("c-1")).NextEvaluationAt);

        var early = await t.Agent.DecideDueAsync(TestAgent.Start + Duration.FromHours(6) - Duration.FromTicks(1), Ct);
        Assert.Equal(0, early.Evaluated);
        Assert.Equal(1, probe.Evaluations["c-1"]);

        var due = await t.Agent.DecideDueAsync(TestAgent.Start + Duration.FromHours(6), Ct);
        Assert.Equal(1, due.Evaluated);
        Assert.Equal(2, probe.Evaluations["c-1"]);
    }

    [Fact]
    public async Task A_goal_that_names_an_earlier_instant_brings_the_next_evaluation_forward()
    {
        var wake = TestAgent.Start + Duration.FromMinutes(90);
        var probe = new ProbeGoal { ProposeWhen = (_, now) => now >= wake, Wake = (_, _) => wake };
        await using var t = TestAgent.Create(b => b.AddGoal(probe));
        await t.ImportAsync(WithEmail("c-1"));

        await t.RunAsync();
        Assert.Equal(wake, (await t.CustomerAsync("c-1")).NextEvaluationAt);
        Assert.Equal(0, (await t.RunAtAsync(TestAgent.Start + Duration.FromHours(1))).Decide.Evaluated);

        var tick = await t.RunAtAsync(wake);
        Assert.Equal((1, 1), (tick.Decide.Evaluated, tick.Dispatch.Sent));
        Assert.Equal(wake, t.Email.Sends.Single().At);
    }

    [Fact]
    public async Task After_a_message_is_scheduled_the_trace_names_the_send_interval_as_next_evaluation()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()), o => o.ReevaluationAfterSend = Duration.FromHours(3));
        await t.ImportAsync(WithEmail("c-1"));

        var result = await t.Agent.DecideDueAsync(TestAgent.Start, Ct);

        Assert.Equal(1, result.Scheduled);
        Assert.Equal(TestAgent.Start + Duration.FromHours(3), (await t.CustomerAsync("c-1")).NextEvaluationAt);
        Assert.Equal(TestAgent.Start + Duration.FromHours(3), (await t.TracesAsync("c-1")).Single().NextEvaluationAt);
    }

    [Fact]
    public async Task After_a_message_is_sent_the_customer_is_not_evaluated_before_the_send_interval()
    {
        var probe = new ProbeGoal();
        await using var t = TestAgent.Create(b => b.AddGoal(probe), o => o.ReevaluationAfterSend = Duration.FromHours(3));
        await t.ImportAsync(WithEmail("c-1"));

        var tick = await t.RunAsync();
        Assert.Equal(1, tick.Dispatch.Sent);

        Assert.Equal(TestAgent.Start + Duration.FromHours(3), (await t.CustomerAsync("c-1")).NextEvaluationAt);
        Assert.Equal(0, (await t.RunAtAsync(TestAgent.Start + Duration.FromHours(1))).Decide.Evaluated);
        Assert.Equal(1, probe.Evaluations["c-1"]);
    }

    [Fact]
    public async Task A_customer_imported_for_later_is_not_due_before()
    {
        var probe = new ProbeGoal();
        await using var t = TestAgent.Create(b => b.AddGoal(probe));
        t.Clock.Reset(TestAgent.Start + Duration.FromDays(5));
        await t.ImportAsync(WithEmail("c-later"));

        var tick = await t.RunAtAsync(TestAgent.Start + Duration.FromDays(1));

        Assert.Equal(0, tick.Decide.Evaluated);
        Assert.Empty(probe.Evaluations);
        Assert.Equal(1, (await t.RunAtAsync(TestAgent.Start + Duration.FromDays(5))).Decide.Evaluated);
    }

    [Fact]
    public async Task Re_importing_an_unchanged_customer_does_not_make_them_due_again()
    {
        var probe = new ProbeGoal { ProposeWhen = ProbeGoal.Never };
        await using var t = TestAgent.Create(b => b.AddGoal(probe));
        var customer = WithEmail("c-1");
        await t.ImportAsync(customer);
        await t.RunAsync();

        t.Clock.Reset(TestAgent.Start + Duration.FromHours(1));
        await t.ImportAsync(customer);
        Assert.Equal(0, (await t.RunAsync()).Decide.Evaluated);

        // A changed customer is due again at once.
        await t.ImportAsync(customer with { Language = "de" });
        Assert.Equal(1, (await t.RunAsync()).Decide.Evaluated);
    }
}
