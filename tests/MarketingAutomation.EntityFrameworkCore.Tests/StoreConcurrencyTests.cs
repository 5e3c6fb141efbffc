using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>Concurrent writers to one customer lose nothing.</summary>
public abstract class StoreConcurrencyTests : IAsyncDisposable
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 9, 0);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected abstract ValueTask<EntityFrameworkCoreCustomerStore> CreateStoreAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Concurrent_completions_and_events_for_one_customer_are_all_kept()
    {
        using var store = await CreateStoreAsync();
        await store.UpsertCustomersAsync([new Customer("cust-001")], T0, Ct);
        var decisions = Enumerable.Range(0, 24).Select(i =>
        {
            var id = Guid.NewGuid();
            return new DecisionRecord(id, "cust-001", T0, DecisionOutcome.Send, "Chosen", T0 + Duration.FromDays(1))
            {
                Outbox = new OutboxMessage(new OutboundMessage($"msg-{i:D3}", id, "cust-001", "email", "a@example.com", "Hello"), T0),
            };
        }).ToArray();
        await store.CommitDecisionsAsync(decisions, Ct);
        var claimed = await store.ClaimOutboxAsync(T0, 100, "dispatcher-a", Duration.FromMinutes(5), Ct);
        Assert.Equal(24, claimed.Count);

        var completions = claimed.Select(row => Task.Run(async () =>
            await store.CompleteOutboxAsync(new OutboxCompletion(row.Id, "dispatcher-a", OutboxStatus.Sent, T0 + Duration.FromSeconds(1)), Ct), Ct));
        var events = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
            (await store.AppendEventsAsync([new BrowseEvent($"ev-{i}", "cust-001", T0, "shoes")], Ct)).Appended == 1, Ct));
        var results = await Task.WhenAll(completions.Concat(events));

        Assert.All(results, Assert.True);
        var customer = await store.GetCustomerAsync("cust-001", Ct);
        Assert.Equal(24, customer!.Messages.Length);
        Assert.All(customer.Messages, m => Assert.Equal(MessageStatus.Sent, m.Status));
        Assert.Equal(12, customer.RecentEvents.Length);
        Assert.Equal(1 + 24 + 24 + 12, customer.Version); // insert, 24 decisions, 24 completions, 12 events
    }
}

public sealed class SqliteStoreConcurrencyTests : StoreConcurrencyTests
{
    private readonly SqliteTempDatabase _database = new();

    private protected override ValueTask<EntityFrameworkCoreCustomerStore> CreateStoreAsync() => ValueTask.FromResult(_database.CreateStore());

    public override async ValueTask DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }
}

public sealed class PostgresStoreConcurrencyTests : StoreConcurrencyTests
{
    private PostgresTestDatabase? _database;

    private protected override async ValueTask<EntityFrameworkCoreCustomerStore> CreateStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync(Ct);
        var options = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseNpgsql(_database.ConnectionString).Options;
        return new EntityFrameworkCoreCustomerStore(new PooledDbContextFactory<MarketingAutomationDbContext>(options));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

/// <summary>
/// A fresh PostgreSQL database, dropped on dispose, on the server named by <c>MARKETINGAUTOMATION_TEST_POSTGRES</c> or on a throwaway
/// cluster (<see cref="ThrowawayPostgres"/>); skips the test, saying how to enable it, when there is neither.
/// </summary>
internal sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "MARKETINGAUTOMATION_TEST_POSTGRES";

    private readonly string _admin;
    private readonly string _name;

    private PostgresTestDatabase(string admin, string name)
    {
        _admin = admin;
        _name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
    }

    public string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var admin = ThrowawayPostgres.ConnectionStringOrSkip();

        var name = "ma_test_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new PostgresTestDatabase(admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
