using System.Diagnostics.CodeAnalysis;
using Xunit;

namespace MarketingAutomation.Testing;

/// <summary>
/// The <see cref="ICustomerStore"/> and <see cref="IReviewQueue"/> contract as xUnit v3 tests. Derive a class in your test project,
/// return a new empty store from <see cref="CreateStoreAsync"/>, and every test runs against your store.
/// </summary>
/// <remarks>
/// <para>Each test creates its own store. Stores that implement <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/> are disposed
/// after the test. Tests use fixed instants around <see cref="T0"/> and customer ids such as <c>cust-001</c> (lower-case ASCII of one
/// length, so they sort the same ordinally and under any collation).</para>
/// <para>Review-queue tests are skipped when <see cref="AsReviewQueue"/> returns null.</para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class MyStoreConformanceTests : CustomerStoreConformanceTests
/// {
///     protected override ValueTask&lt;ICustomerStore&gt; CreateStoreAsync() => ValueTask.FromResult&lt;ICustomerStore&gt;(new MyStore());
/// }
/// </code>
/// </example>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Test names read as sentences.")]
[SuppressMessage("Reliability", "CA2007:Consider calling ConfigureAwait on the awaited task", Justification = "xUnit tests run on the test context (xUnit1030).")]
[SuppressMessage("Performance", "CA1861:Avoid constant arrays as arguments", Justification = "Expected values in assertions read best inline.")]
public abstract partial class CustomerStoreConformanceTests : IAsyncDisposable
{
    private readonly List<object> _created = [];

    /// <summary>Gets the instant the tests are built around: Monday 5 January 2026, 09:00 UTC.</summary>
    protected static Instant T0 { get; } = Instant.FromUtc(2026, 1, 5, 9, 0);

    /// <summary>Gets the current test's cancellation token.</summary>
    protected static CancellationToken TestCancellationToken => TestContext.Current.CancellationToken;

    /// <summary>Creates a new, empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract ValueTask<ICustomerStore> CreateStoreAsync();

    /// <summary>Returns the review queue that belongs to a store created by <see cref="CreateStoreAsync"/>, or null when it has none.</summary>
    /// <param name="store">The store.</param>
    /// <returns>The review queue, or null to skip the review tests.</returns>
    protected virtual IReviewQueue? AsReviewQueue(ICustomerStore store) => store as IReviewQueue;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore();
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the stores created by the tests. Override to clean up more; call the base.</summary>
    /// <returns>A task that completes when done.</returns>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        foreach (var created in _created)
        {
            switch (created)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _created.Clear();
    }

