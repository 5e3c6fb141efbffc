using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace MarketingAutomation.EntityFrameworkCore;

/// <summary>
/// Applies the package's migrations for the store's provider: the SQLite set (<see cref="SqliteMigrationsDbContext"/>) or the
/// PostgreSQL set (<see cref="PostgreSqlMigrationsDbContext"/>), through a migrations context built from the store's own options.
/// </summary>
/// <remarks>
/// <para>Several processes may start at once. EF Core 10's migrator serializes the migrations themselves (SQLite: the
/// <c>__EFMigrationsLock</c> table; Npgsql: a lock on the history table), which alone survived six stores migrating one new PostgreSQL
/// database at once. The store still runs its whole schema step on PostgreSQL under a session advisory lock, so that creating the
/// database, the EnsureCreated check below and the migration are one critical section that does not depend on provider internals.</para>
/// <para>A database whose tables exist without a migrations history was created by <c>EnsureCreated</c>; migrating it would fail with
/// "table already exists", so the store stops with an explanation instead.</para>
/// </remarks>
internal static class StoreSchema
{
    /// <summary>The command that regenerates the migrations from the current model.</summary>
    public const string RegenerateCommand = "eng/update-migrations.sh";

    /// <summary>The session advisory lock (key "MAMIGRAT" as a 64-bit number) held while migrating a PostgreSQL database.</summary>
    private const string PostgreSqlLock = "SELECT pg_advisory_lock(5566815591531168084)";

    private const string PostgreSqlUnlock = "SELECT pg_advisory_unlock(5566815591531168084)";

    /// <summary>Applies the migrations the database lacks.</summary>
    /// <param name="store">A context of the store (its options give the provider, the connection, logging and interceptors).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public static async Task MigrateAsync(MarketingAutomationDbContext store, CancellationToken cancellationToken)
    {
        var context = CreateMigrationsContext(store);
        await using (context.ConfigureAwait(false))
        {
            var isNpgsql = context is PostgreSqlMigrationsDbContext;
            var database = context.Database;
            if (isNpgsql)
            {
                await EnsureDatabaseExistsAsync(context, cancellationToken).ConfigureAwait(false);
            }

            await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (isNpgsql)
                {
                    await database.ExecuteSqlRawAsync(PostgreSqlLock, cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    await ThrowIfCreatedWithoutMigrationsAsync(context, isNpgsql, cancellationToken).ConfigureAwait(false);
                    await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (isNpgsql)
                    {
                        await database.ExecuteSqlRawAsync(PostgreSqlUnlock, CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                await database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The migrations context of the store's provider, with the store's options (provider, connection, logging).</summary>
    /// <param name="store">A context of the store.</param>
    /// <returns>The migrations context; the caller disposes it.</returns>
    internal static DbContext CreateMigrationsContext(MarketingAutomationDbContext store)
    {
        var provider = store.Database.ProviderName;
        var extensions = store.GetService<IDbContextOptions>().Extensions.ToDictionary(e => e.GetType());
        return provider switch
        {
            MarketingAutomationDbContext.SqliteProvider => new SqliteMigrationsDbContext(new DbContextOptions<SqliteMigrationsDbContext>(extensions)),
            MarketingAutomationDbContext.NpgsqlProvider => new PostgreSqlMigrationsDbContext(new DbContextOptions<PostgreSqlMigrationsDbContext>(extensions)),
            _ => throw new MarketingAutomationConfigurationException(
                $"The EF Core store has migrations for SQLite and PostgreSQL (Npgsql), not for the provider '{provider}'. Create the schema "
                + "another way: UseEntityFrameworkCoreStore(o => ..., store => store.Schema = EntityFrameworkCoreSchemaMode.EnsureCreated) "
                + "creates the tables when the database has none; EntityFrameworkCoreSchemaMode.None leaves the schema to the application "
                + "(modelBuilder.ApplyMarketingAutomationModel() in its own DbContext and its own migrations)."),
        };
    }

    private static async Task EnsureDatabaseExistsAsync(DbContext context, CancellationToken cancellationToken)
    {
        var creator = context.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await creator.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // Another process may have created it in the meantime; anything else is a real failure.
            if (!await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    private static async Task ThrowIfCreatedWithoutMigrationsAsync(DbContext context, bool isNpgsql, CancellationToken cancellationToken)
    {
        // Asked of the catalog: Npgsql's IHistoryRepository.ExistsAsync answers true for a database without the history table.
        var history = context.GetService<IDbContextOptions>().Extensions.OfType<RelationalOptionsExtension>().FirstOrDefault()?.MigrationsHistoryTableName
            ?? HistoryRepository.DefaultTableName;
        if (await TableExistsAsync(context, isNpgsql, history, cancellationToken).ConfigureAwait(false)
            || !await TableExistsAsync(context, isNpgsql, "customers", cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var initial = context.Database.GetMigrations().First();
        var efVersion = typeof(DbContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? typeof(DbContext).Assembly.GetName().Version?.ToString(3);
        throw new MarketingAutomationConfigurationException(string.Create(
            CultureInfo.InvariantCulture,
            $"The database already has the MarketingAutomation store's tables but no EF Core migrations history (table __EFMigrationsHistory): "
            + $"it was created with EnsureCreated (by a pre-release version of the store, or with EntityFrameworkCoreSchemaMode.EnsureCreated), "
            + $"and migrations cannot be applied to it. Do one of these: (1) move the data to a new, empty database, which the store "
            + $"migrates at first use; (2) if its tables are exactly those of the migration '{initial}', record that migration as applied "
            + $"(CREATE TABLE \"__EFMigrationsHistory\" (\"MigrationId\" varchar(150) PRIMARY KEY, \"ProductVersion\" varchar(32) NOT NULL); "
            + $"INSERT INTO \"__EFMigrationsHistory\" VALUES ('{initial}', '{efVersion}');); (3) keep managing the schema without migrations: "
            + $"UseEntityFrameworkCoreStore(o => ..., store => store.Schema = EntityFrameworkCoreSchemaMode.EnsureCreated)."));
    }

    private static async Task<bool> TableExistsAsync(DbContext context, bool isNpgsql, string table, CancellationToken cancellationToken)
    {
        var count = isNpgsql
            ? context.Database.SqlQuery<int>($"SELECT COUNT(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = {table}")
            : context.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {table}");
        return await count.ToListAsync(cancellationToken).ConfigureAwait(false) is not [0];
    }
}
