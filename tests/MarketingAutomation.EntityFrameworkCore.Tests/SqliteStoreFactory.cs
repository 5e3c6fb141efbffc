using MarketingAutomation.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>A fresh SQLite database file in its own temporary directory, deleted on dispose.</summary>
internal sealed class SqliteTempDatabase : IDisposable
{
    public SqliteTempDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "ma-ef-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(Directory, "store.db") }.ToString();
    }

    public string Directory { get; }

    public string ConnectionString { get; }

    public EntityFrameworkCoreCustomerStore CreateStore(Action<DbContextOptionsBuilder>? configure = null, int maxTracesPerCustomer = EntityFrameworkCoreCustomerStore.DefaultMaxTracesPerCustomer, EntityFrameworkCoreSchemaMode schema = EntityFrameworkCoreSchemaMode.Migrate)
    {
        var builder = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseSqlite(ConnectionString);
        configure?.Invoke(builder);
        return new EntityFrameworkCoreCustomerStore(new PooledDbContextFactory<MarketingAutomationDbContext>(builder.Options), schema, maxTracesPerCustomer);
    }

    /// <summary>A context of the SQLite migrations set on this file.</summary>
    public SqliteMigrationsDbContext CreateMigrationsContext() =>
        new(new DbContextOptionsBuilder<SqliteMigrationsDbContext>().UseSqlite(ConnectionString).Options);

    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp directory is cleaned up by the system otherwise.
        }
    }
}