    /// <summary>Builds a customer with an e-mail address, a phone number, granted marketing consent on both and one attribute.</summary>
    /// <param name="id">The customer id.</param>
    /// <param name="segment">The value of the <c>segment</c> attribute.</param>
    /// <returns>The customer.</returns>
    protected static Customer NewCustomer(string id, string segment = "gold") => new(id)
    {
        TimeZoneId = "Europe/Berlin",
        Language = "de-DE",
        SignedUpAt = T0 - Duration.FromDays(30),
        ContactPoints = [new ContactPoint(ChannelKind.Email, id + "@example.com"), new ContactPoint(ChannelKind.Sms, "+14155550100")],
        Consents =
        [
            new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, T0 - Duration.FromDays(30)),
            new ConsentRecord(ChannelKind.Sms, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.ExpressWritten, T0 - Duration.FromDays(30)),
        ],
        Purchases = [new Purchase("order-1", T0 - Duration.FromDays(10), 42m) { Items = [new PurchaseItem("sku-1", "shoes", 1, 42m)] }],
        Attributes = ImmutableDictionary<string, string>.Empty.Add("segment", segment),
    };

    /// <summary>Builds an outbox row for an e-mail.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="decisionId">The decision.</param>
    /// <param name="dueAt">When it is due.</param>
    /// <returns>The row.</returns>
    protected static OutboxMessage NewOutbox(string customerId, string messageId, Guid decisionId, Instant dueAt) =>
        new(new OutboundMessage(messageId, decisionId, customerId, "email", customerId + "@example.com", "Hello")
        {
            Kind = ChannelKind.Email,
            Subject = "Hi",
            GoalId = "welcome",
            VariantId = "welcome-1",
        }, dueAt);

    /// <summary>Builds a trace for a decision.</summary>
    /// <param name="decisionId">The decision.</param>
    /// <param name="customerId">The customer.</param>
    /// <param name="evaluatedAt">When it was made.</param>
    /// <param name="outcome">What it led to.</param>
    /// <param name="messageId">The message, if any.</param>
    /// <returns>The trace.</returns>
    protected static DecisionTrace NewTrace(Guid decisionId, string customerId, Instant evaluatedAt, DecisionOutcome outcome = DecisionOutcome.Send, string? messageId = null) =>
        new(decisionId, customerId, evaluatedAt, outcome, outcome == DecisionOutcome.Review ? ReasonCodes.LowConfidence : "Chosen")
        {
            Goals = [new GoalTrace("welcome", 1, null)],
            Candidates = [new CandidateTrace("welcome", "welcome-1", "email", null, [new VerdictTrace("consent", VerdictKind.Allow, null, null, null)]) { Allowed = true, Score = 0.5 }],
            ChosenIndex = 0,
            Strategy = "conformance",
            Score = 0.5,
            Confidence = 0.9,
            Propensity = 1,
            MessageId = messageId,
        };

    /// <summary>Builds a decision that sends one e-mail, with its trace.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="decidedAt">When the decision was made.</param>
    /// <param name="dueAt">When the message is due.</param>
    /// <param name="nextEvaluationAt">When to evaluate the customer next.</param>
    /// <param name="decisionId">The decision id; a new one when null.</param>
    /// <returns>The decision.</returns>
    protected static DecisionRecord SendDecision(string customerId, string messageId, Instant decidedAt, Instant dueAt, Instant nextEvaluationAt, Guid? decisionId = null)
    {
        var id = decisionId ?? Guid.NewGuid();
        return new DecisionRecord(id, customerId, decidedAt, DecisionOutcome.Send, "Chosen", nextEvaluationAt)
        {
            Trace = NewTrace(id, customerId, decidedAt, DecisionOutcome.Send, messageId),
            Outbox = NewOutbox(customerId, messageId, id, dueAt),
        };
    }

    /// <summary>Builds a decision that holds one e-mail for review, with its trace.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="reviewId">The review id.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="createdAt">When the decision was made.</param>
    /// <returns>The decision.</returns>
    protected static DecisionRecord ReviewDecision(string customerId, string reviewId, string messageId, Instant createdAt)
    {
        var id = Guid.NewGuid();
        return new DecisionRecord(id, customerId, createdAt, DecisionOutcome.Review, ReasonCodes.LowConfidence, createdAt + Duration.FromDays(1))
        {
            Trace = NewTrace(id, customerId, createdAt, DecisionOutcome.Review, messageId),
            Review = new PendingReview(reviewId, NewOutbox(customerId, messageId, id, createdAt + Duration.FromHours(1)), ReasonCodes.LowConfidence, createdAt) { Confidence = 0.2 },
        };
    }

    // ---------------------------------------------------------------- due customers and keyset paging

    /// <summary>An empty store has no due customers.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GetDueCustomers_on_an_empty_store_returns_an_empty_last_page()
    {
        var store = await NewStoreAsync();

        var page = await store.GetDueCustomersAsync(T0, null, 10, TestCancellationToken);

        Assert.Empty(page.Customers);
        Assert.Null(page.Next);
    }

    /// <summary>Only customers due by the instant come back, ordered by (next evaluation, id).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GetDueCustomers_returns_only_due_customers_ordered_by_due_instant_then_id()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-003")], T0 - Duration.FromHours(1), TestCancellationToken);
        await store.UpsertCustomersAsync([NewCustomer("cust-002"), NewCustomer("cust-001")], T0, TestCancellationToken);
        await store.UpsertCustomersAsync([NewCustomer("cust-000")], T0 + Duration.FromMinutes(1), TestCancellationToken);

        var page = await store.GetDueCustomersAsync(T0, null, 10, TestCancellationToken);

        Assert.Equal(new[] { "cust-003", "cust-001", "cust-002" }, Ids(page));
        Assert.Equal(T0 - Duration.FromHours(1), page.Customers[0].NextEvaluationAt);
        Assert.Equal(T0, page.Customers[2].NextEvaluationAt);
        Assert.Null(page.Next);
    }

    /// <summary>Following the cursor visits every due customer once, in order, and never a customer that is not due.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Paging_with_the_cursor_visits_every_due_customer_exactly_once_in_order()
    {
        var store = await NewStoreAsync();
        var expected = new List<(Instant Due, string Id)>();
        for (var i = 0; i < 27; i++)
        {
            var id = $"cust-{i:D3}";
            var due = T0 + Duration.FromMinutes((i * 7 % 5) - 3); // five instants from T0-3m to T0+1m, several customers each
            await store.UpsertCustomersAsync([NewCustomer(id)], due, TestCancellationToken);
            if (due <= T0)
            {
                expected.Add((due, id));
            }
        }

        expected.Sort((a, b) => a.Due != b.Due ? a.Due.CompareTo(b.Due) : string.CompareOrdinal(a.Id, b.Id));

        var seen = new List<string>();
        DueCursor? cursor = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 50, "Paging did not end: the cursor never came back null.");
            var page = await store.GetDueCustomersAsync(T0, cursor, 4, TestCancellationToken);
            Assert.True(page.Customers.Count <= 4, $"A page of 4 returned {page.Customers.Count} customers.");
            seen.AddRange(Ids(page));
            if (page.Next is null)
            {
                break;
            }

            Assert.NotEmpty(page.Customers);
            var last = page.Customers[^1];
            Assert.Equal(new DueCursor(last.NextEvaluationAt, last.Id), page.Next.Value);
            cursor = page.Next;
        }

        Assert.Equal(expected.Select(e => e.Id), seen);
    }

    /// <summary>The engine reschedules customers of a page before reading the next one; the cursor still visits the rest once.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Paging_continues_correctly_when_visited_customers_are_rescheduled()
    {
        var store = await NewStoreAsync();
        var ids = Enumerable.Range(0, 10).Select(i => $"cust-{i:D3}").ToArray();
        await store.UpsertCustomersAsync(ids.Select(id => NewCustomer(id)).ToArray(), T0, TestCancellationToken);

        var seen = new List<string>();
        DueCursor? cursor = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 20, "Paging did not end.");
            var page = await store.GetDueCustomersAsync(T0, cursor, 3, TestCancellationToken);
            seen.AddRange(Ids(page));
            var updates = page.Customers.Select(c => new ScheduleUpdate(c.Id, T0 + Duration.FromDays(1))).ToArray();
            await store.ScheduleAsync(updates, TestCancellationToken);
            if (page.Next is null)
            {
                break;
            }

            cursor = page.Next;
        }

        Assert.Equal(ids, seen);
        var again = await store.GetDueCustomersAsync(T0, null, 10, TestCancellationToken);
        Assert.Empty(again.Customers);
    }

    // ---------------------------------------------------------------- upsert

    /// <summary>New customers are stored with their facts and due at the given instant.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Upsert_inserts_new_customers_due_at_the_given_instant()
    {
        var store = await NewStoreAsync();
        var a = NewCustomer("cust-001");

        var count = await store.UpsertCustomersAsync([a, NewCustomer("cust-002")], T0, TestCancellationToken);

        Assert.Equal(2, count);
        var stored = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.NotNull(stored);
        Assert.True(CustomerProjection.HasSameFacts(a, stored.Customer), "The stored facts differ from the upserted customer.");
        Assert.Equal(T0, stored.NextEvaluationAt);
        Assert.Empty(stored.Messages);
        Assert.Null(await store.GetCustomerAsync("cust-404", TestCancellationToken));
    }

    /// <summary>Re-importing a customer with the same facts (new instances, equal content) changes nothing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Upsert_of_unchanged_customers_counts_nothing_and_keeps_their_schedule()
    {
        var store = await NewStoreAsync();
        var a = NewCustomer("cust-001");
        await store.UpsertCustomersAsync([a], T0, TestCancellationToken);

        var count = await store.UpsertCustomersAsync([Rebuild(a), a], T0 + Duration.FromDays(1), TestCancellationToken);

        Assert.Equal(0, count);
        var stored = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Equal(T0, stored!.NextEvaluationAt);
    }

    /// <summary>Upserting changed facts replaces them, keeps messages, events and learned state, and makes the customer due.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Upsert_of_a_changed_customer_replaces_facts_keeps_history_and_makes_it_due()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        await store.AppendEventsAsync([new BrowseEvent("ev-browse", "cust-001", T0, "shoes")], TestCancellationToken);
        var send = SendDecision("cust-001", "msg-1", T0, T0, T0 + Duration.FromDays(1)) with { LearnedState = new byte[] { 1, 2, 3 } };
        await store.CommitDecisionsAsync([send], TestCancellationToken);

        var count = await store.UpsertCustomersAsync([NewCustomer("cust-001", segment: "silver")], T0 + Duration.FromHours(2), TestCancellationToken);

        Assert.Equal(1, count);
        var stored = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.NotNull(stored);
        Assert.Equal("silver", stored.Customer.Attributes["segment"]);
        Assert.Equal("msg-1", Assert.Single(stored.Messages).MessageId);
        Assert.Contains(stored.RecentEvents, e => e.EventId == "ev-browse");
        Assert.Equal(new byte[] { 1, 2, 3 }, stored.LearnedState.ToArray());
        Assert.Equal(T0 + Duration.FromHours(2), stored.NextEvaluationAt);
    }

    /// <summary>Saving learned states replaces only the state: facts, history and schedule stay; unknown customers are skipped.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Saving_learned_states_replaces_only_the_state_and_skips_unknown_customers()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001"), NewCustomer("cust-002")], T0, TestCancellationToken);
        var send = SendDecision("cust-001", "msg-1", T0, T0, T0 + Duration.FromDays(1)) with { LearnedState = new byte[] { 1, 2, 3 } };
        await store.CommitDecisionsAsync([send], TestCancellationToken);
        var before = await store.GetCustomerAsync("cust-001", TestCancellationToken);

        var saved = await store.SaveLearnedStatesAsync(
            [new LearnedStateUpdate("cust-001", new byte[] { 9, 8, 7, 6 }), new LearnedStateUpdate("cust-404", new byte[] { 1 }), new LearnedStateUpdate("cust-002", new byte[] { 5 })],
            TestCancellationToken);

        Assert.Equal(2, saved);
        var after = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.NotNull(after);
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, after.LearnedState.ToArray());
        Assert.Equal(before!.NextEvaluationAt, after.NextEvaluationAt);
        Assert.Equal("msg-1", Assert.Single(after.Messages).MessageId);
        // Record equality compares the customer's collections by reference, which a store that reads from a database cannot keep.
        Assert.True(CustomerProjection.HasSameFacts(before.Customer, after.Customer), "Saving a learned state must not change the customer's facts.");
        Assert.True(after.Version > before.Version, "Saving a learned state must bump the customer's version.");
        Assert.Equal(new byte[] { 5 }, (await store.GetCustomerAsync("cust-002", TestCancellationToken))!.LearnedState.ToArray());
        Assert.Null(await store.GetCustomerAsync("cust-404", TestCancellationToken));
    }

    /// <summary>A re-import never undoes what events recorded since: revoked consent and a bounced address stay, event purchases stay.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Upsert_never_undoes_an_unsubscribe_a_bounce_or_an_event_purchase()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        await store.AppendEventsAsync(
            [
                new MessageEvent("ev-unsub", "cust-001", T0 + Duration.FromHours(1), Guid.NewGuid(), MessageEventKind.Unsubscribed) { Channel = ChannelKind.Email },
                new MessageEvent("ev-bounce", "cust-001", T0 + Duration.FromHours(1), Guid.NewGuid(), MessageEventKind.Bounced) { Channel = ChannelKind.Sms, IsHardBounce = true },
                new PurchaseEvent("ev-order-2", "cust-001", T0 + Duration.FromHours(2), new Purchase("order-2", T0 + Duration.FromHours(2), 10m)),
            ],
            TestCancellationToken);

        await store.UpsertCustomersAsync([NewCustomer("cust-001", segment: "silver")], T0 + Duration.FromHours(3), TestCancellationToken);

        var customer = (await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Customer;
        Assert.Equal("silver", customer.Attributes["segment"]);
        Assert.Equal(ConsentStatus.Revoked, customer.ConsentFor(ChannelKind.Email, MessagePurpose.Marketing)?.Status);
        Assert.False(customer.FindContact(ChannelKind.Sms)!.IsValid);
        Assert.Contains(customer.Purchases, p => p.OrderId == "order-2");
        Assert.Contains(customer.Purchases, p => p.OrderId == "order-1");
    }

    // ---------------------------------------------------------------- events

    /// <summary>The same event id appended twice is stored and projected once.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AppendEvents_is_idempotent_by_event_id()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var purchase = new PurchaseEvent("order-2", "cust-001", T0, new Purchase("order-2", T0, 99m));

        var first = await store.AppendEventsAsync([purchase], TestCancellationToken);
        var second = await store.AppendEventsAsync([purchase with { }], TestCancellationToken);

        AssertCounts(first, 1, 0, 0);
        AssertCounts(second, 0, 1, 0);
        var stored = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Single(stored!.Customer.Purchases, p => p.OrderId == "order-2");
        Assert.Single(stored.RecentEvents, e => e.EventId == "order-2");
        Assert.Equal(new[] { true }, first.IsNew);
        Assert.Equal(new[] { false }, second.IsNew);
    }

    /// <summary>A duplicate inside one batch counts as a duplicate; the same id with other content in the batch is a conflict (RL-02).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AppendEvents_counts_a_duplicate_inside_one_batch()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var browse = new BrowseEvent("ev-1", "cust-001", T0, "shoes");

        var result = await store.AppendEventsAsync([browse, browse with { }, browse with { Category = "bags" }], TestCancellationToken);

        AssertCounts(result, 1, 1, 0, conflicts: 1);
        Assert.Equal(new[] { "ev-1" }, result.ConflictingEventIds);
        var stored = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Equal("shoes", Assert.IsType<BrowseEvent>(Assert.Single(stored!.RecentEvents)).Category);
    }

    /// <summary>Events for customers the store does not hold are counted, not thrown, and the rest of the batch is applied.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AppendEvents_counts_unknown_customers_and_applies_the_rest()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);

        var result = await store.AppendEventsAsync(
            [new BrowseEvent("ev-ghost", "cust-404", T0, "shoes"), new BrowseEvent("ev-1", "cust-001", T0, "shoes")],
            TestCancellationToken);

        AssertCounts(result, 1, 0, 1);
        Assert.Null(await store.GetCustomerAsync("cust-404", TestCancellationToken));
    }

    /// <summary>A soft bounce leaves the address usable; a hard bounce disables that contact point only.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Only_a_hard_bounce_disables_the_contact_point()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var decision = Guid.NewGuid();

        await store.AppendEventsAsync([new MessageEvent("ev-soft", "cust-001", T0, decision, MessageEventKind.Bounced) { Channel = ChannelKind.Email }], TestCancellationToken);
        var afterSoft = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        await store.AppendEventsAsync(
            [new MessageEvent("ev-hard", "cust-001", T0, decision, MessageEventKind.Bounced) { Channel = ChannelKind.Email, IsHardBounce = true, Reason = "mailbox unknown" }],
            TestCancellationToken);
        var afterHard = await store.GetCustomerAsync("cust-001", TestCancellationToken);

        Assert.True(afterSoft!.Customer.FindContact(ChannelKind.Email)!.IsValid);
        Assert.False(afterHard!.Customer.FindContact(ChannelKind.Email)!.IsValid);
        Assert.True(afterHard.Customer.FindContact(ChannelKind.Sms)!.IsValid);
    }

    /// <summary>An unsubscribe revokes marketing consent on its channel and leaves other channels alone.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Unsubscribe_revokes_marketing_consent_on_that_channel()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);

        await store.AppendEventsAsync(
            [new MessageEvent("ev-unsub", "cust-001", T0, Guid.NewGuid(), MessageEventKind.Unsubscribed) { Channel = ChannelKind.Email }],
            TestCancellationToken);

        var customer = (await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Customer;
        Assert.Equal(ConsentStatus.Revoked, customer.ConsentFor(ChannelKind.Email, MessagePurpose.Marketing)?.Status);
        Assert.Equal(ConsentStatus.Granted, customer.ConsentFor(ChannelKind.Sms, MessagePurpose.Marketing)?.Status);
    }

    /// <summary>An SMS reply with an opt-out keyword (TW-06, TC-03) revokes marketing SMS consent in the ledger, durably.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task An_sms_stop_reply_revokes_marketing_sms_consent()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);

        await store.AppendEventsAsync(
            [
                new MessageEvent("ev-reply-1", "cust-001", T0, Guid.NewGuid(), MessageEventKind.Replied) { Channel = ChannelKind.Sms, ReplyText = "thanks!" },
                new MessageEvent("ev-reply-2", "cust-001", T0 + Duration.FromMinutes(1), Guid.NewGuid(), MessageEventKind.Replied) { Channel = ChannelKind.Sms, ReplyText = " Stop. " },
            ],
            TestCancellationToken);

        var customer = (await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Customer;
        var sms = customer.ConsentFor(ChannelKind.Sms, MessagePurpose.Marketing);
        Assert.Equal(ConsentStatus.Revoked, sms?.Status);
        Assert.Equal(T0 + Duration.FromMinutes(1), sms?.RecordedAt);
        Assert.Equal(ConsentStatus.Granted, customer.ConsentFor(ChannelKind.Email, MessagePurpose.Marketing)?.Status);
    }

    /// <summary>A click on a message records the engagement on that message in the history.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Click_marks_the_message_engaged()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var decision = Guid.NewGuid();
        await store.CommitDecisionsAsync([SendDecision("cust-001", "msg-1", T0, T0, T0 + Duration.FromDays(1), decision)], TestCancellationToken);

        var clickedAt = T0 + Duration.FromHours(3);
        await store.AppendEventsAsync([new MessageEvent("ev-click", "cust-001", clickedAt, decision, MessageEventKind.Clicked) { Channel = ChannelKind.Email }], TestCancellationToken);

        var message = Assert.Single((await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Messages);
        Assert.Equal(clickedAt, message.EngagedAt);
    }

    /// <summary>An appended event brings the customer's next evaluation forward to the event, never back.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task An_appended_event_makes_the_customer_due_no_later_than_the_event()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0 + Duration.FromDays(1), TestCancellationToken);
        await store.UpsertCustomersAsync([NewCustomer("cust-002")], T0, TestCancellationToken);

        await store.AppendEventsAsync(
            [new BrowseEvent("ev-1", "cust-001", T0, "shoes"), new BrowseEvent("ev-2", "cust-002", T0 + Duration.FromHours(1), "shoes")],
            TestCancellationToken);

        var first = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        var second = await store.GetCustomerAsync("cust-002", TestCancellationToken);
        Assert.True(first!.NextEvaluationAt <= T0, $"Customer due at {first.NextEvaluationAt}; an event at {T0} should make it due by then.");
        Assert.Equal(T0, second!.NextEvaluationAt);
    }

    // ---------------------------------------------------------------- decisions

    /// <summary>A send decision stores the outbox row, the pending message in history, the trace, the schedule and the learned state.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CommitDecisions_send_stores_outbox_row_history_trace_schedule_and_learned_state()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var dueAt = T0 + Duration.FromMinutes(10);
        var decision = SendDecision("cust-001", "msg-1", T0, dueAt, T0 + Duration.FromDays(2)) with { LearnedState = new byte[] { 7, 8 } };

        await store.CommitDecisionsAsync([decision], TestCancellationToken);

        var row = await store.GetOutboxMessageAsync("msg-1", TestCancellationToken);
        Assert.NotNull(row);
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal(0, row.Attempts);
        Assert.Equal(dueAt, row.DueAt);
        Assert.Equal(decision.DecisionId, row.Message.DecisionId);

        var customer = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        var message = Assert.Single(customer!.Messages);
        Assert.Equal("msg-1", message.MessageId);
        Assert.Equal(MessageStatus.Pending, message.Status);
        Assert.Equal(dueAt, message.ScheduledAt);
        Assert.Equal(decision.DecisionId, message.DecisionId);
        Assert.Equal(T0 + Duration.FromDays(2), customer.NextEvaluationAt);
        Assert.Equal(new byte[] { 7, 8 }, customer.LearnedState.ToArray());

        var trace = await store.GetTraceAsync(decision.DecisionId, TestCancellationToken);
        Assert.NotNull(trace);
        Assert.Equal("cust-001", trace.CustomerId);
        Assert.Equal("msg-1", trace.MessageId);
        Assert.Equal(DecisionOutcome.Send, trace.Outcome);
    }

    /// <summary>A no-action decision without a trace only reschedules the customer.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CommitDecisions_no_action_only_reschedules()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var decision = new DecisionRecord(Guid.NewGuid(), "cust-001", T0, DecisionOutcome.NoAction, ReasonCodes.NoGoalTriggered, T0 + Duration.FromDays(3));

        await store.CommitDecisionsAsync([decision], TestCancellationToken);

        var customer = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Equal(T0 + Duration.FromDays(3), customer!.NextEvaluationAt);
        Assert.Empty(customer.Messages);
        Assert.Null(await store.GetTraceAsync(decision.DecisionId, TestCancellationToken));
        Assert.Empty(await store.GetTracesAsync("cust-001", 10, TestCancellationToken));
    }

    /// <summary>A batch with one decision for an unknown customer fails as a whole and changes nothing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CommitDecisions_with_an_unknown_customer_changes_nothing()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var good = SendDecision("cust-001", "msg-1", T0, T0, T0 + Duration.FromDays(1)) with { LearnedState = new byte[] { 1 } };
        var bad = SendDecision("cust-404", "msg-2", T0, T0, T0 + Duration.FromDays(1));

        await Assert.ThrowsAnyAsync<Exception>(async () => await store.CommitDecisionsAsync([good, bad], TestCancellationToken));

        var customer = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Empty(customer!.Messages);
        Assert.Equal(T0, customer.NextEvaluationAt);
        Assert.True(customer.LearnedState.IsEmpty, "The learned state of a failed batch was stored.");
        Assert.Null(await store.GetOutboxMessageAsync("msg-1", TestCancellationToken));
        Assert.Null(await store.GetOutboxMessageAsync("msg-2", TestCancellationToken));
        Assert.Null(await store.GetTraceAsync(good.DecisionId, TestCancellationToken));
        Assert.Empty(await store.ClaimOutboxAsync(T0 + Duration.FromDays(1), 10, "dispatcher-a", Duration.FromMinutes(1), TestCancellationToken));
    }

    /// <summary>
    /// Two instances decide for the same customer from the same version: the first commit wins, the second is superseded and writes
    /// nothing (no trace, no outbox row, no history entry, no schedule change), while another customer's decision in its batch commits.
    /// This is the store half of "two agent instances cannot both send past a cap".
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CommitDecisions_supersedes_a_decision_whose_customer_changed_since_it_was_read()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001"), NewCustomer("cust-002")], T0, TestCancellationToken);
        var read = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        var other = await store.GetCustomerAsync("cust-002", TestCancellationToken);
        var first = SendDecision("cust-001", "msg-a", T0, T0, T0 + Duration.FromDays(1)) with { BasedOnVersion = read!.Version };
        var second = SendDecision("cust-001", "msg-b", T0, T0, T0 + Duration.FromDays(2)) with { BasedOnVersion = read.Version };
        var unrelated = SendDecision("cust-002", "msg-c", T0, T0, T0 + Duration.FromDays(1)) with { BasedOnVersion = other!.Version };

        var won = await store.CommitDecisionsAsync([first], TestCancellationToken);
        var lost = await store.CommitDecisionsAsync([second, unrelated], TestCancellationToken);

        Assert.Equal(1, won.Committed);
        Assert.Empty(won.Superseded);
        Assert.Equal(1, lost.Committed);
        Assert.Equal([second.DecisionId], lost.Superseded);
        var customer = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Equal(["msg-a"], customer!.Messages.Select(m => m.MessageId));
        Assert.Equal(T0 + Duration.FromDays(1), customer.NextEvaluationAt);
        Assert.Null(await store.GetOutboxMessageAsync("msg-b", TestCancellationToken));
        Assert.Null(await store.GetTraceAsync(second.DecisionId, TestCancellationToken));
        Assert.NotNull(await store.GetOutboxMessageAsync("msg-c", TestCancellationToken));
    }

    /// <summary>An event appended after the customer was read (a new version) supersedes a decision made from the old version.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CommitDecisions_supersedes_a_decision_made_before_a_new_event()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var read = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        await store.AppendEventsAsync([new ConsentEvent("evt-1", "cust-001", T0, new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, T0))], TestCancellationToken);

        var result = await store.CommitDecisionsAsync([SendDecision("cust-001", "msg-a", T0, T0, T0 + Duration.FromDays(1)) with { BasedOnVersion = read!.Version }], TestCancellationToken);

        Assert.Equal(0, result.Committed);
        Assert.Single(result.Superseded);
        Assert.Null(await store.GetOutboxMessageAsync("msg-a", TestCancellationToken));
    }

    /// <summary>A decision based on the current version commits; re-committing it later (a retried batch) is idempotent, not superseded.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CommitDecisions_with_the_current_version_commits_and_a_retry_is_not_superseded()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var read = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        var decision = SendDecision("cust-001", "msg-a", T0, T0, T0 + Duration.FromDays(1)) with { BasedOnVersion = read!.Version };

        var first = await store.CommitDecisionsAsync([decision], TestCancellationToken);
        var retry = await store.CommitDecisionsAsync([decision], TestCancellationToken);

        Assert.Equal(1, first.Committed);
        Assert.Equal(1, retry.Committed);
        Assert.Empty(retry.Superseded);
        var customer = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Single(customer!.Messages);
        Assert.True(customer.Version > read.Version, "Committing a decision must bump the customer's version.");
    }

    /// <summary>Committing the same decision again (a retried batch) adds the outbox row, the history entry and the trace once.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CommitDecisions_twice_adds_the_outbox_row_history_and_trace_once()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var decision = SendDecision("cust-001", "msg-1", T0, T0, T0 + Duration.FromDays(1));

        await store.CommitDecisionsAsync([decision], TestCancellationToken);
        await store.CommitDecisionsAsync([decision], TestCancellationToken);

        var customer = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Single(customer!.Messages);
        Assert.Single(await store.GetTracesAsync("cust-001", 10, TestCancellationToken));
        Assert.Single(await store.ClaimOutboxAsync(T0, 10, "dispatcher-a", Duration.FromMinutes(1), TestCancellationToken));
    }

    /// <summary>Scheduling sets the next evaluation; unknown customers are ignored.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Schedule_sets_next_evaluation_and_ignores_unknown_customers()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001"), NewCustomer("cust-002")], T0, TestCancellationToken);

        await store.ScheduleAsync(
            new[] { new ScheduleUpdate("cust-001", T0 + Duration.FromDays(1)), new ScheduleUpdate("cust-404", T0) },
            TestCancellationToken);

        Assert.Equal(T0 + Duration.FromDays(1), (await store.GetCustomerAsync("cust-001", TestCancellationToken))!.NextEvaluationAt);
        Assert.Null(await store.GetCustomerAsync("cust-404", TestCancellationToken));
        Assert.Equal(new[] { "cust-002" }, Ids(await store.GetDueCustomersAsync(T0, null, 10, TestCancellationToken)));
        Assert.Equal(new[] { "cust-002", "cust-001" }, Ids(await store.GetDueCustomersAsync(T0 + Duration.FromDays(1), null, 10, TestCancellationToken)));
    }

    // ---------------------------------------------------------------- outbox

    /// <summary>Claiming returns due pending rows ordered by (due, id), under a lease, with the attempt counted.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Claim_returns_due_pending_rows_ordered_by_due_then_id_under_a_lease()
    {
        var store = await SeedOutboxAsync(("msg-3", T0 - Duration.FromMinutes(1)), ("msg-2", T0), ("msg-1", T0), ("msg-4", T0 + Duration.FromHours(1)));

        var claimed = await store.ClaimOutboxAsync(T0, 10, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken);

        Assert.Equal(new[] { "msg-3", "msg-1", "msg-2" }, claimed.Select(r => r.Id));
        Assert.All(claimed, row =>
        {
            Assert.Equal(OutboxStatus.Claimed, row.Status);
            Assert.Equal("dispatcher-a", row.LeaseOwner);
            Assert.Equal(T0 + Duration.FromMinutes(5), row.LeaseUntil);
            Assert.Equal(1, row.Attempts);
        });
        var stored = await store.GetOutboxMessageAsync("msg-1", TestCancellationToken);
        Assert.Equal(OutboxStatus.Claimed, stored!.Status);
        Assert.Equal("dispatcher-a", stored.LeaseOwner);
        Assert.Equal(OutboxStatus.Pending, (await store.GetOutboxMessageAsync("msg-4", TestCancellationToken))!.Status);
    }

    /// <summary>Claiming stops at the requested count and the next claim continues in order.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Claim_respects_maxCount()
    {
        var store = await SeedOutboxAsync(("msg-1", T0), ("msg-2", T0), ("msg-3", T0));

        var first = await store.ClaimOutboxAsync(T0, 2, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken);
        var second = await store.ClaimOutboxAsync(T0, 2, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken);

        Assert.Equal(new[] { "msg-1", "msg-2" }, first.Select(r => r.Id));
        Assert.Equal(new[] { "msg-3" }, second.Select(r => r.Id));
    }

    /// <summary>A row under a live lease is not handed to another dispatcher.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Two_owners_cannot_claim_the_same_row()
    {
        var store = await SeedOutboxAsync(("msg-1", T0));

        var a = await store.ClaimOutboxAsync(T0, 10, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken);
        var b = await store.ClaimOutboxAsync(T0 + Duration.FromMinutes(4), 10, "dispatcher-b", Duration.FromMinutes(5), TestCancellationToken);

        Assert.Single(a);
        Assert.Empty(b);
    }

    /// <summary>An unknown row is settled as sent or failed after a lookup; a pending row may be cancelled; nothing else moves.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ResolveOutbox_settles_unknown_rows_and_cancels_pending_ones_only()
    {
        var store = await SeedOutboxAsync(("msg-1", T0), ("msg-2", T0), ("msg-3", T0 + Duration.FromHours(1)));
        await store.ClaimOutboxAsync(T0, 2, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken);
        await store.CompleteOutboxAsync(new OutboxCompletion("msg-1", "dispatcher-a", OutboxStatus.Unknown, T0) { Error = "timeout" }, TestCancellationToken);
        await store.CompleteOutboxAsync(new OutboxCompletion("msg-2", "dispatcher-a", OutboxStatus.Sent, T0) { ProviderMessageId = "p-2" }, TestCancellationToken);

        Assert.True(await store.ResolveOutboxAsync("msg-1", OutboxStatus.Sent, T0 + Duration.FromMinutes(5), "p-1", cancellationToken: TestCancellationToken));
        Assert.False(await store.ResolveOutboxAsync("msg-1", OutboxStatus.Failed, T0 + Duration.FromMinutes(6), cancellationToken: TestCancellationToken));
        Assert.False(await store.ResolveOutboxAsync("msg-2", OutboxStatus.Failed, T0 + Duration.FromMinutes(6), cancellationToken: TestCancellationToken));
        Assert.False(await store.ResolveOutboxAsync("msg-3", OutboxStatus.Sent, T0 + Duration.FromMinutes(6), cancellationToken: TestCancellationToken));
        Assert.True(await store.ResolveOutboxAsync("msg-3", OutboxStatus.Cancelled, T0 + Duration.FromMinutes(6), note: "campaign stopped", cancellationToken: TestCancellationToken));
        Assert.False(await store.ResolveOutboxAsync("msg-404", OutboxStatus.Cancelled, T0, cancellationToken: TestCancellationToken));

        var settled = await store.GetOutboxMessageAsync("msg-1", TestCancellationToken);
        Assert.Equal(OutboxStatus.Sent, settled!.Status);
        Assert.Equal("p-1", settled.ProviderMessageId);
        var cancelled = await store.GetOutboxMessageAsync("msg-3", TestCancellationToken);
        Assert.Equal(OutboxStatus.Cancelled, cancelled!.Status);
        Assert.Empty(await store.ClaimOutboxAsync(T0 + Duration.FromHours(2), 10, "dispatcher-b", Duration.FromMinutes(5), TestCancellationToken));
        var history = (await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Messages;
        Assert.Equal(MessageStatus.Sent, history.Single(m => m.MessageId == "msg-1").Status);
        Assert.Equal(MessageStatus.Cancelled, history.Single(m => m.MessageId == "msg-3").Status);
    }

    /// <summary>After a lease ends another dispatcher may claim the row; then only the new owner may complete it.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task An_expired_lease_can_be_reclaimed_and_only_the_new_owner_completes()
    {
        var store = await SeedOutboxAsync(("msg-1", T0));
        await store.ClaimOutboxAsync(T0, 10, "dispatcher-a", Duration.FromMinutes(1), TestCancellationToken);

        var reclaimed = await store.ClaimOutboxAsync(T0 + Duration.FromMinutes(2), 10, "dispatcher-b", Duration.FromMinutes(1), TestCancellationToken);

        var row = Assert.Single(reclaimed);
        Assert.Equal("dispatcher-b", row.LeaseOwner);
        Assert.Equal(2, row.Attempts);
        Assert.Equal(T0 + Duration.FromMinutes(3), row.LeaseUntil);
        var byOldOwner = await store.CompleteOutboxAsync(new OutboxCompletion("msg-1", "dispatcher-a", OutboxStatus.Sent, T0 + Duration.FromMinutes(2)), TestCancellationToken);
        var byNewOwner = await store.CompleteOutboxAsync(new OutboxCompletion("msg-1", "dispatcher-b", OutboxStatus.Sent, T0 + Duration.FromMinutes(2)) { ProviderMessageId = "p-1" }, TestCancellationToken);
        Assert.False(byOldOwner);
        Assert.True(byNewOwner);
    }

    /// <summary>Completions from a dispatcher that does not hold the lease, for unclaimed rows or unknown ids are refused.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Completion_by_a_non_owner_of_an_unclaimed_row_or_of_an_unknown_row_is_refused()
    {
        var store = await SeedOutboxAsync(("msg-1", T0));

        var unclaimed = await store.CompleteOutboxAsync(new OutboxCompletion("msg-1", "dispatcher-a", OutboxStatus.Sent, T0), TestCancellationToken);
        await store.ClaimOutboxAsync(T0, 10, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken);
        var nonOwner = await store.CompleteOutboxAsync(new OutboxCompletion("msg-1", "dispatcher-b", OutboxStatus.Sent, T0), TestCancellationToken);
        var unknown = await store.CompleteOutboxAsync(new OutboxCompletion("msg-404", "dispatcher-a", OutboxStatus.Sent, T0), TestCancellationToken);

        Assert.False(unclaimed);
        Assert.False(nonOwner);
        Assert.False(unknown);
        var row = await store.GetOutboxMessageAsync("msg-1", TestCancellationToken);
        Assert.Equal(OutboxStatus.Claimed, row!.Status);
        Assert.Equal("dispatcher-a", row.LeaseOwner);
        Assert.Equal(MessageStatus.Pending, Assert.Single((await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Messages).Status);
    }

    /// <summary>A Pending completion releases the lease and makes the row due again at RetryAt.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Pending_completion_retries_at_RetryAt()
    {
        var store = await SeedOutboxAsync(("msg-1", T0));
        await store.ClaimOutboxAsync(T0, 10, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken);

        var applied = await store.CompleteOutboxAsync(
            new OutboxCompletion("msg-1", "dispatcher-a", OutboxStatus.Pending, T0) { RetryAt = T0 + Duration.FromMinutes(5), Error = "throttled" },
            TestCancellationToken);

        Assert.True(applied);
        var row = await store.GetOutboxMessageAsync("msg-1", TestCancellationToken);
        Assert.Equal(OutboxStatus.Pending, row!.Status);
        Assert.Equal(T0 + Duration.FromMinutes(5), row.DueAt);
        Assert.Null(row.LeaseOwner);
        Assert.Equal("throttled", row.LastError);
        Assert.Empty(await store.ClaimOutboxAsync(T0 + Duration.FromMinutes(4), 10, "dispatcher-b", Duration.FromMinutes(5), TestCancellationToken));
        var retry = Assert.Single(await store.ClaimOutboxAsync(T0 + Duration.FromMinutes(5), 10, "dispatcher-b", Duration.FromMinutes(5), TestCancellationToken));
        Assert.Equal(2, retry.Attempts);
        Assert.Equal(MessageStatus.Pending, Assert.Single((await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Messages).Status);
    }

    /// <summary>A Sent completion is terminal, keeps the provider id and marks the message sent in the history.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Sent_completion_is_terminal_and_marks_the_message_sent()
    {
        var store = await SeedOutboxAsync(("msg-1", T0));
        await store.ClaimOutboxAsync(T0, 10, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken);
        var sentAt = T0 + Duration.FromSeconds(2);

        var applied = await store.CompleteOutboxAsync(new OutboxCompletion("msg-1", "dispatcher-a", OutboxStatus.Sent, sentAt) { ProviderMessageId = "p-1" }, TestCancellationToken);
        var again = await store.CompleteOutboxAsync(new OutboxCompletion("msg-1", "dispatcher-a", OutboxStatus.Sent, sentAt) { ProviderMessageId = "p-2" }, TestCancellationToken);

        Assert.True(applied);
        Assert.False(again);
        var row = await store.GetOutboxMessageAsync("msg-1", TestCancellationToken);
        Assert.Equal(OutboxStatus.Sent, row!.Status);
        Assert.Equal("p-1", row.ProviderMessageId);
        var message = Assert.Single((await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Messages);
        Assert.Equal(MessageStatus.Sent, message.Status);
        Assert.Equal(sentAt, message.SentAt);
        Assert.Empty(await store.ClaimOutboxAsync(T0 + Duration.FromDays(1), 10, "dispatcher-b", Duration.FromMinutes(5), TestCancellationToken));
    }

    /// <summary>Failed, Unknown and Cancelled completions are terminal and the message history follows.</summary>
    /// <param name="completion">The completion status.</param>
    /// <param name="history">The expected message status in the customer's history.</param>
    /// <returns>A task.</returns>
    [Theory]
    [InlineData(OutboxStatus.Failed, MessageStatus.Failed)]
    [InlineData(OutboxStatus.Unknown, MessageStatus.Unknown)]
    [InlineData(OutboxStatus.Cancelled, MessageStatus.Cancelled)]
    public async Task Terminal_completion_sets_the_row_and_message_history_status(OutboxStatus completion, MessageStatus history)
    {
        var store = await SeedOutboxAsync(("msg-1", T0));
        await store.ClaimOutboxAsync(T0, 10, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken);

        var applied = await store.CompleteOutboxAsync(new OutboxCompletion("msg-1", "dispatcher-a", completion, T0) { Error = "provider said no" }, TestCancellationToken);

        Assert.True(applied);
        var row = await store.GetOutboxMessageAsync("msg-1", TestCancellationToken);
        Assert.Equal(completion, row!.Status);
        if (completion != OutboxStatus.Cancelled)
        {
            Assert.Equal("provider said no", row.LastError);
        }

        Assert.Equal(history, Assert.Single((await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Messages).Status);
        Assert.Empty(await store.ClaimOutboxAsync(T0 + Duration.FromDays(1), 10, "dispatcher-b", Duration.FromMinutes(5), TestCancellationToken));
    }

    /// <summary>Dispatchers claiming concurrently never receive the same row twice, and every due row is claimed.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Concurrent_claims_hand_each_row_to_exactly_one_owner()
    {
        var rows = Enumerable.Range(0, 200).Select(i => ($"msg-{i:D4}", T0 - Duration.FromSeconds(i % 13))).ToArray();
        var store = await SeedOutboxAsync(rows);

        var owners = Enumerable.Range(0, 4).Select(o => Task.Run(async () =>
        {
            var mine = new List<string>();
            for (var calls = 0; calls <= rows.Length; calls++)
            {
                var claimed = await store.ClaimOutboxAsync(T0, 7, $"dispatcher-{o}", Duration.FromMinutes(5), TestCancellationToken);
                if (claimed.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(claimed.Select(r => r.Id));
            }

            Assert.Fail($"dispatcher-{o} kept receiving rows: rows under a live lease are handed out again.");
            return mine;
        })).ToArray();
        var all = (await Task.WhenAll(owners)).SelectMany(x => x).ToList();

        Assert.Equal(rows.Length, all.Count);
        Assert.Equal(rows.Length, all.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>Unknown outbox rows and traces read as null.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Unknown_outbox_rows_and_traces_are_null()
    {
        var store = await NewStoreAsync();

        Assert.Null(await store.GetOutboxMessageAsync("msg-404", TestCancellationToken));
        Assert.Null(await store.GetTraceAsync(Guid.NewGuid(), TestCancellationToken));
        Assert.Empty(await store.GetTracesAsync("cust-404", 10, TestCancellationToken));
    }

    // ---------------------------------------------------------------- traces

    /// <summary>Traces are found by decision id, and per customer newest first up to the count asked.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Traces_are_readable_by_decision_id_and_per_customer_newest_first()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001"), NewCustomer("cust-002")], T0, TestCancellationToken);
        var d1 = SendDecision("cust-001", "msg-1", T0, T0, T0 + Duration.FromHours(1));
        var d2 = SendDecision("cust-001", "msg-2", T0 + Duration.FromHours(1), T0 + Duration.FromHours(1), T0 + Duration.FromHours(2));
        var d3 = SendDecision("cust-001", "msg-3", T0 + Duration.FromHours(2), T0 + Duration.FromHours(2), T0 + Duration.FromHours(3));
        var other = SendDecision("cust-002", "msg-4", T0 + Duration.FromHours(3), T0, T0 + Duration.FromHours(3));
        await store.CommitDecisionsAsync([d1], TestCancellationToken);
        await store.CommitDecisionsAsync([d2, other], TestCancellationToken);
        await store.CommitDecisionsAsync([d3], TestCancellationToken);

        var all = await store.GetTracesAsync("cust-001", 10, TestCancellationToken);
        var newest = await store.GetTracesAsync("cust-001", 2, TestCancellationToken);
        var byId = await store.GetTraceAsync(d1.DecisionId, TestCancellationToken);

        Assert.Equal(new[] { d3.DecisionId, d2.DecisionId, d1.DecisionId }, all.Select(t => t.DecisionId));
        Assert.Equal(new[] { d3.DecisionId, d2.DecisionId }, newest.Select(t => t.DecisionId));
        Assert.NotNull(byId);
        Assert.Equal("cust-001", byId.CustomerId);
        Assert.Equal(T0, byId.EvaluatedAt);
        Assert.Equal("msg-1", byId.MessageId);
        Assert.Equal("welcome", Assert.Single(byId.Candidates).GoalId);
    }

    // ---------------------------------------------------------------- review queue

    /// <summary>A review decision holds the message: pending in the queue, not in the outbox, in the history as held (it occupies its slot).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task A_review_decision_holds_the_message_out_of_the_outbox_but_in_the_history_as_held()
    {
        var (store, queue) = await NewStoreWithQueueAsync();
        await store.CommitDecisionsAsync([ReviewDecision("cust-001", "review-1", "msg-1", T0)], TestCancellationToken);

        var pending = await queue.GetPendingAsync("review-1", TestCancellationToken);

        Assert.NotNull(pending);
        Assert.Equal("cust-001", pending.CustomerId);
        Assert.Equal("msg-1", pending.Message.Id);
        Assert.Equal("review-1", Assert.Single(await queue.ListPendingAsync(10, TestCancellationToken)).ReviewId);
        Assert.Null(await store.GetOutboxMessageAsync("msg-1", TestCancellationToken));
        var held = Assert.Single((await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Messages);
        Assert.Equal("msg-1", held.MessageId);
        Assert.Equal(MessageStatus.HeldForReview, held.Status);
        Assert.True(held.CountsTowardCaps);
        Assert.Empty(await store.ClaimOutboxAsync(T0 + Duration.FromDays(2), 10, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken));
    }

    /// <summary>Approving releases the message once; a second approval returns null and adds nothing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Approving_releases_the_message_exactly_once()
    {
        var (store, queue) = await NewStoreWithQueueAsync();
        await store.CommitDecisionsAsync([ReviewDecision("cust-001", "review-1", "msg-1", T0)], TestCancellationToken);
        var releaseAt = T0 + Duration.FromHours(2);

        var first = await queue.ResolveAsync(new ReviewResolution("review-1", true, "reviewer", T0 + Duration.FromHours(1)) { ReleaseAt = releaseAt }, TestCancellationToken);
        var second = await queue.ResolveAsync(new ReviewResolution("review-1", true, "reviewer", T0 + Duration.FromHours(1)) { ReleaseAt = releaseAt }, TestCancellationToken);

        Assert.NotNull(first);
        Assert.Equal("review-1", first.ReviewId);
        Assert.Null(second);
        Assert.Null(await queue.GetPendingAsync("review-1", TestCancellationToken));
        Assert.Empty(await queue.ListPendingAsync(10, TestCancellationToken));
        var row = await store.GetOutboxMessageAsync("msg-1", TestCancellationToken);
        Assert.Equal(OutboxStatus.Pending, row!.Status);
        Assert.Equal(releaseAt, row.DueAt);
        var message = Assert.Single((await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Messages);
        Assert.Equal("msg-1", message.MessageId);
        Assert.Equal(MessageStatus.Pending, message.Status);
        Assert.Equal(releaseAt, message.ScheduledAt);
        Assert.Empty(await store.ClaimOutboxAsync(releaseAt - Duration.FromSeconds(1), 10, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken));
        Assert.Single(await store.ClaimOutboxAsync(releaseAt + Duration.FromDays(1), 10, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken));
    }

    /// <summary>An approval without a release instant makes the message due at the resolution instant.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Approval_without_ReleaseAt_is_due_at_the_resolution_instant()
    {
        var (store, queue) = await NewStoreWithQueueAsync();
        await store.CommitDecisionsAsync([ReviewDecision("cust-001", "review-1", "msg-1", T0)], TestCancellationToken);

        await queue.ResolveAsync(new ReviewResolution("review-1", true, "reviewer", T0 + Duration.FromMinutes(30)), TestCancellationToken);

        Assert.Equal(T0 + Duration.FromMinutes(30), (await store.GetOutboxMessageAsync("msg-1", TestCancellationToken))!.DueAt);
    }

    /// <summary>Rejecting drops the message: nothing in the outbox, the held history record cancelled, and resolving again returns null.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Rejecting_releases_nothing()
    {
        var (store, queue) = await NewStoreWithQueueAsync();
        await store.CommitDecisionsAsync([ReviewDecision("cust-001", "review-1", "msg-1", T0)], TestCancellationToken);

        var rejected = await queue.ResolveAsync(new ReviewResolution("review-1", false, "reviewer", T0) { Reason = "off-brand" }, TestCancellationToken);
        var approvedLater = await queue.ResolveAsync(new ReviewResolution("review-1", true, "reviewer", T0), TestCancellationToken);

        Assert.NotNull(rejected);
        Assert.Null(approvedLater);
        Assert.Null(await store.GetOutboxMessageAsync("msg-1", TestCancellationToken));
        var cancelled = Assert.Single((await store.GetCustomerAsync("cust-001", TestCancellationToken))!.Messages);
        Assert.Equal(MessageStatus.Cancelled, cancelled.Status);
        Assert.False(cancelled.CountsTowardCaps);
        Assert.Empty(await queue.ListPendingAsync(10, TestCancellationToken));
        Assert.Empty(await store.ClaimOutboxAsync(T0 + Duration.FromDays(2), 10, "dispatcher-a", Duration.FromMinutes(5), TestCancellationToken));
    }

    /// <summary>Pending reviews are listed oldest first, up to the count asked.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Pending_reviews_are_listed_oldest_first()
    {
        var (store, queue) = await NewStoreWithQueueAsync();
        await store.CommitDecisionsAsync(
            [
                ReviewDecision("cust-001", "review-c", "msg-c", T0 + Duration.FromMinutes(2)),
                ReviewDecision("cust-001", "review-a", "msg-a", T0),
                ReviewDecision("cust-001", "review-b", "msg-b", T0 + Duration.FromMinutes(1)),
            ],
            TestCancellationToken);

        var all = await queue.ListPendingAsync(10, TestCancellationToken);
        var two = await queue.ListPendingAsync(2, TestCancellationToken);

        Assert.Equal(new[] { "review-a", "review-b", "review-c" }, all.Select(r => r.ReviewId));
        Assert.Equal(new[] { "review-a", "review-b" }, two.Select(r => r.ReviewId));
    }

    /// <summary>Unknown reviews read and resolve as null.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Unknown_reviews_read_and_resolve_as_null()
    {
        var (_, queue) = await NewStoreWithQueueAsync();

        Assert.Null(await queue.GetPendingAsync("review-404", TestCancellationToken));
        Assert.Null(await queue.ResolveAsync(new ReviewResolution("review-404", true, "reviewer", T0), TestCancellationToken));
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Asserts the counts of an append result and that <see cref="EventAppendResult.IsNew"/> agrees with them.</summary>
    /// <param name="result">The result.</param>
    /// <param name="appended">Expected new events.</param>
    /// <param name="duplicates">Expected duplicates.</param>
    /// <param name="unknown">Expected events for unknown customers.</param>
    /// <param name="conflicts">Expected conflicts (an event id seen before with other content).</param>
    protected static void AssertCounts(EventAppendResult result, int appended, int duplicates, int unknown, int conflicts = 0)
    {
        Assert.Equal(appended, result.Appended);
        Assert.Equal(duplicates, result.Duplicates);
        Assert.Equal(unknown, result.UnknownCustomers);
        Assert.Equal(conflicts, result.Conflicts);
        Assert.Equal(conflicts, result.ConflictingEventIds.IsDefault ? 0 : result.ConflictingEventIds.Length);
        Assert.False(result.IsNew.IsDefault, "The store must report IsNew per event.");
        Assert.Equal(appended + duplicates + unknown + conflicts, result.IsNew.Length);
        Assert.Equal(appended, result.IsNew.Count(n => n));
    }

    /// <summary>Creates a store for the current test and remembers it for disposal.</summary>
    /// <returns>The store.</returns>
    protected async ValueTask<ICustomerStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync();
        Assert.NotNull(store);
        _created.Add(store);
        return store;
    }

    private async ValueTask<(ICustomerStore Store, IReviewQueue Queue)> NewStoreWithQueueAsync()
    {
        var store = await NewStoreAsync();
        var queue = AsReviewQueue(store);
        if (queue is null)
        {
            Assert.Skip("The store has no review queue (AsReviewQueue returned null).");
        }

        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        return (store, queue);
    }

    private async ValueTask<ICustomerStore> SeedOutboxAsync(params (string MessageId, Instant DueAt)[] rows)
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var decisions = rows.Select(r => SendDecision("cust-001", r.MessageId, T0 - Duration.FromMinutes(1), r.DueAt, T0 + Duration.FromDays(1))).ToArray();
        await store.CommitDecisionsAsync(decisions, TestCancellationToken);
        return store;
    }

    private static string[] Ids(CustomerBatch batch) => batch.Customers.Select(c => c.Id).ToArray();

    private static Customer Rebuild(Customer c) => c with
    {
        ContactPoints = [.. c.ContactPoints.Select(p => p with { })],
        Consents = [.. c.Consents.Select(x => x with { })],
        Purchases = [.. c.Purchases.Select(p => p with { Items = [.. p.Items] })],
        Subscriptions = [.. c.Subscriptions],
        SupportContacts = [.. c.SupportContacts],
        Attributes = ImmutableDictionary.CreateRange(c.Attributes),
    };
}
