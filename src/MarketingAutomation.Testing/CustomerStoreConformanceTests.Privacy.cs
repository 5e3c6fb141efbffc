using Xunit;

namespace MarketingAutomation.Testing;

/// <content>
/// The inbox (content hashes, RL-02), data-subject rights (<see cref="IPersonalDataStore"/>: GD-01, GD-03, GD-04), model snapshots
/// (<see cref="IModelStateStore"/>) and "why did customer X get message Y" (<see cref="ICustomerStore.GetMessageTraceAsync"/>).
/// </content>
public abstract partial class CustomerStoreConformanceTests
{
    /// <summary>Returns the data-subject-rights side of a store, or null to skip those tests.</summary>
    /// <param name="store">The store.</param>
    /// <returns>The store as <see cref="IPersonalDataStore"/>, or null.</returns>
    protected virtual IPersonalDataStore? AsPersonalDataStore(ICustomerStore store) => store as IPersonalDataStore;

    /// <summary>Returns the model-snapshot side of a store, or null to skip those tests.</summary>
    /// <param name="store">The store.</param>
    /// <returns>The store as <see cref="IModelStateStore"/>, or null.</returns>
    protected virtual IModelStateStore? AsModelStateStore(ICustomerStore store) => store as IModelStateStore;

    // ---------------------------------------------------------------- inbox: event id + content hash (RL-02, TW-04, SG-02)

    /// <summary>RL-02: the same event delivered again (equal content, a new object) is a duplicate, applied once.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Inbox_a_redelivered_event_with_the_same_content_is_a_duplicate()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var decision = Guid.NewGuid();
        MessageEvent Open() => new("sg-ev-1", "cust-001", T0, decision, MessageEventKind.Opened) { Channel = ChannelKind.Email, ProviderMessageId = "sg-1" };

        var first = await store.AppendEventsAsync([Open()], TestCancellationToken);
        var again = await store.AppendEventsAsync([Open(), Open()], TestCancellationToken);

