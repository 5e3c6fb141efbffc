using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <summary>
/// The EF Core context of the MarketingAutomation store: customers, the event inbox, the outbox, decision traces, reviews, suppressions
/// and model snapshots.
/// Public so that applications can add migrations for it; its tables are described by
/// <see cref="ModelBuilderExtensions.ApplyMarketingAutomationModel"/>.
/// </summary>
public sealed class MarketingAutomationDbContext : DbContext
{
    /// <summary>Initializes a new instance of the <see cref="MarketingAutomationDbContext"/> class.</summary>
    /// <param name="options">The options (provider and connection).</param>
    public MarketingAutomationDbContext(DbContextOptions<MarketingAutomationDbContext> options)
        : base(options)
    {
    }

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
        var idCollation = string.Equals(Database.ProviderName, "Npgsql.EntityFrameworkCore.PostgreSQL", StringComparison.Ordinal) ? "C" : null;
        modelBuilder.ApplyMarketingAutomationModel(idCollation);
    }
}
