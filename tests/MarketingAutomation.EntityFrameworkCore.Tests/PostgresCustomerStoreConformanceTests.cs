using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>
/// The store contract against the EF Core store on PostgreSQL, one fresh database per store. Runs when the environment variable
/// <c>MARKETINGAUTOMATION_TEST_POSTGRES</c> holds a connection string to a server where the user may create databases, or on a
/// throwaway cluster started from the Debian postgresql binaries (<see cref="ThrowawayPostgres"/>)
/// (for example <c>Host=127.0.0.1;Port=5432;Username=postgres</c>); skipped, saying how to enable them, when neither is available.
/// </summary>
public sealed class PostgresCustomerStoreConformanceTests : CustomerStoreConformanceTests
{
    private readonly List<PostgresTestDatabase> _databases = [];

    protected override async ValueTask<ICustomerStore> CreateStoreAsync()
    {
        var database = await PostgresTestDatabase.CreateAsync(TestCancellationToken);
        _databases.Add(database);
        var options = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseNpgsql(database.ConnectionString).Options;
        return new EntityFrameworkCoreCustomerStore(new PooledDbContextFactory<MarketingAutomationDbContext>(options));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        _databases.Clear();
    }
}
