namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>The store contract against the EF Core store on a SQLite file, one fresh file per store.</summary>
public sealed class SqliteCustomerStoreConformanceTests : CustomerStoreConformanceTests
{
    private readonly List<SqliteTempDatabase> _databases = [];

    protected override ValueTask<ICustomerStore> CreateStoreAsync()
    {
        var database = new SqliteTempDatabase();
        _databases.Add(database);
        return ValueTask.FromResult<ICustomerStore>(database.CreateStore());
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        foreach (var database in _databases)
        {
            database.Dispose();
        }

        _databases.Clear();
    }
}