        AssertCounts(first, 1, 0, 0);
        AssertCounts(again, 0, 2, 0);
        var stored = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Single(stored!.RecentEvents, e => e.EventId == "sg-ev-1");
    }

    /// <summary>
    /// RL-02: an event id reused with different content is a conflict: reported with its id, not applied, not remembered (the first content
    /// stays), and reported again when it arrives again, while the original content stays a duplicate.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Inbox_the_same_event_id_with_different_content_is_a_conflict_and_not_applied()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        var original = new PurchaseEvent("order-9", "cust-001", T0, new Purchase("order-9", T0, 40m));
        var changed = original with { Purchase = new Purchase("order-9", T0, 400m) };

        var first = await store.AppendEventsAsync([original], TestCancellationToken);
        var conflict = await store.AppendEventsAsync([changed, new BrowseEvent("ev-2", "cust-001", T0, "bags")], TestCancellationToken);
        var conflictAgain = await store.AppendEventsAsync([changed], TestCancellationToken);
        var duplicate = await store.AppendEventsAsync([original with { }], TestCancellationToken);

        AssertCounts(first, 1, 0, 0);
        AssertCounts(conflict, 1, 0, 0, conflicts: 1);
        Assert.Equal(new[] { false, true }, conflict.IsNew);
        Assert.Equal(new[] { "order-9" }, conflict.ConflictingEventIds);
        AssertCounts(conflictAgain, 0, 0, 0, conflicts: 1);
        AssertCounts(duplicate, 0, 1, 0);
        var stored = await store.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Equal(40m, Assert.Single(stored!.Customer.Purchases, p => p.OrderId == "order-9").Amount);
        Assert.Equal(40m, Assert.IsType<PurchaseEvent>(Assert.Single(stored.RecentEvents, e => e.EventId == "order-9")).Purchase.Amount);
    }

    /// <summary>
    /// RL-02 test sketch: a stream where every event arrives 1 to 5 times (redeliveries interleaved with later events, spread over
    /// batches) leaves the customer exactly as the de-duplicated stream delivered once: side effects happen once.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Inbox_redelivered_streams_end_in_the_same_state_as_the_deduplicated_stream()
    {
        var once = await NewStoreAsync();
        var noisy = await NewStoreAsync();
        var random = new Random(6);
        foreach (var store in new[] { once, noisy })
        {
            await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0 + Duration.FromDays(10), TestCancellationToken);
            await store.CommitDecisionsAsync([SendDecision("cust-001", "msg-1", T0, T0, T0 + Duration.FromDays(10), Guid.Parse("5d2c1e0a-8f4b-4b7e-9c1d-2a3b4c5d6e7f"))], TestCancellationToken);
        }

        var decision = Guid.Parse("5d2c1e0a-8f4b-4b7e-9c1d-2a3b4c5d6e7f");
        CustomerEvent[] stream =
        [
            new MessageEvent("e-1", "cust-001", T0 + Duration.FromMinutes(1), decision, MessageEventKind.Delivered) { Channel = ChannelKind.Email },
            new MessageEvent("e-2", "cust-001", T0 + Duration.FromMinutes(5), decision, MessageEventKind.Opened) { Channel = ChannelKind.Email },
            new MessageEvent("e-3", "cust-001", T0 + Duration.FromMinutes(6), decision, MessageEventKind.Clicked) { Channel = ChannelKind.Email, Url = "https://shop.example/a" },
            new BrowseEvent("e-4", "cust-001", T0 + Duration.FromMinutes(7), "shoes") { Sku = "sku-2" },
            new PurchaseEvent("e-5", "cust-001", T0 + Duration.FromMinutes(9), new Purchase("order-5", T0 + Duration.FromMinutes(9), 59.90m) { AttributedDecisionId = decision }),
            new MessageEvent("e-6", "cust-001", T0 + Duration.FromHours(2), decision, MessageEventKind.Unsubscribed) { Channel = ChannelKind.Email },
        ];
        var deliveries = new List<CustomerEvent>();
        foreach (var e in stream)
        {
            var copies = random.Next(1, 6);
            for (var c = 0; c < copies; c++)
            {
                // Distinct events keep the stream's order; copies land next to each other, some between the copies of the previous event.
                deliveries.Insert(c == 0 ? deliveries.Count : random.Next(deliveries.Count - c, deliveries.Count + 1), e with { });
            }
        }

        await once.AppendEventsAsync(stream, TestCancellationToken);
        var appended = 0;
        var duplicates = 0;
        for (var start = 0; start < deliveries.Count;)
        {
            var size = Math.Min(random.Next(1, 4), deliveries.Count - start);
            var result = await noisy.AppendEventsAsync(deliveries.GetRange(start, size), TestCancellationToken);
            appended += result.Appended;
            duplicates += result.Duplicates;
            Assert.Equal(0, result.Conflicts);
            start += size;
        }

        var expected = await once.GetCustomerAsync("cust-001", TestCancellationToken);
        var actual = await noisy.GetCustomerAsync("cust-001", TestCancellationToken);
        Assert.Equal((stream.Length, deliveries.Count - stream.Length), (appended, duplicates));
        Assert.True(CustomerProjection.HasSameFacts(expected!.Customer, actual!.Customer), "The facts differ from a single delivery.");
        Assert.Equal(expected.Messages, actual.Messages);
        Assert.Equal(expected.RecentEvents.Select(e => e.EventId), actual.RecentEvents.Select(e => e.EventId));
        Assert.Equal(expected.NextEvaluationAt, actual.NextEvaluationAt);
    }

    /// <summary>RL-02: an equal amount written with other trailing zeros is the same content (canonical form), so a duplicate.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Inbox_content_hash_uses_a_canonical_form()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);

        await store.AppendEventsAsync([new PurchaseEvent("order-7", "cust-001", T0, new Purchase("order-7", T0, 42m))], TestCancellationToken);
        var again = await store.AppendEventsAsync([new PurchaseEvent("order-7", "cust-001", T0, new Purchase("order-7", T0, 42.00m))], TestCancellationToken);

        AssertCounts(again, 0, 1, 0);
    }

    // ---------------------------------------------------------------- why did customer X get message Y

    /// <summary>The trace of a message is found by customer and message id, for an outbox message and for one held for review.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GetMessageTrace_finds_the_decision_behind_a_message_of_that_customer_only()
    {
        var store = await NewStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001"), NewCustomer("cust-002")], T0, TestCancellationToken);
        var send = SendDecision("cust-001", "msg-1", T0, T0, T0 + Duration.FromDays(1));
        var review = ReviewDecision("cust-001", "rev-1", "msg-2", T0);
        await store.CommitDecisionsAsync([send, review], TestCancellationToken);

        var sent = await store.GetMessageTraceAsync("cust-001", "msg-1", TestCancellationToken);
        var held = await store.GetMessageTraceAsync("cust-001", "msg-2", TestCancellationToken);

        Assert.Equal(send.DecisionId, sent?.DecisionId);
        Assert.Equal("msg-1", sent!.MessageId);
        Assert.Equal(review.DecisionId, held?.DecisionId);
        Assert.Null(await store.GetMessageTraceAsync("cust-002", "msg-1", TestCancellationToken));
        Assert.Null(await store.GetMessageTraceAsync("cust-001", "msg-404", TestCancellationToken));
    }

    // ---------------------------------------------------------------- consent ledger (GD-01)

    /// <summary>
    /// GD-01: every grant and withdrawal, from import and from events, is in the ledger with its source and instant, oldest first; a
    /// re-import that omits entries never removes or changes them.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Consent_ledger_is_append_only_across_imports_and_events()
    {
        var (store, rights) = await NewPersonalDataStoreAsync();
        var imported = NewCustomer("cust-001") with
        {
            Consents = [new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, T0 - Duration.FromDays(30)) { Source = "signup-form", Evidence = "notice v3" }],
        };
        await store.UpsertCustomersAsync([imported], T0, TestCancellationToken);
        var withdrawal = new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, T0 + Duration.FromHours(1)) { Source = "preference-center" };
        await store.AppendEventsAsync([new ConsentEvent("consent-1", "cust-001", T0 + Duration.FromHours(1), withdrawal)], TestCancellationToken);
        var regrant = new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, T0 + Duration.FromDays(2)) { Source = "crm-import" };
        await store.UpsertCustomersAsync([imported with { Consents = [regrant] }], T0 + Duration.FromDays(2), TestCancellationToken);

        var ledger = await rights.GetConsentLedgerAsync("cust-001", TestCancellationToken);

        Assert.Equal(new[] { "signup-form", "preference-center", "crm-import" }, ledger.Select(c => c.Source));
        Assert.Equal(new[] { ConsentStatus.Granted, ConsentStatus.Revoked, ConsentStatus.Granted }, ledger.Select(c => c.Status));
        Assert.Equal("notice v3", ledger[0].Evidence);
        Assert.Empty(await rights.GetConsentLedgerAsync("cust-404", TestCancellationToken));
    }

    // ---------------------------------------------------------------- export (GD-04)

    /// <summary>GD-04: the export holds facts, consent ledger, messages, events, outbox rows, traces, reviews and learned state, and nothing of anyone else.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Export_holds_everything_about_the_customer_and_nothing_about_others()
    {
        var (store, rights) = await NewPersonalDataStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001"), NewCustomer("cust-002")], T0, TestCancellationToken);
        var send = SendDecision("cust-001", "msg-1", T0, T0, T0 + Duration.FromDays(1)) with { LearnedState = new byte[] { 1, 2, 3 } };
        var review = ReviewDecision("cust-001", "rev-1", "msg-2", T0);
        await store.CommitDecisionsAsync([send, review, SendDecision("cust-002", "msg-9", T0, T0, T0 + Duration.FromDays(1))], TestCancellationToken);
        await store.AppendEventsAsync(
            [new BrowseEvent("ev-1", "cust-001", T0, "shoes"), new BrowseEvent("ev-9", "cust-002", T0, "bags")], TestCancellationToken);

        var export = await rights.ExportCustomerAsync("cust-001", TestCancellationToken);

        Assert.NotNull(export);
        Assert.Equal("cust-001", export.CustomerId);
        Assert.Equal("cust-001@example.com", export.Customer.ContactPoints[0].Address);
        Assert.Equal(2, export.ConsentLedger.Length);
        Assert.Equal(new[] { "msg-1", "msg-2" }, export.Messages.Select(m => m.MessageId).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "ev-1" }, export.RecentEvents.Select(e => e.EventId));
        Assert.Equal(new[] { "msg-1" }, export.Outbox.Select(o => o.Id));
        Assert.Equal("Hello", export.Outbox[0].Message.Body);
        Assert.Equal(new[] { send.DecisionId, review.DecisionId }.Order(), export.Traces.Select(t => t.DecisionId).Order());
        Assert.Equal(new[] { "rev-1" }, export.Reviews.Select(r => r.ReviewId));
        Assert.Equal(new byte[] { 1, 2, 3 }, export.LearnedState.ToArray());
        Assert.DoesNotContain(export.Outbox, o => o.Message.CustomerId != "cust-001");
        Assert.DoesNotContain(export.Traces, t => t.CustomerId != "cust-001");
        Assert.Null(await rights.ExportCustomerAsync("cust-404", TestCancellationToken));
    }

    /// <summary>GD-04: resolved reviews stay in the export.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Export_includes_resolved_reviews()
    {
        var (store, rights) = await NewPersonalDataStoreAsync();
        var queue = AsReviewQueue(store);
        if (queue is null)
        {
            Assert.Skip("The store has no review queue.");
        }

        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        await store.CommitDecisionsAsync([ReviewDecision("cust-001", "rev-1", "msg-2", T0)], TestCancellationToken);
        await queue.ResolveAsync(new ReviewResolution("rev-1", false, "alice", T0 + Duration.FromMinutes(5)) { Reason = "tone" }, TestCancellationToken);

        var export = await rights.ExportCustomerAsync("cust-001", TestCancellationToken);

        Assert.Equal(new[] { "rev-1" }, export!.Reviews.Select(r => r.ReviewId));
    }

    // ---------------------------------------------------------------- erasure (GD-03)

    /// <summary>
    /// GD-03: erasure removes the customer, every outbox row (a pending one is never claimed afterwards), traces, reviews and remembered
    /// event ids, keeps only the keyed-hash suppression entries, and leaves other customers alone.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Erase_removes_the_customer_from_every_table_and_keeps_only_the_suppression_entries()
    {
        var (store, rights) = await NewPersonalDataStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001"), NewCustomer("cust-002")], T0, TestCancellationToken);
        var send = SendDecision("cust-001", "msg-1", T0, T0 + Duration.FromHours(1), T0 + Duration.FromDays(1));
        var review = ReviewDecision("cust-001", "rev-1", "msg-2", T0);
        var other = SendDecision("cust-002", "msg-9", T0, T0 + Duration.FromHours(1), T0 + Duration.FromDays(1));
        await store.CommitDecisionsAsync([send, review, other], TestCancellationToken);
        var browse = new BrowseEvent("ev-1", "cust-001", T0, "shoes");
        await store.AppendEventsAsync([browse], TestCancellationToken);
        var entries = new[] { new SuppressionEntry(ChannelKind.Email, Hash(1), "Erased", T0), new SuppressionEntry(ChannelKind.Sms, Hash(2), "Erased", T0) };

        var result = await rights.EraseCustomerAsync("cust-001", entries, TestCancellationToken);

        Assert.Equal(new ErasureResult(true, 1, 1, 2, 1, 2), result);
        Assert.Null(await store.GetCustomerAsync("cust-001", TestCancellationToken));
        Assert.Null(await store.GetOutboxMessageAsync("msg-1", TestCancellationToken));
        Assert.Null(await store.GetTraceAsync(send.DecisionId, TestCancellationToken));
        Assert.Null(await store.GetTraceAsync(review.DecisionId, TestCancellationToken));
        Assert.Empty(await store.GetTracesAsync("cust-001", 10, TestCancellationToken));
        Assert.Null(await rights.ExportCustomerAsync("cust-001", TestCancellationToken));
        Assert.Empty(await rights.GetConsentLedgerAsync("cust-001", TestCancellationToken));
        var claimed = await store.ClaimOutboxAsync(T0 + Duration.FromDays(1), 10, "d1", Duration.FromMinutes(1), TestCancellationToken);
        Assert.Equal(new[] { "msg-9" }, claimed.Select(c => c.Id));
        if (AsReviewQueue(store) is { } queue)
        {
            Assert.Null(await queue.GetPendingAsync("rev-1", TestCancellationToken));
            Assert.DoesNotContain(await queue.ListPendingAsync(10, TestCancellationToken), r => r.CustomerId == "cust-001");
        }

        // The event inbox forgot the customer's event ids: a redelivery is for an unknown customer, not a duplicate.
        AssertCounts(await store.AppendEventsAsync([browse], TestCancellationToken), 0, 0, 1);
        var suppressions = await rights.GetSuppressionsAsync(TestCancellationToken);
        Assert.Equal(entries.OrderBy(e => e.Kind), suppressions.OrderBy(e => e.Kind));
        Assert.NotNull(await store.GetCustomerAsync("cust-002", TestCancellationToken));
        Assert.NotNull(await store.GetOutboxMessageAsync("msg-9", TestCancellationToken));
        Assert.Null(await store.GetCustomerAsync("cust-001", TestCancellationToken));
    }

    /// <summary>GD-03: a message claimed by a dispatcher when the customer is erased can no longer be completed (no record is recreated).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Erase_while_a_message_is_claimed_refuses_its_completion()
    {
        var (store, rights) = await NewPersonalDataStoreAsync();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, TestCancellationToken);
        await store.CommitDecisionsAsync([SendDecision("cust-001", "msg-1", T0, T0, T0 + Duration.FromDays(1))], TestCancellationToken);
        Assert.Single(await store.ClaimOutboxAsync(T0, 10, "d1", Duration.FromMinutes(5), TestCancellationToken));

        var result = await rights.EraseCustomerAsync("cust-001", [], TestCancellationToken);
        var completed = await store.CompleteOutboxAsync(new OutboxCompletion("msg-1", "d1", OutboxStatus.Sent, T0 + Duration.FromMinutes(1)), TestCancellationToken);

        Assert.Equal(1, result.PendingOutboxRows);
        Assert.False(completed);
        Assert.Null(await store.GetOutboxMessageAsync("msg-1", TestCancellationToken));
    }

    /// <summary>GD-03: erasing an unknown customer, or erasing twice, still records the suppressions once and reports nothing found.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Erase_of_an_unknown_customer_keeps_the_suppressions_once()
    {
        var (_, rights) = await NewPersonalDataStoreAsync();
        var entry = new SuppressionEntry(ChannelKind.Email, Hash(7), "Erased", T0);

        var first = await rights.EraseCustomerAsync("cust-404", [entry], TestCancellationToken);
        var second = await rights.EraseCustomerAsync("cust-404", [entry with { At = T0 + Duration.FromDays(1) }], TestCancellationToken);
        var added = await rights.AddSuppressionsAsync([entry, new SuppressionEntry(ChannelKind.Sms, Hash(8), "Objected", T0)], TestCancellationToken);

        Assert.Equal(new ErasureResult(false, 0, 0, 0, 0, 1), first);
        Assert.Equal(0, second.Suppressions);
        Assert.Equal(1, added);
        var all = await rights.GetSuppressionsAsync(TestCancellationToken);
        Assert.Equal(2, all.Count);
        Assert.Equal(T0, Assert.Single(all, e => e.Kind == ChannelKind.Email).At);
        Assert.Equal("Objected", Assert.Single(all, e => e.Kind == ChannelKind.Sms).ReasonCode);
    }

    // ---------------------------------------------------------------- model snapshots

    /// <summary>Model snapshots are stored by name with a version incremented on every save and the instant saved.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Model_state_is_saved_by_name_with_version_and_saved_at()
    {
        var store = await NewStoreAsync();
        var models = AsModelStateStore(store);
        if (models is null)
        {
            Assert.Skip("The store keeps no model snapshots (AsModelStateStore returned null).");
        }

        Assert.Null(await models.LoadModelStateAsync("adaptive", TestCancellationToken));
        var v1 = await models.SaveModelStateAsync("adaptive", new byte[] { 1, 2 }, T0, TestCancellationToken);
        var v2 = await models.SaveModelStateAsync("adaptive", new byte[] { 3, 4, 5 }, T0 + Duration.FromHours(1), TestCancellationToken);
        await models.SaveModelStateAsync("other", new byte[] { 9 }, T0, TestCancellationToken);

        var loaded = await models.LoadModelStateAsync("adaptive", TestCancellationToken);

        Assert.Equal((1L, 2L), (v1, v2));
        Assert.NotNull(loaded);
        Assert.Equal(("adaptive", 2L, T0 + Duration.FromHours(1)), (loaded.Name, loaded.Version, loaded.SavedAt));
        Assert.Equal(new byte[] { 3, 4, 5 }, loaded.Data.ToArray());
    }

    /// <summary>Builds a distinct suppression hash for tests.</summary>
    /// <param name="seed">A byte that makes it distinct.</param>
    /// <returns>The hash.</returns>
    protected static SuppressionHash Hash(byte seed)
    {
        var bytes = new byte[SuppressionHash.Length];
        bytes.AsSpan().Fill(seed);
        bytes[0] = 0xA5;
        return new SuppressionHash(bytes);
    }

    private async ValueTask<(ICustomerStore Store, IPersonalDataStore Rights)> NewPersonalDataStoreAsync()
    {
        var store = await NewStoreAsync();
        var rights = AsPersonalDataStore(store);
        if (rights is null)
        {
            Assert.Skip("The store does not implement IPersonalDataStore (AsPersonalDataStore returned null).");
        }

        return (store, rights);
    }
}
