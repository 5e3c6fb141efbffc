using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <summary>
/// The EF Core context of the MarketingAutomation store: customers, the event inbox, the outbox, decision traces, reviews, suppressions
/// and model snapshots. Its tables are described by <see cref="ModelBuilderExtensions.ApplyMarketingAutomationModel"/>; the store
/// applies the package's migrations for SQLite and PostgreSQL at first use (see <see cref="EntityFrameworkCoreSchemaMode"/>).
/// </summary>
public sealed class MarketingAutomationDbContext : DbContext
{
    /// <summary>Initializes a new instance of the <see cref="MarketingAutomationDbContext"/> class.</summary>
    /// <param name="options">The options (provider and connection).</param>
    public MarketingAutomationDbContext(DbContextOptions<MarketingAutomationDbContext> options)
        : base(options)
    {
    }

    /// <summary>The collation of the id columns on PostgreSQL: binary, so ids are ordered and compared ordinally.</summary>
    internal const string PostgreSqlIdCollation = "C";

    /// <summary>The provider name of SQLite.</summary>
    internal const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>The provider name of PostgreSQL (Npgsql).</summary>
    internal const string NpgsqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    internal DbSet<CustomerRow> Customers => Set<CustomerRow>();

    internal DbSet<EventIdRow> EventIds => Set<EventIdRow>();

    internal DbSet<OutboxRow> Outbox => Set<OutboxRow>();

    internal DbSet<TraceRow> Traces => Set<TraceRow>();

    internal DbSet<ReviewRow> Reviews => Set<ReviewRow>();

    internal DbSet<SuppressionRow> Suppressions => Set<SuppressionRow>();

    internal DbSet<ModelStateRow> ModelStates => Set<ModelStateRow>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        // PostgreSQL's default collation follows the locale; ids are ordered and compared ordinally.
        var idCollation = string.Equals(Database.ProviderName, NpgsqlProvider, StringComparison.Ordinal) ? PostgreSqlIdCollation : null;
        modelBuilder.ApplyMarketingAutomationModel(idCollation);
    }
}
