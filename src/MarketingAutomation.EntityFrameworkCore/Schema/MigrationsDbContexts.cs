using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MarketingAutomation.EntityFrameworkCore;

/// <summary>
/// The context the SQLite migrations (<c>Migrations/Sqlite</c>) belong to: the store's model
/// (<see cref="ModelBuilderExtensions.ApplyMarketingAutomationModel"/>) with the provider's default (binary) id collation. Used only to
/// create and apply migrations; the store reads and writes through <see cref="MarketingAutomationDbContext"/>, whose model is the same
/// (checked by the tests).
/// </summary>
/// <param name="options">The options (SQLite provider and connection).</param>
internal sealed class SqliteMigrationsDbContext(DbContextOptions<SqliteMigrationsDbContext> options) : DbContext(options)
{
    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyMarketingAutomationModel();
}

/// <summary>
/// The context the PostgreSQL migrations (<c>Migrations/PostgreSql</c>) belong to: the store's model with <c>COLLATE "C"</c> ids, as
/// <see cref="MarketingAutomationDbContext"/> builds it on Npgsql. Used only to create and apply migrations.
/// </summary>
/// <param name="options">The options (Npgsql provider and connection).</param>
internal sealed class PostgreSqlMigrationsDbContext(DbContextOptions<PostgreSqlMigrationsDbContext> options) : DbContext(options)
{
    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyMarketingAutomationModel(MarketingAutomationDbContext.PostgreSqlIdCollation);
}

/// <summary>Creates the SQLite migrations context for <c>dotnet ef</c> (eng/update-migrations.sh); no database is opened.</summary>
internal sealed class SqliteMigrationsDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMigrationsDbContext>
{
    /// <inheritdoc />
    public SqliteMigrationsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteMigrationsDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Creates the PostgreSQL migrations context for <c>dotnet ef</c> (eng/update-migrations.sh); no server is contacted.</summary>
internal sealed class PostgreSqlMigrationsDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlMigrationsDbContext>
{
    /// <inheritdoc />
    public PostgreSqlMigrationsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlMigrationsDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
