using MarketingAutomation.Tests.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>The store applies the SQLite migrations to real files at first use.</summary>
public sealed class SqliteMigrationTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 1, 1, 0, 0);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrating_an_empty_file_applies_every_migration_leaves_no_pending_model_changes_and_keeps_WAL()
    {
        using var database = new SqliteTempDatabase();
        using (var store = database.CreateStore())
        {
            Assert.Equal(1, await store.UpsertCustomersAsync([new Customer("cust-001")], Now, Token));
        }

        await using var db = database.CreateMigrationsContext();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Token));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Token));
        Assert.False(db.Database.HasPendingModelChanges(), MigrationModelTests.Regenerate);
        Assert.Equal("wal", await Scalar<string>(database, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Migrating_again_is_a_no_op_that_keeps_the_data()
    {
        using var database = new SqliteTempDatabase();
        using (var first = database.CreateStore())
        {
            await first.UpsertCustomersAsync([new Customer("cust-001")], Now, Token);
        }

        using (var second = database.CreateStore())
        {
            Assert.NotNull(await second.GetCustomerAsync("cust-001", Token));
            await second.UpsertCustomersAsync([new Customer("cust-002")], Now, Token);
        }

        await using var db = database.CreateMigrationsContext();
        Assert.Equal(db.Database.GetMigrations().Count(), await Scalar<long>(database, "SELECT COUNT(*) FROM __EFMigrationsHistory"));
        Assert.Equal(2L, await Scalar<long>(database, "SELECT COUNT(*) FROM customers"));
    }

    [Fact]
    public async Task Two_stores_migrating_one_file_at_once_both_succeed()
    {
        using var database = new SqliteTempDatabase();
        using var a = database.CreateStore();
        using var b = database.CreateStore();

        var counts = await Task.WhenAll(
            Task.Run(() => a.UpsertCustomersAsync([new Customer("cust-a")], Now, Token).AsTask(), Token),
            Task.Run(() => b.UpsertCustomersAsync([new Customer("cust-b")], Now, Token).AsTask(), Token));

        Assert.Equal([1, 1], counts);
        await using var db = database.CreateMigrationsContext();
        Assert.Equal(db.Database.GetMigrations().Count(), await Scalar<long>(database, "SELECT COUNT(*) FROM __EFMigrationsHistory"));
    }

    [Fact]
    public async Task A_file_created_by_EnsureCreated_gets_a_clear_error_and_following_it_works()
    {
        using var database = new SqliteTempDatabase();
        using (var old = database.CreateStore(schema: EntityFrameworkCoreSchemaMode.EnsureCreated))
        {
            await old.UpsertCustomersAsync([new Customer("cust-001")], Now, Token);
        }

        string initial;
        await using (var db = database.CreateMigrationsContext())
        {
            initial = db.Database.GetMigrations().First();
        }

        using (var store = database.CreateStore())
        {
            var error = await Assert.ThrowsAsync<MarketingAutomationConfigurationException>(async () => await store.GetCustomerAsync("cust-001", Token));
            Assert.Contains("created with EnsureCreated", error.Message, StringComparison.Ordinal);
            Assert.Contains("__EFMigrationsHistory", error.Message, StringComparison.Ordinal);
            Assert.Contains(initial, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("already exists", error.Message, StringComparison.Ordinal);
        }

        // Advice (2): the tables are those of the initial migration, so recording it as applied lets the store migrate from there.
        await Execute(database, "CREATE TABLE \"__EFMigrationsHistory\" (\"MigrationId\" varchar(150) PRIMARY KEY, \"ProductVersion\" varchar(32) NOT NULL); "
            + $"INSERT INTO \"__EFMigrationsHistory\" VALUES ('{initial}', '10.0.15');");
        using (var store = database.CreateStore())
        {
            Assert.NotNull(await store.GetCustomerAsync("cust-001", Token));
        }
    }

    [Fact]
    public async Task With_schema_None_the_store_uses_tables_the_application_created_in_its_own_context()
    {
        using var database = new SqliteTempDatabase();
        await using (var app = new ApplicationDbContext(new DbContextOptionsBuilder<ApplicationDbContext>().UseSqlite(database.ConnectionString).Options))
        {
            // The application's own schema step (its migrations; EnsureCreated stands in for them here).
            await app.Database.EnsureCreatedAsync(Token);
        }

        var builder = new TestBuilder();
        builder.UseEntityFrameworkCoreStore(o => o.UseSqlite(database.ConnectionString), store => store.Schema = EntityFrameworkCoreSchemaMode.None);
        await using (var services = builder.Services.BuildServiceProvider())
        {
            var store = builder.CustomerStore!(services);
            Assert.Equal(1, await store.UpsertCustomersAsync([new Customer("cust-001")], Now, Token));
            Assert.NotNull(await store.GetCustomerAsync("cust-001", Token));
        }

        Assert.Equal(0L, await Scalar<long>(database, "SELECT COUNT(*) FROM sqlite_master WHERE name = '__EFMigrationsHistory'"));
        Assert.Equal(1L, await Scalar<long>(database, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'app_notes'"));
    }

    [Fact]
    public async Task With_schema_None_the_store_creates_nothing()
    {
        using var database = new SqliteTempDatabase();
        using var store = database.CreateStore(schema: EntityFrameworkCoreSchemaMode.None);

        var error = await Assert.ThrowsAsync<SqliteException>(async () => await store.GetCustomerAsync("cust-001", Token));

        Assert.Contains("no such table: customers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseEntityFrameworkCoreStore_rejects_an_undefined_schema_mode()
    {
        var builder = new TestBuilder();

        Assert.Throws<MarketingAutomationConfigurationException>(() =>
            builder.UseEntityFrameworkCoreStore(o => o.UseSqlite("Data Source=:memory:"), store => store.Schema = (EntityFrameworkCoreSchemaMode)42));
    }

    private static async Task<T> Scalar<T>(SqliteTempDatabase database, string sql)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(Token))!;
    }

    private static async Task Execute(SqliteTempDatabase database, string sql)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Token);
    }

    /// <summary>An application's own context that maps the store's tables next to its own.</summary>
    private sealed class ApplicationDbContext(DbContextOptions<ApplicationDbContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.ApplyMarketingAutomationModel();
            modelBuilder.Entity<Note>(e =>
            {
                e.ToTable("app_notes");
                e.HasKey(x => x.Id);
            });
        }
    }

    private sealed class Note
    {
        public int Id { get; set; }

        public string Text { get; set; } = string.Empty;
    }
}
