using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>
/// The store applies the PostgreSQL migrations to a real server at first use (see <see cref="ThrowawayPostgres"/>; skipped, saying how
/// to enable them, without one).
/// </summary>
public sealed class PostgresMigrationTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 1, 1, 0, 0);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrating_an_empty_database_applies_every_migration_and_leaves_no_pending_model_changes()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(Token);
        using (var store = CreateStore(database.ConnectionString))
        {
            Assert.Equal(1, await store.UpsertCustomersAsync([new Customer("cust-001")], Now, Token));
        }

        await using var db = MigrationModelTests.PostgreSqlMigrations(database.ConnectionString);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Token));
        Assert.False(db.Database.HasPendingModelChanges(), MigrationModelTests.Regenerate);
        Assert.Equal("C", await Scalar<string>(database.ConnectionString, "SELECT collation_name FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'id'"));
    }

    [Fact]
    public async Task Migrating_again_is_a_no_op_that_keeps_the_data()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(Token);
        using (var first = CreateStore(database.ConnectionString))
        {
            await first.UpsertCustomersAsync([new Customer("cust-001")], Now, Token);
        }

        using (var second = CreateStore(database.ConnectionString))
        {
            Assert.NotNull(await second.GetCustomerAsync("cust-001", Token));
        }

        await using var db = MigrationModelTests.PostgreSqlMigrations(database.ConnectionString);
        Assert.Equal(db.Database.GetMigrations().LongCount(), await Scalar<long>(database.ConnectionString, "SELECT COUNT(*) FROM \"__EFMigrationsHistory\""));
    }

    [Fact]
    public async Task Stores_migrating_one_database_at_once_all_succeed_even_when_it_does_not_exist_yet()
    {
        var admin = ThrowawayPostgres.ConnectionStringOrSkip();
        var name = "ma_test_" + Guid.NewGuid().ToString("N");
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
        const int Stores = 6;
        var stores = Enumerable.Range(0, Stores).Select(_ => CreateStore(connectionString)).ToArray();
        try
        {
            using var start = new Barrier(Stores);
            var counts = await Task.WhenAll(stores.Select((store, i) => Task.Run(
                async () =>
                {
                    start.SignalAndWait(Token);
                    return await store.UpsertCustomersAsync([new Customer($"cust-{i}")], Now, Token);
                },
                Token)));

            Assert.All(counts, count => Assert.Equal(1, count));
            await using var db = MigrationModelTests.PostgreSqlMigrations(connectionString);
            Assert.Equal(db.Database.GetMigrations().LongCount(), await Scalar<long>(connectionString, "SELECT COUNT(*) FROM \"__EFMigrationsHistory\""));
            Assert.Equal((long)Stores, await Scalar<long>(connectionString, "SELECT COUNT(*) FROM customers"));
        }
        finally
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }

            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync(CancellationToken.None);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_database_created_by_EnsureCreated_gets_a_clear_error()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(Token);
        using (var old = CreateStore(database.ConnectionString, EntityFrameworkCoreSchemaMode.EnsureCreated))
        {
            await old.UpsertCustomersAsync([new Customer("cust-001")], Now, Token);
        }

        using var store = CreateStore(database.ConnectionString);
        var error = await Assert.ThrowsAsync<MarketingAutomationConfigurationException>(async () => await store.GetCustomerAsync("cust-001", Token));

        Assert.Contains("created with EnsureCreated", error.Message, StringComparison.Ordinal);
        Assert.Contains("EntityFrameworkCoreSchemaMode.EnsureCreated", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Scalar<long>(database.ConnectionString, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '__EFMigrationsHistory'"));
    }

    private static EntityFrameworkCoreCustomerStore CreateStore(string connectionString, EntityFrameworkCoreSchemaMode schema = EntityFrameworkCoreSchemaMode.Migrate)
    {
        var options = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseNpgsql(connectionString).Options;
        return new EntityFrameworkCoreCustomerStore(new PooledDbContextFactory<MarketingAutomationDbContext>(options), schema);
    }

    private static async Task<T> Scalar<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Token))!;
    }
}
