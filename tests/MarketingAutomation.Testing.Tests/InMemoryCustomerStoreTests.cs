namespace MarketingAutomation.Testing.Tests;

/// <summary>Behaviour specific to the in-memory store (the shared contract is in <see cref="InMemoryCustomerStoreConformanceTests"/>).</summary>
public sealed class InMemoryCustomerStoreTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 9, 0);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Customer NewCustomer(string id) => new(id) { ContactPoints = [new ContactPoint(ChannelKind.Email, id + "@example.com")] };

    private static DecisionRecord Send(string customerId, string messageId, Instant at, Guid? decisionId = null)
    {
        var id = decisionId ?? Guid.NewGuid();
        var message = new OutboundMessage(messageId, id, customerId, "email", customerId + "@example.com", "Hello") { Kind = ChannelKind.Email };
        return new DecisionRecord(id, customerId, at, DecisionOutcome.Send, "Chosen", at + Duration.FromDays(1))
        {
            Trace = new DecisionTrace(id, customerId, at, DecisionOutcome.Send, "Chosen") { MessageId = messageId },
            Outbox = new OutboxMessage(message, at),
        };
    }

    [Fact]
    public async Task Two_owners_claiming_1000_rows_concurrently_claim_every_row_exactly_once()
    {
        var store = new InMemoryCustomerStore();
        var customers = Enumerable.Range(0, 100).Select(i => NewCustomer($"cust-{i:D3}")).ToArray();
        await store.UpsertCustomersAsync(customers, T0, Ct);
        var decisions = Enumerable.Range(0, 1000).Select(i => Send($"cust-{i % 100:D3}", $"msg-{i:D4}", T0 - Duration.FromSeconds(i % 17))).ToArray();
        await store.CommitDecisionsAsync(decisions, Ct);

        async Task<List<string>> ClaimAll(string owner)
        {
            var mine = new List<string>();
            for (var calls = 0; ; calls++)
            {
                Assert.True(calls <= 1000, $"{owner} kept receiving rows.");
                var claimed = await store.ClaimOutboxAsync(T0, 3, owner, Duration.FromMinutes(5), Ct);
                if (claimed.Count == 0)
                {
                    return mine;
                }

                foreach (var row in claimed)
                {
                    Assert.Equal(owner, row.LeaseOwner);
                    Assert.Equal(1, row.Attempts);
                    mine.Add(row.Id);
                    Assert.True(await store.CompleteOutboxAsync(new OutboxCompletion(row.Id, owner, OutboxStatus.Sent, T0) { ProviderMessageId = "p-" + row.Id }, Ct));
                }
            }
        }

        var results = await Task.WhenAll(Task.Run(() => ClaimAll("dispatcher-a"), Ct), Task.Run(() => ClaimAll("dispatcher-b"), Ct));

        var all = results[0].Concat(results[1]).ToList();
        Assert.Equal(1000, all.Count);
        Assert.Equal(1000, all.Distinct(StringComparer.Ordinal).Count());
        Assert.All(store.OutboxSnapshot(), row => Assert.Equal(OutboxStatus.Sent, row.Status));
        var customer = await store.GetCustomerAsync("cust-042", Ct);
        Assert.Equal(10, customer!.Messages.Length);
        Assert.All(customer.Messages, m => Assert.Equal(MessageStatus.Sent, m.Status));
    }

    [Fact]
    public async Task Paging_through_100000_customers_returns_each_due_customer_once_in_order()
    {
        var store = new InMemoryCustomerStore();
        const int total = 100_000;
        var customers = new Customer[total];
        for (var i = 0; i < total; i++)
        {
            customers[i] = new Customer($"cust-{i:D6}");
        }

        // Spread the customers over 200 due instants (T0-100m .. T0+99m): about half are due at T0.
        for (var batch = 0; batch < 200; batch++)
        {
            var slice = new List<Customer>(total / 200);
            for (var i = batch; i < total; i += 200)
            {
                slice.Add(customers[i]);
            }

            await store.UpsertCustomersAsync(slice, T0 + Duration.FromMinutes(batch - 100), Ct);
        }

        var seen = 0;
        var pages = 0;
        (Instant Due, string Id)? previous = null;
        DueCursor? cursor = null;
        do
        {
            var page = await store.GetDueCustomersAsync(T0, cursor, 1000, Ct);
            pages++;
            foreach (var c in page.Customers)
            {
                Assert.True(c.NextEvaluationAt <= T0);
                if (previous is { } p)
                {
                    var ordered = p.Due < c.NextEvaluationAt || (p.Due == c.NextEvaluationAt && string.CompareOrdinal(p.Id, c.Id) < 0);
                    Assert.True(ordered, $"{c.Id} at {c.NextEvaluationAt} came after {p.Id} at {p.Due}.");
                }

                previous = (c.NextEvaluationAt, c.Id);
                seen++;
            }

            cursor = page.Next;
        }
        while (cursor is not null);

        // Batches 0..100 are due at or before T0: 101 batches of 500 customers.
        Assert.Equal(101 * 500, seen);
        Assert.Equal(51, pages);
        Assert.Equal(total, store.Count);
    }

    [Fact]
    public async Task Committing_for_an_unknown_customer_throws_InvalidOperationException_naming_it()
    {
        var store = new InMemoryCustomerStore();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, Ct);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await store.CommitDecisionsAsync([Send("cust-001", "msg-1", T0), Send("cust-404", "msg-2", T0)], Ct));

        Assert.Contains("'cust-404'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(store.OutboxSnapshot());
    }

    [Fact]
    public async Task Only_the_newest_traces_are_kept_per_customer()
    {
        var store = new InMemoryCustomerStore(maxTracesPerCustomer: 3);
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, Ct);
        var decisions = Enumerable.Range(0, 5).Select(i => Send("cust-001", $"msg-{i}", T0 + Duration.FromMinutes(i))).ToArray();
        foreach (var d in decisions)
        {
            await store.CommitDecisionsAsync([d], Ct);
        }

        var traces = await store.GetTracesAsync("cust-001", 10, Ct);

        Assert.Equal(decisions.Reverse().Take(3).Select(d => d.DecisionId), traces.Select(t => t.DecisionId));
        Assert.Null(await store.GetTraceAsync(decisions[0].DecisionId, Ct));
        Assert.NotNull(await store.GetTraceAsync(decisions[2].DecisionId, Ct));
    }

    [Fact]
    public async Task Traces_committed_out_of_order_are_still_listed_newest_first()
    {
        var store = new InMemoryCustomerStore();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, Ct);
        var late = Send("cust-001", "msg-late", T0 + Duration.FromHours(1));
        var early = Send("cust-001", "msg-early", T0);

        await store.CommitDecisionsAsync([late], Ct);
        await store.CommitDecisionsAsync([early], Ct);

        var traces = await store.GetTracesAsync("cust-001", 10, Ct);
        Assert.Equal(new[] { late.DecisionId, early.DecisionId }, traces.Select(t => t.DecisionId));
    }

    [Fact]
    public async Task The_lease_owner_may_still_complete_after_its_lease_ended_if_nobody_reclaimed_the_row()
    {
        var store = new InMemoryCustomerStore();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, Ct);
        await store.CommitDecisionsAsync([Send("cust-001", "msg-1", T0)], Ct);
        await store.ClaimOutboxAsync(T0, 10, "dispatcher-a", Duration.FromSeconds(30), Ct);

        // The send took longer than the lease; no other dispatcher has claimed the row, so recording the result avoids a duplicate send.
        var applied = await store.CompleteOutboxAsync(new OutboxCompletion("msg-1", "dispatcher-a", OutboxStatus.Sent, T0 + Duration.FromMinutes(1)), Ct);

        Assert.True(applied);
        Assert.Equal(OutboxStatus.Sent, (await store.GetOutboxMessageAsync("msg-1", Ct))!.Status);
    }

    [Fact]
    public async Task An_event_for_an_unknown_customer_is_applied_when_it_arrives_again_after_the_customer_exists()
    {
        var store = new InMemoryCustomerStore();
        var e = new BrowseEvent("ev-1", "cust-001", T0, "shoes");

        var before = await store.AppendEventsAsync([e], Ct);
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, Ct);
        var after = await store.AppendEventsAsync([e], Ct);

        Assert.Equal((0, 0, 1), (before.Appended, before.Duplicates, before.UnknownCustomers));
        Assert.Equal(new[] { false }, before.IsNew);
        Assert.Equal((1, 0, 0), (after.Appended, after.Duplicates, after.UnknownCustomers));
        Assert.Equal(new[] { true }, after.IsNew);
    }

    [Fact]
    public async Task Customer_ids_are_ordered_ordinally_within_one_due_instant()
    {
        var store = new InMemoryCustomerStore();
        await store.UpsertCustomersAsync([NewCustomer("a"), NewCustomer("B"), NewCustomer("_")], T0, Ct);

        var page = await store.GetDueCustomersAsync(T0, null, 10, Ct);

        Assert.Equal(new[] { "B", "_", "a" }, page.Customers.Select(c => c.Id));
        Assert.Equal(new[] { "B", "_", "a" }, store.CustomerIds);
    }

    [Fact]
    public async Task Helpers_expose_counts_ids_and_the_outbox()
    {
        var store = new InMemoryCustomerStore();
        await store.UpsertCustomersAsync([NewCustomer("cust-002"), NewCustomer("cust-001")], T0, Ct);
        await store.CommitDecisionsAsync([Send("cust-001", "msg-b", T0 + Duration.FromMinutes(1)), Send("cust-002", "msg-a", T0 + Duration.FromMinutes(1)), Send("cust-001", "msg-c", T0)], Ct);

        Assert.Equal(2, store.Count);
        Assert.Equal(new[] { "cust-001", "cust-002" }, store.CustomerIds);
        Assert.Equal(new[] { "msg-c", "msg-a", "msg-b" }, store.OutboxSnapshot().Select(r => r.Id));
    }

    [Fact]
    public async Task Every_change_increments_the_customer_version()
    {
        var store = new InMemoryCustomerStore();
        await store.UpsertCustomersAsync([NewCustomer("cust-001")], T0, Ct);
        var v1 = (await store.GetCustomerAsync("cust-001", Ct))!.Version;

        await store.AppendEventsAsync([new BrowseEvent("ev-1", "cust-001", T0, "shoes")], Ct);
        var v2 = (await store.GetCustomerAsync("cust-001", Ct))!.Version;
        await store.CommitDecisionsAsync([Send("cust-001", "msg-1", T0)], Ct);
        var v3 = (await store.GetCustomerAsync("cust-001", Ct))!.Version;
        await store.ScheduleAsync(new[] { new ScheduleUpdate("cust-001", T0 + Duration.FromDays(9)) }, Ct);
        var v4 = (await store.GetCustomerAsync("cust-001", Ct))!.Version;

        Assert.True(v1 < v2 && v2 < v3 && v3 < v4, $"Versions {v1}, {v2}, {v3}, {v4} do not increase.");
    }

    [Fact]
    public async Task Arguments_are_validated()
    {
        var store = new InMemoryCustomerStore();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.GetDueCustomersAsync(T0, null, 0, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.ClaimOutboxAsync(T0, 1, "d", Duration.Zero, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.ClaimOutboxAsync(T0, 1, "", Duration.FromMinutes(1), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            async () => await store.CompleteOutboxAsync(new OutboxCompletion("m", "d", OutboxStatus.Claimed, T0), Ct));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryCustomerStore(0));
    }

    [Fact]
    public async Task Engine_and_dispatchers_running_concurrently_send_every_message_exactly_once()
    {
        var store = new InMemoryCustomerStore();
        var channel = new RecordingChannel("email", ChannelKind.Email)
        {
            // Messages whose id ends in 3 fail transiently on their first attempt and are retried.
            Behavior = (m, attempt) => attempt == 1 && m.MessageId.EndsWith('3') ? SendResult.Transient("throttled") : SendResult.Accepted("p-" + m.MessageId),
        };
        var ids = Enumerable.Range(0, 400).Select(i => $"cust-{i:D3}").ToArray();
        await store.UpsertCustomersAsync(ids.Select(NewCustomer).ToArray(), T0, Ct);
        var producing = true;

        var engines = Enumerable.Range(0, 4).Select(e => Task.Run(
            async () =>
            {
                for (var i = e; i < ids.Length; i += 4)
                {
                    await store.CommitDecisionsAsync([Send(ids[i], $"msg-{i:D3}", T0)], Ct);
                    await store.AppendEventsAsync([new BrowseEvent($"ev-{i}", ids[i], T0, "shoes")], Ct);
                }
            },
            Ct)).ToArray();

        async Task Dispatch(string owner)
        {
            for (var calls = 0; ; calls++)
            {
                Assert.True(calls <= 1_000_000, $"{owner} never ran out of work.");
                var claimed = await store.ClaimOutboxAsync(T0, 5, owner, Duration.FromMinutes(5), Ct);
                if (claimed.Count == 0)
                {
                    if (!Volatile.Read(ref producing))
                    {
                        return;
                    }

                    await Task.Delay(1, Ct);
                    continue;
                }

                foreach (var row in claimed)
                {
                    var result = await channel.SendAsync(row.Message, Ct);
                    var completion = result.Status == SendStatus.Accepted
                        ? new OutboxCompletion(row.Id, owner, OutboxStatus.Sent, T0) { ProviderMessageId = result.ProviderMessageId }
                        : new OutboxCompletion(row.Id, owner, OutboxStatus.Pending, T0) { Error = result.Reason };
                    Assert.True(await store.CompleteOutboxAsync(completion, Ct));
                }
            }
        }

        var dispatchers = new[] { Task.Run(() => Dispatch("dispatcher-a"), Ct), Task.Run(() => Dispatch("dispatcher-b"), Ct) };
        await Task.WhenAll(engines);
        Volatile.Write(ref producing, false);
        await Task.WhenAll(dispatchers);

        Assert.Empty(channel.DuplicateAcceptedMessageIds());
        Assert.Equal(400, channel.Accepted.Count);
        Assert.All(store.OutboxSnapshot(), row => Assert.Equal(OutboxStatus.Sent, row.Status));
        foreach (var id in ids)
        {
            var customer = await store.GetCustomerAsync(id, Ct);
            Assert.Equal(MessageStatus.Sent, Assert.Single(customer!.Messages).Status);
            Assert.Single(customer.RecentEvents);
        }
    }
}
