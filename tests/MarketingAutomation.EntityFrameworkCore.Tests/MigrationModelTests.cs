using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>
/// The committed migrations against the current model, without a database: they fail when the model changed and the migrations were
/// not regenerated.
/// </summary>
public sealed class MigrationModelTests
{
    internal const string Regenerate = "The store's model changed but its migrations were not regenerated: run eng/update-migrations.sh "
        + "(before the first release; with a name, e.g. eng/update-migrations.sh AddInboxHashes, afterwards) and commit src/MarketingAutomation.EntityFrameworkCore/Migrations.";

    [Fact]
    public void The_SQLite_migrations_match_the_model()
    {
        using var db = SqliteMigrations("Data Source=:memory:");

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), Regenerate);
    }

    [Fact]
    public void The_PostgreSQL_migrations_match_the_model()
    {
        using var db = PostgreSqlMigrations("Host=localhost");

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), Regenerate);
    }

    [Fact]
    public void Both_providers_have_the_same_migrations_by_name()
    {
        using var sqlite = SqliteMigrations("Data Source=:memory:");
        using var postgres = PostgreSqlMigrations("Host=localhost");

        Assert.Equal(Names(postgres), Names(sqlite));
        Assert.Equal("Initial", Names(sqlite)[0]);

        static string[] Names(DbContext db) => [.. db.Database.GetMigrations().Select(id => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..])];
    }

    [Fact]
    public void On_SQLite_the_store_context_has_the_model_of_the_migrations_context()
    {
        using var store = new MarketingAutomationDbContext(new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseSqlite("Data Source=:memory:").Options);
        using var migrations = SqliteMigrations("Data Source=:memory:");

        AssertSameModel(store, migrations);
    }

    [Fact]
    public void On_PostgreSQL_the_store_context_has_the_model_of_the_migrations_context()
    {
        using var store = new MarketingAutomationDbContext(new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseNpgsql("Host=localhost").Options);
        using var migrations = PostgreSqlMigrations("Host=localhost");

        AssertSameModel(store, migrations);
    }

    [Fact]
    public void The_store_builds_the_migrations_context_of_its_provider_from_its_own_options()
    {
        using var sqlite = new MarketingAutomationDbContext(new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseSqlite("Data Source=store.db").Options);
        using var postgres = new MarketingAutomationDbContext(new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseNpgsql("Host=db.example;Database=marketing").Options);

        using var sqliteMigrations = StoreSchema.CreateMigrationsContext(sqlite);
        using var postgresMigrations = StoreSchema.CreateMigrationsContext(postgres);

        Assert.IsType<SqliteMigrationsDbContext>(sqliteMigrations);
        Assert.Equal("Data Source=store.db", sqliteMigrations.Database.GetConnectionString());
        Assert.IsType<PostgreSqlMigrationsDbContext>(postgresMigrations);
        Assert.Equal("Host=db.example;Database=marketing", postgresMigrations.Database.GetConnectionString());
    }

    internal static SqliteMigrationsDbContext SqliteMigrations(string connectionString) =>
        new(new DbContextOptionsBuilder<SqliteMigrationsDbContext>().UseSqlite(connectionString).Options);

    internal static PostgreSqlMigrationsDbContext PostgreSqlMigrations(string connectionString) =>
        new(new DbContextOptionsBuilder<PostgreSqlMigrationsDbContext>().UseNpgsql(connectionString).Options);

    private static void AssertSameModel(DbContext store, DbContext migrations)
    {
        var differ = migrations.GetService<IMigrationsModelDiffer>();
        var differences = differ.GetDifferences(
            store.GetService<IDesignTimeModel>().Model.GetRelationalModel(),
            migrations.GetService<IDesignTimeModel>().Model.GetRelationalModel());

        Assert.True(differences.Count == 0, "MarketingAutomationDbContext and the migrations context differ ("
            + string.Join(", ", differences.Select(d => d.GetType().Name)) + "): both must build their model with ApplyMarketingAutomationModel only.");
    }
}
