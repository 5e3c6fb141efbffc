using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>
/// The bulk paths of the EF Core store (imports, committed decisions and schedules of thousands of rows in one call) cross their
/// chunk boundaries intact: ids queried 500 at a time, rows inserted and updated many per statement on PostgreSQL, documents
/// serialized in parallel above 256 items. The conformance suite covers the semantics with small batches; these tests use batches
/// of 2,503 customers (not a multiple of any chunk size) with duplicates inside one call.
/// </summary>
public abstract class LargeBatchStoreTests : IAsyncDisposable
{
    private const int Count = 2503;

    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 9, 0);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Creates an empty store.</summary>
    /// <returns>The store.</returns>
    private protected abstract ValueTask<EntityFrameworkCoreCustomerStore> CreateStoreAsync();

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>An import of 2,503 new customers, one of them listed twice, then a re-import that changes every third one.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task A_large_import_with_a_duplicate_stores_every_customer_once_and_a_reimport_changes_only_what_changed()
    {
        using var store = await CreateStoreAsync();
        var customers = Enumerable.Range(0, Count).Select(i => NewCustomer(Id(i), "gold")).ToList();
        customers.Add(NewCustomer(Id(7), "silver"));

        var changed = await store.UpsertCustomersAsync(customers, T0, Token);

        Assert.Equal(Count + 1, changed);
        var seven = await store.GetCustomerAsync(Id(7), Token);
        Assert.NotNull(seven);
        Assert.Equal("silver", seven.Customer.Attributes["segment"]);
        Assert.Equal(2, seven.Version);
        var all = await ReadAllDueAsync(store, T0);
        Assert.Equal(Enumerable.Range(0, Count).Select(Id).Order(StringComparer.Ordinal), all.Select(c => c.Id));
        Assert.All(all, c => Assert.Equal(T0, c.NextEvaluationAt));
        var last = await store.GetCustomerAsync(Id(Count - 1), Token);
        Assert.Equal(NewCustomer(Id(Count - 1), "gold").ContactPoints, last!.Customer.ContactPoints);
        Assert.Equal(1, last.Version);

        var reimport = Enumerable.Range(0, Count).Select(i => NewCustomer(Id(i), i % 3 == 0 ? "platinum" : "gold")).ToList();
        changed = await store.UpsertCustomersAsync(reimport, T0 + Duration.FromHours(1), Token);

        Assert.Equal(Enumerable.Range(0, Count).Count(i => i % 3 == 0 || i == 7), changed);
        var three = await store.GetCustomerAsync(Id(3), Token);
        Assert.Equal("platinum", three!.Customer.Attributes["segment"]);
        Assert.Equal(2, three.Version);
        var four = await store.GetCustomerAsync(Id(4), Token);
        Assert.Equal(1, four!.Version);
    }

    /// <summary>One commit of 2,503 send decisions (one customer decided twice), then the same commit again: every outbox row,
    /// trace and history entry exactly once, versions counted, schedules written.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task A_large_commit_writes_every_row_once_and_committing_it_again_changes_nothing_twice()
    {
        using var store = await CreateStoreAsync();
        await store.UpsertCustomersAsync(Enumerable.Range(0, Count).Select(i => NewCustomer(Id(i), "gold")).ToList(), T0, Token);
        var next = T0 + Duration.FromDays(2);
        var decisions = Enumerable.Range(0, Count).Select(i => SendDecision(Id(i), "msg-" + Id(i), T0, T0 + Duration.FromMinutes(5), next)).ToList();
        decisions.Add(SendDecision(Id(11), "msg-extra", T0, T0 + Duration.FromMinutes(5), next));

        await store.CommitDecisionsAsync(decisions, Token);
        await store.CommitDecisionsAsync(decisions, Token);

        Assert.Empty((await store.GetDueCustomersAsync(T0 + Duration.FromDays(1), null, 10, Token)).Customers);
        var due = await ReadAllDueAsync(store, next);
        Assert.Equal(Count, due.Count);
        foreach (var c in due)
        {
            var expected = c.Id == Id(11) ? 2 : 1;
            Assert.Equal(expected, c.Messages.Length);
            Assert.All(c.Messages, m => Assert.Equal(MessageStatus.Pending, m.Status));
            Assert.Equal(next, c.NextEvaluationAt);
        }

        Assert.Equal(3, due.Single(c => c.Id == Id(11)).Version);
        Assert.Equal(2, due.Single(c => c.Id == Id(Count - 1)).Version);
        var claimed = await store.ClaimOutboxAsync(T0 + Duration.FromHours(1), 10_000, "test", Duration.FromMinutes(5), Token);
        Assert.Equal(Count + 1, claimed.Count);
        Assert.Equal(claimed.Count, claimed.Select(o => o.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Single(await store.GetTracesAsync(Id(Count - 1), 10, Token));
        Assert.Equal(2, (await store.GetTracesAsync(Id(11), 10, Token)).Count);
        var trace = await store.GetTraceAsync(decisions[1234].DecisionId, Token);
        Assert.Equal(Id(1234), trace!.CustomerId);
    }

    /// <summary>A commit that names one unknown customer among 2,503 commits nothing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task A_large_commit_with_one_unknown_customer_commits_nothing()
    {
        using var store = await CreateStoreAsync();
        await store.UpsertCustomersAsync(Enumerable.Range(0, Count).Select(i => NewCustomer(Id(i), "gold")).ToList(), T0, Token);
        var decisions = Enumerable.Range(0, Count).Select(i => SendDecision(Id(i), "msg-" + Id(i), T0, T0, T0 + Duration.FromDays(2))).ToList();
        decisions.Insert(1700, SendDecision("nobody", "msg-nobody", T0, T0, T0 + Duration.FromDays(2)));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.CommitDecisionsAsync(decisions, Token));

        Assert.Empty(await store.ClaimOutboxAsync(T0 + Duration.FromHours(1), 10, "test", Duration.FromMinutes(5), Token));
        Assert.Equal(Count, (await ReadAllDueAsync(store, T0)).Count);
    }

    /// <summary>One schedule call of 2,503 updates (one customer twice, one unchanged, one unknown) moves exactly those customers.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task A_large_schedule_moves_every_customer_and_counts_versions_only_for_changes()
    {
        using var store = await CreateStoreAsync();
        await store.UpsertCustomersAsync(Enumerable.Range(0, Count).Select(i => NewCustomer(Id(i), "gold")).ToList(), T0, Token);
        var later = T0 + Duration.FromDays(3);
        var updates = Enumerable.Range(0, Count).Select(i => new ScheduleUpdate(Id(i), i == 5 ? T0 : later)).ToList();
        updates.Add(new ScheduleUpdate(Id(9), later + Duration.FromHours(1)));
        updates.Add(new ScheduleUpdate("nobody", later));

        await store.ScheduleAsync(updates.ToArray(), Token);

        var stillDue = await ReadAllDueAsync(store, T0);
        Assert.Equal([Id(5)], stillDue.Select(c => c.Id));
        Assert.Equal(1, stillDue[0].Version);
        var nine = await store.GetCustomerAsync(Id(9), Token);
        Assert.Equal(later + Duration.FromHours(1), nine!.NextEvaluationAt);
        Assert.Equal(3, nine.Version);
        Assert.Equal(Count, (await ReadAllDueAsync(store, later + Duration.FromHours(1))).Count);
        Assert.Null(await store.GetCustomerAsync("nobody", Token));
    }

    private static string Id(int i) => "cust-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<List<CustomerContext>> ReadAllDueAsync(EntityFrameworkCoreCustomerStore store, Instant dueBy)
    {
        var all = new List<CustomerContext>();
        DueCursor? cursor = null;
        do
        {
            var batch = await store.GetDueCustomersAsync(dueBy, cursor, 700, Token);
            all.AddRange(batch.Customers);
            cursor = batch.Customers.Count == 0 ? null : batch.Next;
        }
        while (cursor is not null);
        return all;
    }

    private static Customer NewCustomer(string id, string segment) => new(id)
    {
        TimeZoneId = "Europe/Berlin",
        Language = "de-DE",
        SignedUpAt = T0 - Duration.FromDays(30),
        ContactPoints = [new ContactPoint(ChannelKind.Email, id + "@example.com"), new ContactPoint(ChannelKind.Sms, "+14155550100")],
        Consents = [new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, T0 - Duration.FromDays(30))],
        Purchases = [new Purchase("order-" + id, T0 - Duration.FromDays(10), 42m) { Items = [new PurchaseItem("sku-1", "shoes", 1, 42m)] }],
        Attributes = ImmutableDictionary<string, string>.Empty.Add("segment", segment),
    };

    private static DecisionRecord SendDecision(string customerId, string messageId, Instant decidedAt, Instant dueAt, Instant nextEvaluationAt)
    {
        var id = Guid.NewGuid();
        return new DecisionRecord(id, customerId, decidedAt, DecisionOutcome.Send, "Chosen", nextEvaluationAt)
        {
            Trace = new DecisionTrace(id, customerId, decidedAt, DecisionOutcome.Send, "Chosen") { Strategy = "large-batch", MessageId = messageId },
            Outbox = new OutboxMessage(
                new OutboundMessage(messageId, id, customerId, "email", customerId + "@example.com", "Hello") { Kind = ChannelKind.Email, Subject = "Hi", GoalId = "welcome", VariantId = "welcome-1" },
                dueAt),
        };
    }
}

/// <summary><see cref="LargeBatchStoreTests"/> on a SQLite file.</summary>
public sealed class SqliteLargeBatchStoreTests : LargeBatchStoreTests
{
    private readonly SqliteTempDatabase _database = new();

    /// <inheritdoc />
    private protected override ValueTask<EntityFrameworkCoreCustomerStore> CreateStoreAsync() => ValueTask.FromResult(_database.CreateStore());

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary><see cref="LargeBatchStoreTests"/> on PostgreSQL (a fresh database; skipped when no server is available).</summary>
public sealed class PostgresLargeBatchStoreTests : LargeBatchStoreTests
{
    private PostgresTestDatabase? _database;

    /// <inheritdoc />
    private protected override async ValueTask<EntityFrameworkCoreCustomerStore> CreateStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync(TestContext.Current.CancellationToken);
        var options = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseNpgsql(_database.ConnectionString).Options;
        return new EntityFrameworkCoreCustomerStore(new PooledDbContextFactory<MarketingAutomationDbContext>(options));
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
