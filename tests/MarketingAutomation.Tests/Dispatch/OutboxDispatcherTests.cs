using MarketingAutomation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Dispatch;

/// <summary>The outbox dispatcher: results per status, durable retries, unknown outcomes, permanent rejections, competing dispatchers.</summary>
public sealed class OutboxDispatcherTests
{
    private static readonly Instant Start = TestAgent.Start;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public enum Failure
    {
        ReturnsUnknown,
        Throws,
        TimesOut,
    }

    [Fact]
    public async Task A_message_waiting_for_its_hour_is_not_sent_when_consent_is_withdrawn_meanwhile()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy().SetSendTimeStrategy(_ => new FixedDelay(Duration.FromHours(3))));
        await t.ImportAsync(WithEmail("c-1"));
        var tick = await t.RunAsync();
        Assert.Equal(0, tick.Dispatch.Claimed);
        var row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal(Start + Duration.FromHours(3), row.DueAt);

        // The customer unsubscribes while the message waits.
        await t.Agent.IngestAsync([new MessageEvent("unsub-1", "c-1", Start + Duration.FromHours(1), Guid.CreateVersion7(), MessageEventKind.Unsubscribed) { Channel = ChannelKind.Email }], Ct);
        var dispatched = await t.Agent.DispatchDueAsync(Start + Duration.FromHours(3), Ct);

        Assert.Equal((1, 0, 1), (dispatched.Claimed, dispatched.Sent, dispatched.Failed));
        Assert.Empty(t.Email.Sends);
        row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal(OutboxStatus.Failed, row.Status);
        Assert.Contains("changed after the decision", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_waiting_for_its_hour_is_sent_when_nothing_changed()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy().SetSendTimeStrategy(_ => new FixedDelay(Duration.FromHours(3))));
        await t.ImportAsync(WithEmail("c-1"));
        await t.RunAsync();

        var dispatched = await t.Agent.DispatchDueAsync(Start + Duration.FromHours(3), Ct);

        Assert.Equal((1, 1), (dispatched.Claimed, dispatched.Sent));
        Assert.Single(t.Email.Accepted);
    }

    private sealed class FixedDelay(Duration delay) : ISendTimeStrategy
    {
        public SendTimeChoice ChooseSendTime(in TimingContext context) => new(context.Now + delay, "test: fixed delay");
    }

    [Fact]
    public async Task A_transient_result_is_retried_immediately_and_the_message_is_sent_once()
    {
        await using var t = TestAgent.Create(
            b => b.AddGoal(new ProbeGoal()),
            o => (o.Dispatch.ImmediateRetries, o.Dispatch.ImmediateRetryDelay) = (2, TimeSpan.FromMilliseconds(1)));
        t.Email.Behavior = (m, attempt) => attempt == 1 ? SendResult.Transient("throttled") : SendResult.Accepted("p-" + attempt);
        await t.ImportAsync(WithEmail("c-1"));

        var tick = await t.RunAsync();

        Assert.Equal((1, 1, 0, 0, 0), (tick.Dispatch.Claimed, tick.Dispatch.Sent, tick.Dispatch.Failed, tick.Dispatch.Retrying, tick.Dispatch.Unknown));
        var row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal((OutboxStatus.Sent, 1, "p-2"), (row.Status, row.Attempts, row.ProviderMessageId));
        Assert.Equal([SendStatus.Transient, SendStatus.Accepted], t.Email.SendsFor(row.Id).Select(s => s.Result.Status));
        Assert.Empty(t.Email.DuplicateAcceptedMessageIds());
        var history = Assert.Single((await t.CustomerAsync("c-1")).Messages);
        Assert.Equal((MessageStatus.Sent, Start), (history.Status, history.SentAt));
    }

    [Fact]
    public async Task A_transient_result_goes_back_to_the_outbox_and_is_not_sent_again_before_its_retry_instant()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()));
        t.Email.Behavior = (m, attempt) => attempt == 1 ? SendResult.Transient("throttled") : SendResult.Accepted("p-" + attempt);
        await t.ImportAsync(WithEmail("c-1"));

        var first = await t.RunAsync();

        Assert.Equal((1, 0, 1), (first.Dispatch.Claimed, first.Dispatch.Sent, first.Dispatch.Retrying));
        var row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal((OutboxStatus.Pending, 1, "throttled"), (row.Status, row.Attempts, row.LastError));

        // RetryBaseDelay (1 minute) with 0.8x to 1.2x jitter.
        Assert.InRange(row.DueAt, Start + Duration.FromSeconds(48), Start + Duration.FromSeconds(72));
        Assert.Equal(MessageStatus.Pending, (await t.CustomerAsync("c-1")).Messages.Single().Status);

        var early = await t.Agent.DispatchDueAsync(row.DueAt - Duration.FromTicks(1), Ct);
        Assert.Equal(0, early.Claimed);
        Assert.Single(t.Email.Sends);

        t.Clock.Reset(row.DueAt);
        var retry = await t.Agent.DispatchDueAsync(row.DueAt, Ct);
        Assert.Equal((1, 1), (retry.Claimed, retry.Sent));
        var sent = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal((OutboxStatus.Sent, 2), (sent.Status, sent.Attempts));
        Assert.Equal([1, 2], t.Email.SendsFor(row.Id).Select(s => s.Attempt));
        Assert.Single(t.Email.Accepted);
    }

    [Fact]
    public async Task A_provider_retry_after_longer_than_the_backoff_is_honoured()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()));
        t.Email.Behavior = (m, attempt) => attempt == 1 ? SendResult.Transient("slow down", Duration.FromMinutes(10)) : SendResult.Accepted("p");
        await t.ImportAsync(WithEmail("c-1"));

        await t.RunAsync();

        Assert.Equal(Start + Duration.FromMinutes(10), Assert.Single(t.Store.OutboxSnapshot()).DueAt);
        Assert.Equal(0, (await t.Agent.DispatchDueAsync(Start + Duration.FromMinutes(9), Ct)).Claimed);
        Assert.Equal(1, (await t.Agent.DispatchDueAsync(Start + Duration.FromMinutes(10), Ct)).Sent);
    }

    [Fact]
    public async Task Transient_results_beyond_max_attempts_fail_the_message()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()), o => o.Dispatch.MaxAttempts = 3);
        t.Email.Behavior = (_, _) => SendResult.Transient("unavailable");
        await t.ImportAsync(WithEmail("c-1"));

        await t.RunAsync();
        var dueTimes = new List<Instant>();
        for (var i = 0; i < 10 && Assert.Single(t.Store.OutboxSnapshot()) is { Status: OutboxStatus.Pending } row; i++)
        {
            dueTimes.Add(row.DueAt);
            t.Clock.Reset(row.DueAt);
            await t.Agent.DispatchDueAsync(row.DueAt, Ct);
        }

        var failed = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal((OutboxStatus.Failed, 3), (failed.Status, failed.Attempts));
        Assert.Contains("out of attempts", failed.LastError, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], t.Email.Sends.Select(s => s.Attempt));
        Assert.Empty(t.Email.Accepted);

        // Exponential backoff: the second wait is longer than the first.
        Assert.Equal(2, dueTimes.Count);
        Assert.True(dueTimes[1] - dueTimes[0] > dueTimes[0] - Start);
        Assert.Equal(MessageStatus.Failed, (await t.CustomerAsync("c-1")).Messages.Single().Status);

        // Failed for good: later rounds do not pick it up.
        Assert.Equal(0, (await t.Agent.DispatchDueAsync(Start + Duration.FromDays(1), Ct)).Claimed);
    }

    [Fact]
    public async Task A_permanent_rejection_fails_the_message_and_disables_the_address_so_the_next_decision_uses_another_channel()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy());
        t.Email.Behavior = (_, _) => SendResult.Rejected(permanent: true, "mailbox does not exist");
        await t.ImportAsync(WithEmail("c-both").AndSms(), WithEmail("c-email-only"));

        var first = await t.RunAsync();

        Assert.Equal((2, 2), (first.Dispatch.Claimed, first.Dispatch.Failed));
        Assert.All(t.Store.OutboxSnapshot(), r => Assert.Equal((OutboxStatus.Failed, "mailbox does not exist"), (r.Status, r.LastError)));
        foreach (var id in new[] { "c-both", "c-email-only" })
        {
            var customer = await t.CustomerAsync(id);
            var email = customer.Customer.FindContact(ChannelKind.Email)!;
            Assert.False(email.IsValid);
            Assert.Equal("mailbox does not exist", email.InvalidReason);
            Assert.Equal(MessageStatus.Failed, customer.Messages.Single().Status);
            Assert.Contains(customer.RecentEvents, e => e is MessageEvent { Kind: MessageEventKind.Bounced, IsHardBounce: true });
        }

        Assert.True((await t.CustomerAsync("c-both")).Customer.FindContact(ChannelKind.Sms)!.IsValid);

        // The bounce made both customers due again; the next decision skips the disabled address.
        var second = await t.RunAtAsync(Start + Duration.FromHours(1));
        Assert.Equal(2, second.Decide.Evaluated);
        var sms = Assert.Single(t.Sms.Accepted);
        Assert.Equal("c-both", sms.Message.CustomerId);
        Assert.Equal(2, t.Email.Sends.Count);
        var explain = await t.Agent.ExplainAsync("c-email-only", cancellationToken: Ct);
        Assert.Equal((DecisionOutcome.NoAction, ReasonCodes.NoReachableChannel), (explain!.Outcome, explain.ReasonCode));
        Assert.Equal(1, explain.Goals.Single().Proposals);
    }

    [Fact]
    public async Task A_non_permanent_rejection_fails_the_message_but_keeps_the_address()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy());
        var calls = 0;
        t.Email.Behavior = (_, _) => Interlocked.Increment(ref calls) == 1 ? SendResult.Rejected(permanent: false, "content blocked") : SendResult.Accepted("p");
        await t.ImportAsync(WithEmail("c-1").AndSms());

        var tick = await t.RunAsync();

        Assert.Equal(1, tick.Dispatch.Failed);
        var row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal((OutboxStatus.Failed, "content blocked"), (row.Status, row.LastError));
        var customer = await t.CustomerAsync("c-1");
        Assert.True(customer.Customer.FindContact(ChannelKind.Email)!.IsValid);
        Assert.Equal(MessageStatus.Failed, customer.Messages.Single().Status);

        // Not retried, and the next decision still prefers e-mail.
        await t.RunAtAsync(Start + Duration.FromHours(1));
        Assert.Single(t.Email.SendsFor(row.Id));
        var next = Assert.Single(t.Email.Accepted);
        Assert.NotEqual(row.Id, next.MessageId);
        Assert.Empty(t.Sms.Sends);
    }

    [Theory]
    [InlineData(Failure.ReturnsUnknown)]
    [InlineData(Failure.Throws)]
    [InlineData(Failure.TimesOut)]
    public async Task An_unknown_outcome_is_recorded_and_never_retried(Failure failure)
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()), o => o.Dispatch.SendTimeout = TimeSpan.FromMilliseconds(200));
        switch (failure)
        {
            case Failure.ReturnsUnknown:
                t.Email.Behavior = (_, _) => SendResult.Unknown("connection reset after the request was written");
                break;
            case Failure.Throws:
                t.Email.Behavior = (_, _) => throw new HttpRequestException("connection reset");
                break;
            default:
                t.Email.AsyncBehavior = async (_, _, ct) =>
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                    return SendResult.Accepted("never");
                };
                break;
        }

        await t.ImportAsync(WithEmail("c-1"));

        var tick = await t.RunAsync();

        Assert.Equal((1, 0, 0, 0, 1), (tick.Dispatch.Claimed, tick.Dispatch.Sent, tick.Dispatch.Failed, tick.Dispatch.Retrying, tick.Dispatch.Unknown));
        var row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal((OutboxStatus.Unknown, 1), (row.Status, row.Attempts));
        Assert.False(string.IsNullOrEmpty(row.LastError));
        Assert.Equal(MessageStatus.Unknown, (await t.CustomerAsync("c-1")).Messages.Single().Status);

        // Never retried blindly: later ticks (and a lease expiry) leave it alone.
        t.Email.Behavior = null;
        t.Email.AsyncBehavior = null;
        foreach (var later in new[] { Start + Duration.FromMinutes(2), Start + Duration.FromMinutes(10), Start + Duration.FromDays(1) })
        {
            var again = await t.RunAtAsync(later);
            Assert.Equal(0, again.Dispatch.Claimed);
        }

        Assert.Single(t.Email.SendsFor(row.Id));
        Assert.Single(t.Email.Sends);
        Assert.Equal(OutboxStatus.Unknown, Assert.Single(t.Store.OutboxSnapshot()).Status);
    }

    [Fact]
    public async Task A_message_for_an_unregistered_channel_fails()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal { ProposeWhen = ProbeGoal.Never }));
        await t.ImportAsync(WithEmail("c-1"));
        var decision = Guid.CreateVersion7(Start.ToDateTimeOffset());
        var message = new OutboundMessage("m-fax", decision, "c-1", "fax", "+14155550123", "Hello") { GoalId = "probe", VariantId = "probe-v1" };
        await t.Store.CommitDecisionsAsync(
            [new DecisionRecord(decision, "c-1", Start, DecisionOutcome.Send, ReasonCodes.Selected, Start + Duration.FromHours(1)) { Outbox = new OutboxMessage(message, Start) }],
            Ct);

        var result = await t.Agent.DispatchDueAsync(Start, Ct);

        Assert.Equal((1, 1, 0), (result.Claimed, result.Failed, result.Sent));
        var row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal(OutboxStatus.Failed, row.Status);
        Assert.Contains("'fax' is not registered", row.LastError, StringComparison.Ordinal);
        Assert.Empty(t.AllSends);
        Assert.Equal(0, (await t.Agent.DispatchDueAsync(Start + Duration.FromDays(1), Ct)).Claimed);
    }

    [Fact]
    public async Task Two_dispatchers_over_one_store_never_send_a_message_twice()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()), o => (o.Dispatch.ClaimBatchSize, o.Dispatch.MaxConcurrentSends) = (16, 4));
        t.Email.AsyncBehavior = async (m, attempt, ct) =>
        {
            await Task.Yield();
            return SendResult.Accepted("p-" + m.MessageId);
        };
        await t.ImportAsync([.. Enumerable.Range(0, 300).Select(i => WithEmail($"c-{i:D3}"))]);
        var decided = await t.Agent.DecideDueAsync(Start, Ct);
        Assert.Equal(300, decided.Scheduled);

        var first = ActivatorUtilities.CreateInstance<OutboxDispatcher>(t.Services);
        var second = ActivatorUtilities.CreateInstance<OutboxDispatcher>(t.Services);
        Assert.NotEqual(first.Owner, second.Owner);
        using var go = new ManualResetEventSlim();
        var a = Task.Run(() => { go.Wait(Ct); return first.DispatchDueAsync(Start, Ct); }, Ct);
        var b = Task.Run(() => { go.Wait(Ct); return second.DispatchDueAsync(Start, Ct); }, Ct);
        go.Set();
        var results = await Task.WhenAll(a, b);

        Assert.Equal(300, results.Sum(r => r.Claimed));
        Assert.Equal(300, results.Sum(r => r.Sent));
        Assert.Empty(t.Email.DuplicateAcceptedMessageIds());
        Assert.Equal(300, t.Email.Sends.Count);
        Assert.Equal(300, t.Email.DistinctMessages);
        Assert.All(t.Store.OutboxSnapshot(), r => Assert.Equal((OutboxStatus.Sent, 1), (r.Status, r.Attempts)));

        // Nothing is left for either of them.
        Assert.Equal(0, (await first.DispatchDueAsync(Start + Duration.FromDays(1), Ct)).Claimed);
        Assert.Equal(0, (await second.DispatchDueAsync(Start + Duration.FromDays(1), Ct)).Claimed);
    }

    [Fact]
    public async Task A_message_accepted_while_the_dispatcher_is_stopping_is_recorded_as_sent_and_not_sent_again()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()));
        using var stopping = new CancellationTokenSource();
        t.Email.Behavior = (m, _) =>
        {
            stopping.Cancel(); // the host begins to stop while the provider accepts the message
            return SendResult.Accepted("p-" + m.MessageId);
        };
        await t.ImportAsync(WithEmail("c-1"));
        await t.Agent.DecideDueAsync(Start, Ct);

        try
        {
            await t.Agent.DispatchDueAsync(Start, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping may surface as a cancellation; what matters is what the outbox remembers.
        }

        t.Email.Behavior = null;
        var afterLease = Start + t.Pipeline.Options.Dispatch.Lease + Duration.FromMinutes(1);
        await t.Agent.DispatchDueAsync(afterLease, Ct);

        Assert.Empty(t.Email.DuplicateAcceptedMessageIds());
        Assert.Single(t.Email.Sends);
        Assert.Equal(OutboxStatus.Sent, Assert.Single(t.Store.OutboxSnapshot()).Status);
    }

    [Fact]
    public async Task A_row_taken_over_from_a_dispatcher_that_vanished_is_looked_up_and_sent_once_when_the_provider_never_got_it()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()), o => o.Dispatch.Lease = Duration.FromMinutes(5));
        t.Email.SupportsLookup = true;
        await t.ImportAsync(WithEmail("c-1"));
        await t.Agent.DecideDueAsync(Start, Ct);
        var claimed = Assert.Single(await t.Store.ClaimOutboxAsync(Start, 10, "crashed-dispatcher", Duration.FromMinutes(5), Ct));

        Assert.Equal(0, (await t.Agent.DispatchDueAsync(Start + Duration.FromMinutes(4), Ct)).Claimed);
        var result = await t.Agent.DispatchDueAsync(Start + Duration.FromMinutes(5), Ct);

        Assert.Equal((1, 1), (result.Claimed, result.Sent));
        Assert.Equal(1, t.Email.Lookups);
        var row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal((OutboxStatus.Sent, 2), (row.Status, row.Attempts));
        Assert.Single(t.Email.SendsFor(claimed.Id));

        // The vanished dispatcher's late completion is refused.
        Assert.False(await t.Store.CompleteOutboxAsync(new OutboxCompletion(claimed.Id, "crashed-dispatcher", OutboxStatus.Failed, Start + Duration.FromMinutes(6)), Ct));
        Assert.Equal(OutboxStatus.Sent, Assert.Single(t.Store.OutboxSnapshot()).Status);
    }

    /// <summary>RL-01: the dispatcher died between the provider's acceptance and recording it; the lookup finds it, no second send.</summary>
    [Fact]
    public async Task A_row_taken_over_after_the_provider_accepted_it_is_recorded_as_sent_without_a_second_send()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()), o => o.Dispatch.Lease = Duration.FromMinutes(5));
        t.Email.SupportsLookup = true;
        await t.ImportAsync(WithEmail("c-1"));
        await t.Agent.DecideDueAsync(Start, Ct);
        var claimed = Assert.Single(await t.Store.ClaimOutboxAsync(Start, 10, "crashed-dispatcher", Duration.FromMinutes(5), Ct));
        var first = await t.Email.SendAsync(claimed.Message, Ct); // the dead dispatcher's call reached the provider; then it died

        var result = await t.Agent.DispatchDueAsync(Start + Duration.FromMinutes(5), Ct);

        Assert.Equal((1, 1), (result.Claimed, result.Sent));
        Assert.Single(t.Email.Sends);
        var row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal((OutboxStatus.Sent, first.ProviderMessageId), (row.Status, row.ProviderMessageId));
        Assert.Equal(MessageStatus.Sent, Assert.Single((await t.Store.GetCustomerAsync("c-1", Ct))!.Messages).Status);
    }

    /// <summary>RL-01, SG-06: without a lookup, a row whose earlier attempt may have reached the provider is Unknown, never re-sent blindly.</summary>
    [Fact]
    public async Task A_row_taken_over_on_a_channel_without_a_lookup_becomes_unknown_and_is_not_sent_again()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()), o => o.Dispatch.Lease = Duration.FromMinutes(5));
        await t.ImportAsync(WithEmail("c-1"));
        await t.Agent.DecideDueAsync(Start, Ct);
        var claimed = Assert.Single(await t.Store.ClaimOutboxAsync(Start, 10, "crashed-dispatcher", Duration.FromMinutes(5), Ct));
        await t.Email.SendAsync(claimed.Message, Ct);

        var result = await t.Agent.DispatchDueAsync(Start + Duration.FromMinutes(5), Ct);
        var later = await t.Agent.DispatchDueAsync(Start + Duration.FromDays(1), Ct);

        Assert.Equal((1, 0, 1), (result.Claimed, result.Sent, result.Unknown));
        Assert.Equal(0, later.Claimed);
        Assert.Single(t.Email.Sends);
        var row = Assert.Single(t.Store.OutboxSnapshot());
        Assert.Equal(OutboxStatus.Unknown, row.Status);
        Assert.Contains("SettleUnknownAsync", row.LastError, StringComparison.Ordinal);

        // A person or a provider check settles it.
        Assert.True(await t.Agent.SettleUnknownAsync(claimed.Id, wasSent: true, providerMessageId: "rec-1", note: "found in the provider's log", cancellationToken: Ct));
        Assert.Equal(OutboxStatus.Sent, Assert.Single(t.Store.OutboxSnapshot()).Status);
    }

    /// <summary>A row is not sent when its lease could end during the send: another dispatcher could take it over and send it too.</summary>
    [Fact]
    public async Task A_row_whose_lease_would_end_during_the_send_is_put_back_unsent()
    {
        await using var t = TestAgent.Create(
            b => b.AddGoal(new ProbeGoal()),
            o =>
            {
                o.Dispatch.Lease = Duration.FromSeconds(2);
                o.Dispatch.SendTimeout = TimeSpan.FromSeconds(1);
                o.Dispatch.MaxConcurrentSends = 1;
            });
        t.Email.AsyncBehavior = async (_, _, ct) =>
        {
            await Task.Delay(600, ct);
            return SendResult.Accepted(t.Email.NextProviderId());
        };
        await t.ImportAsync(WithEmail("c-1"), WithEmail("c-2"), WithEmail("c-3"));
        await t.Agent.DecideDueAsync(Start, Ct);

        var first = await t.Agent.DispatchDueAsync(Start, Ct);
        var second = await t.Agent.DispatchDueAsync(Start, Ct);

        // Budget: lease 2 s - send timeout 1 s; the third row's turn comes after 1.2 s, so it goes back unsent and the next round sends it.
        Assert.Equal((3, 2, 1), (first.Claimed, first.Sent, first.Retrying));
        Assert.Equal((1, 1), (second.Claimed, second.Sent));
        Assert.Equal(3, t.Email.Sends.Count);
        Assert.Equal(3, t.Email.Sends.Select(s => s.MessageId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(t.Store.OutboxSnapshot(), r => Assert.Equal(OutboxStatus.Sent, r.Status));
    }

    [Fact]
    public async Task An_open_circuit_breaker_puts_messages_back_without_calling_the_channel()
    {
        await using var t = TestAgent.Create(
            b => b.AddGoal(new ProbeGoal()),
            o =>
            {
                o.Dispatch.MaxConcurrentSends = 1;
                o.Dispatch.CircuitBreakerMinimumThroughput = 2;
                o.Dispatch.CircuitBreakerFailureRatio = 0.5;
                o.Dispatch.CircuitBreakerBreakDuration = TimeSpan.FromMinutes(5);
            });
        t.Email.Behavior = (_, _) => SendResult.Transient("provider down");
        await t.ImportAsync(WithEmail("c-1"), WithEmail("c-2"), WithEmail("c-3"));

        var tick = await t.RunAsync();

        Assert.Equal((3, 3, 0), (tick.Dispatch.Claimed, tick.Dispatch.Retrying, tick.Dispatch.Failed));
        Assert.Equal(2, t.Email.Sends.Count);
        var rows = t.Store.OutboxSnapshot();
        Assert.All(rows, r => Assert.Equal((OutboxStatus.Pending, 1), (r.Status, r.Attempts)));
        var skipped = Assert.Single(rows, r => t.Email.SendsFor(r.Id).Count == 0);
        Assert.Contains("circuit breaker is open", skipped.LastError, StringComparison.Ordinal);
        Assert.All(rows.Where(r => r != skipped), r => Assert.Equal("provider down", r.LastError));
    }

    [Fact]
    public async Task A_message_due_later_is_not_sent_early()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).SetSendTimeStrategy(_ => new DelayedSendTime(Duration.FromHours(2))));
        await t.ImportAsync(WithEmail("c-1"));

        var first = await t.RunAsync();
        var second = await t.RunAtAsync(Start + Duration.FromHours(1));
        var third = await t.RunAtAsync(Start + Duration.FromHours(2));

        Assert.Equal((1, 0, 0, 1), (first.Decide.Scheduled, first.Dispatch.Claimed, second.Dispatch.Claimed, third.Dispatch.Sent));
        Assert.Equal(Start + Duration.FromHours(2), Assert.Single(t.Email.Sends).At);
    }
}
