namespace MarketingAutomation;

/// <summary>What the EF Core store does to the database schema at first use.</summary>
public enum EntityFrameworkCoreSchemaMode
{
    /// <summary>
    /// Applies the package's migrations (<c>Database.MigrateAsync</c>) for SQLite or PostgreSQL: creates the database and the tables
    /// when they do not exist and upgrades them when a newer version of the package adds migrations. Safe when several processes
    /// start at once. The default.
    /// </summary>
    Migrate,

    /// <summary>
    /// Creates the tables when the database has none (<c>Database.EnsureCreatedAsync</c>) and never changes them afterwards: for
    /// throwaway databases (tests, demos) and providers the package has no migrations for. A database created this way cannot be
    /// migrated later.
    /// </summary>
    EnsureCreated,

    /// <summary>
    /// Leaves the schema alone: the application owns it, typically by mapping the store's tables into its own <c>DbContext</c> with
    /// <c>modelBuilder.ApplyMarketingAutomationModel()</c> and applying its own migrations before the store is used. SQLite's WAL journal
    /// mode, which the other modes set, is left to the application too.
    /// </summary>
    None,
}

/// <summary>Options of the EF Core store (<c>UseEntityFrameworkCoreStore</c>).</summary>
public sealed class EntityFrameworkCoreStoreOptions
{
    /// <summary>Gets or sets what the store does to the schema at first use. The default is <see cref="EntityFrameworkCoreSchemaMode.Migrate"/>.</summary>
    public EntityFrameworkCoreSchemaMode Schema { get; set; } = EntityFrameworkCoreSchemaMode.Migrate;
}
