using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Feedback;

/// <summary>Feedback: idempotent ingestion, learning once per new outcome with the decision's goal, variant and channel, and projection.</summary>
public sealed class FeedbackIngestorTests
{
    private static readonly Instant Start = TestAgent.Start;
    private static readonly Instant Later = Start + Duration.FromMinutes(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_events_ingested_twice_are_stored_once()
    {
        await using var f = await SentOneAsync();
        var (t, _, sent) = f;
        CustomerEvent[] events = [Event(sent, MessageEventKind.Delivered), Event(sent, MessageEventKind.Opened), Event(sent, MessageEventKind.Clicked)];
        var version = (await t.CustomerAsync("c-1")).Version;

        var first = await t.Agent.IngestAsync(events, Ct);
        var afterFirst = await t.CustomerAsync("c-1");
        var second = await t.Agent.IngestAsync(events, Ct);
        var afterSecond = await t.CustomerAsync("c-1");

        Assert.Equal((3, 0, 0), (first.Appended, first.Duplicates, first.UnknownCustomers));
        Assert.Equal((0, 3, 0, 0), (second.Appended, second.Duplicates, second.UnknownCustomers, second.Learned));
        Assert.True(afterFirst.Version > version);
        Assert.Equal(afterFirst.Version, afterSecond.Version);
        Assert.Equal(3, afterSecond.RecentEvents.Count(e => e is MessageEvent m && m.DecisionId == sent.DecisionId && m.Kind != MessageEventKind.Sent));

        // A batch that carries the same event twice stores it once.
        var repeated = Event(sent, MessageEventKind.Replied);
        var within = await t.Agent.IngestAsync([repeated, repeated], Ct);
        Assert.Equal((1, 1), (within.Appended, within.Duplicates));
    }

    [Fact]
    public async Task Each_new_outcome_is_learned_once_with_the_decisions_goal_variant_and_channel()
    {
        await using var f = await SentOneAsync();
        var (t, strategy, sent) = f;
        CustomerEvent[] events = [Event(sent, MessageEventKind.Delivered), Event(sent, MessageEventKind.Opened), Event(sent, MessageEventKind.Clicked)];

        var first = await t.Agent.IngestAsync(events, Ct);
        var second = await t.Agent.IngestAsync(events, Ct);

        Assert.Equal((3, 0), (first.Learned, second.Learned));
        var learned = strategy.Learned;
        Assert.Equal([FeedbackKind.Delivered, FeedbackKind.Opened, FeedbackKind.Clicked], learned.Select(f => f.Kind));
        Assert.All(learned, f =>
        {
            Assert.Equal((sent.DecisionId, "c-1", Later), (f.DecisionId, f.CustomerId, f.OccurredAt));
            Assert.Equal(("probe", "probe-v1", "email"), (f.GoalId, f.VariantId, f.Channel));
        });
    }

    [Fact]
    public async Task A_machine_open_is_learned_as_machine_opened_and_a_human_open_as_opened()
    {
        await using var f = await SentOneAsync();
        var (t, strategy, sent) = f;

        await t.Agent.IngestAsync([Event(sent, MessageEventKind.Opened, "machine") with { IsMachineOpen = true }], Ct);
        await t.Agent.IngestAsync([Event(sent, MessageEventKind.Opened, "human")], Ct);

        Assert.Equal([FeedbackKind.MachineOpened, FeedbackKind.Opened], strategy.Learned.Select(f => f.Kind));
    }

    [Fact]
    public async Task A_machine_open_is_weak_evidence_and_does_not_count_as_engagement()
    {
        await using var f = await SentOneAsync();
        var (t, _, sent) = f;

        Assert.Equal(FeedbackKind.MachineOpened, FeedbackIngestor.ToFeedback(Event(sent, MessageEventKind.Opened) with { IsMachineOpen = true })!.Kind);
        Assert.Equal(FeedbackKind.Opened, FeedbackIngestor.ToFeedback(Event(sent, MessageEventKind.Opened))!.Kind);

        await t.Agent.IngestAsync([Event(sent, MessageEventKind.Opened, "machine") with { IsMachineOpen = true }], Ct);
        Assert.Null((await t.CustomerAsync("c-1")).Messages.Single().EngagedAt);

        await t.Agent.IngestAsync([Event(sent, MessageEventKind.Opened, "human") with { OccurredAt = Later + Duration.FromMinutes(5) }], Ct);
        Assert.Equal(Later + Duration.FromMinutes(5), (await t.CustomerAsync("c-1")).Messages.Single().EngagedAt);
    }

    [Fact]
    public void An_sms_opt_out_keyword_reply_reaches_the_strategy_as_an_unsubscribe_not_as_engagement()
    {
        // TW-06 / TC-03: STOP is an opt-out; a learner must count it against the message, never as a reply.
        var id = Guid.CreateVersion7();
        var stop = new MessageEvent("e-stop", "c-1", Later, id, MessageEventKind.Replied) { Channel = ChannelKind.Sms, ReplyText = " stop " };
        var hello = stop with { EventId = "e-hello", ReplyText = "Yes please" };
        var emailStop = stop with { EventId = "e-mail", Channel = ChannelKind.Email };

        Assert.Equal(FeedbackKind.Unsubscribed, FeedbackIngestor.ToFeedback(stop)!.Kind);
        Assert.Equal(FeedbackKind.Replied, FeedbackIngestor.ToFeedback(hello)!.Kind);
        Assert.Equal(FeedbackKind.Replied, FeedbackIngestor.ToFeedback(emailStop)!.Kind);
    }

    [Fact]
    public async Task An_unsubscribe_revokes_marketing_consent_so_the_next_decision_on_that_channel_is_denied()
    {
        await using var f = await SentOneAsync(ProbeGoal.Always, sms: true);
        var (t, _, sent) = f;
        Assert.Equal(DecisionOutcome.Send, (await t.Agent.ExplainAsync("c-1", Later, Ct))!.Outcome);

        await t.Agent.IngestAsync([Event(sent, MessageEventKind.Unsubscribed)], Ct);

        var customer = await t.CustomerAsync("c-1");
        Assert.Equal(ConsentStatus.Revoked, customer.Customer.ConsentFor(ChannelKind.Email, MessagePurpose.Marketing)!.Status);
        var explain = await t.Agent.ExplainAsync("c-1", Later + Duration.FromHours(1), Ct);
        Assert.NotNull(explain);
        var email = explain.Candidates.Single(c => c.Channel == "email");
        Assert.False(email.Allowed);
        var verdict = email.Verdicts.Single(v => v.Rule == "consent");
        Assert.Equal((VerdictKind.Deny, ReasonCodes.OptedOut), (verdict.Kind, verdict.Code));

        // The other channel is unaffected: the agent moves to SMS.
        Assert.Equal("sms", explain.Chosen!.Channel);
        await t.RunAtAsync(Later + Duration.FromHours(1));
        Assert.Single(t.Email.Sends);
        Assert.Single(t.Sms.Accepted);
    }

    [Fact]
    public async Task An_unsubscribe_on_the_only_channel_leaves_nothing_to_send()
    {
        await using var f = await SentOneAsync(ProbeGoal.Always);
        var (t, _, sent) = f;

        await t.Agent.IngestAsync([Event(sent, MessageEventKind.Complained)], Ct);

        var explain = await t.Agent.ExplainAsync("c-1", Later + Duration.FromHours(1), Ct);
        Assert.Equal((DecisionOutcome.NoAction, ReasonCodes.AllCandidatesDenied), (explain!.Outcome, explain.ReasonCode));
        Assert.Contains("consent: Deny OptedOut", explain.Explain(), StringComparison.Ordinal);
        await t.RunAtAsync(Later + Duration.FromHours(1));
        await t.RunAtAsync(Later + Duration.FromDays(2));
        Assert.Single(t.Email.Sends);
    }

    [Fact]
    public async Task An_unsubscribe_without_a_channel_revokes_consent_on_the_channel_the_message_went_out_on()
    {
        await using var f = await SentOneAsync(ProbeGoal.Always);
        var (t, _, sent) = f;

        await t.Agent.IngestAsync([Event(sent, MessageEventKind.Unsubscribed) with { Channel = null }], Ct);

        var explain = await t.Agent.ExplainAsync("c-1", Later + Duration.FromHours(1), Ct);
        Assert.Equal((DecisionOutcome.NoAction, ReasonCodes.AllCandidatesDenied), (explain!.Outcome, explain.ReasonCode));
    }

    [Fact]
    public async Task A_hard_bounce_disables_the_contact_point_and_a_soft_bounce_does_not()
    {
        await using var f = await SentOneAsync(ProbeGoal.Always);
        var (t, _, sent) = f;

        await t.Agent.IngestAsync([Event(sent, MessageEventKind.Bounced, "soft") with { Reason = "mailbox full" }], Ct);
        Assert.True((await t.CustomerAsync("c-1")).Customer.FindContact(ChannelKind.Email)!.IsValid);
        Assert.Equal(DecisionOutcome.Send, (await t.Agent.ExplainAsync("c-1", Later, Ct))!.Outcome);

        await t.Agent.IngestAsync([Event(sent, MessageEventKind.Bounced, "hard") with { IsHardBounce = true, Reason = "no such user" }], Ct);

        var customer = await t.CustomerAsync("c-1");
        var contact = customer.Customer.FindContact(ChannelKind.Email)!;
        Assert.Equal((false, "no such user"), (contact.IsValid, contact.InvalidReason));
        Assert.Equal(MessageStatus.Failed, customer.Messages.Single().Status);
        var explain = await t.Agent.ExplainAsync("c-1", Later + Duration.FromHours(1), Ct);
        Assert.Equal((DecisionOutcome.NoAction, ReasonCodes.NoReachableChannel), (explain!.Outcome, explain.ReasonCode));
        await t.RunAtAsync(Later + Duration.FromHours(1));
        Assert.Single(t.Email.Sends);
    }

    [Fact]
    public async Task An_attributed_purchase_is_recorded_and_marks_the_message_engaged()
    {
        await using var f = await SentOneAsync();
        var (t, _, sent) = f;
        var purchase = new Purchase("o-77", Later, 129.90m) { AttributedDecisionId = sent.DecisionId, Items = [new PurchaseItem("sock-1", "socks", 2, 64.95m)] };

        var result = await t.Agent.IngestAsync([new PurchaseEvent("o-77", "c-1", Later, purchase)], Ct);

        Assert.Equal(1, result.Appended);
        Assert.Equal(new DecisionFeedback(sent.DecisionId, "c-1", FeedbackKind.Converted, Later) { Value = 129.90m }, FeedbackIngestor.ToFeedback(new PurchaseEvent("o-77", "c-1", Later, purchase)));
        var customer = await t.CustomerAsync("c-1");
        Assert.Equal(129.90m, customer.Customer.Purchases.Single().Amount);
        Assert.Equal(Later, customer.Customer.LastPurchaseAt);
        Assert.Equal(Later, customer.Messages.Single().EngagedAt);

        // An unattributed purchase carries no outcome for any decision.
        Assert.Null(FeedbackIngestor.ToFeedback(new PurchaseEvent("o-78", "c-1", Later, new Purchase("o-78", Later, 10m))));
    }

    [Fact]
    public async Task An_attributed_purchase_is_learned_as_a_conversion_with_its_value()
    {
        await using var f = await SentOneAsync();
        var (t, strategy, sent) = f;
        var purchase = new Purchase("o-77", Later, 129.90m) { AttributedDecisionId = sent.DecisionId };

        var result = await t.Agent.IngestAsync([new PurchaseEvent("o-77", "c-1", Later, purchase), new PurchaseEvent("o-78", "c-1", Later, new Purchase("o-78", Later, 10m))], Ct);

        Assert.Equal((2, 1), (result.Appended, result.Learned));
        var converted = Assert.Single(strategy.Learned);
        Assert.Equal((FeedbackKind.Converted, 129.90m, sent.DecisionId), (converted.Kind, converted.Value, converted.DecisionId));
        Assert.Equal(("probe", "probe-v1", "email"), (converted.GoalId, converted.VariantId, converted.Channel));
    }

    [Fact]
    public async Task Learning_works_with_the_default_in_memory_store()
    {
        await using var f = await SentOneAsync(defaultStore: true);
        var (t, strategy, sent) = f;

        var result = await t.Agent.IngestAsync([Event(sent, MessageEventKind.Clicked)], Ct);

        Assert.Equal((1, 1), (result.Appended, result.Learned));
        Assert.Equal(FeedbackKind.Clicked, Assert.Single(strategy.Learned).Kind);
    }

    [Fact]
    public async Task A_strategy_that_fails_to_learn_loses_no_event()
    {
        await using var f = await SentOneAsync();
        var (t, strategy, sent) = f;
        strategy.ThrowOnLearn = true;

        var result = await t.Agent.IngestAsync([Event(sent, MessageEventKind.Clicked), Event(sent, MessageEventKind.Replied) with { ReplyText = "thanks" }], Ct);

        Assert.Equal((2, 0), (result.Appended, result.Learned));
        Assert.Equal(2, strategy.Learned.Count);
        Assert.Equal(Later, (await t.CustomerAsync("c-1")).Messages.Single().EngagedAt);
    }

    [Fact]
    public async Task An_ingested_event_makes_the_customer_due_again()
    {
        var probe = new ProbeGoal { ProposeWhen = ProbeGoal.Never };
        await using var t = TestAgent.Create(b => b.AddGoal(probe));
        await t.ImportAsync(WithEmail("c-1"));
        await t.RunAsync();
        Assert.Equal(Start + Duration.FromDays(1), (await t.CustomerAsync("c-1")).NextEvaluationAt);
        var browsedAt = Start + Duration.FromHours(2);

        await t.Agent.IngestAsync([new BrowseEvent("b-1", "c-1", browsedAt, "running-shoes")], Ct);

        Assert.Equal(browsedAt, (await t.CustomerAsync("c-1")).NextEvaluationAt);
        Assert.Equal(0, (await t.RunAtAsync(browsedAt - Duration.FromMinutes(1))).Decide.Evaluated);
        Assert.Equal(1, (await t.RunAtAsync(browsedAt)).Decide.Evaluated);
        Assert.Equal(2, probe.Evaluations["c-1"]);
    }

    [Fact]
    public async Task Events_for_unknown_customers_are_counted_and_ignored()
    {
        await using var f = await SentOneAsync();
        var (t, strategy, sent) = f;

        var result = await t.Agent.IngestAsync([Event(sent, MessageEventKind.Opened) with { CustomerId = "nobody" }, Event(sent, MessageEventKind.Clicked)], Ct);

        Assert.Equal((1, 0, 1), (result.Appended, result.Duplicates, result.UnknownCustomers));
        Assert.Null(await t.Store.GetCustomerAsync("nobody", Ct));
        Assert.DoesNotContain(strategy.Learned, f => f.CustomerId == "nobody");
    }

    [Fact]
    public async Task An_empty_batch_does_nothing()
    {
        await using var f = await SentOneAsync();
        var (t, _, _) = f;
        Assert.Equal(default, await t.Agent.IngestAsync([], Ct));
    }

    /// <summary>One customer (c-1, e-mail) who got the probe goal's message at <see cref="Start"/>; the strategy records learning.</summary>
    /// <remarks>
    /// Unless <paramref name="defaultStore"/> is set, the store reports which events were new (<see cref="IsNewReportingStore"/>), which the
    /// in-memory store does not do (see <see cref="Learning_works_with_the_default_in_memory_store"/>).
    /// </remarks>
    private static async Task<SentOne> SentOneAsync(Func<CustomerContext, Instant, bool>? proposeWhen = null, bool sms = false, bool defaultStore = false)
    {
        var strategy = new RecordingStrategy();
        var t = TestAgent.Create(b =>
        {
            b.AddGoal(new ProbeGoal { ProposeWhen = proposeWhen }).AddConsentPolicy().SetDecisionStrategy(strategy);
            if (!defaultStore)
            {
                b.Services.AddSingleton(sp => new IsNewReportingStore(sp.GetRequiredService<InMemoryCustomerStore>()));
                b.SetCustomerStore(sp => sp.GetRequiredService<IsNewReportingStore>());
            }
        });
        await t.ImportAsync(sms ? WithEmail("c-1").AndSms() : WithEmail("c-1"));
        var tick = await t.RunAsync();
        Assert.Equal(1, tick.Dispatch.Sent);
        t.Clock.Reset(Later);
        return new SentOne(t, strategy, Assert.Single(t.Email.Accepted).Message);
    }

    private static MessageEvent Event(OutboundMessage sent, MessageEventKind kind, string suffix = "") =>
        new($"{sent.MessageId}:{kind}{suffix}", sent.CustomerId, Later, sent.DecisionId, kind) { Channel = sent.Kind };

    private sealed record SentOne(TestAgent Agent, RecordingStrategy Strategy, OutboundMessage Sent) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Agent.DisposeAsync();
    }
}
