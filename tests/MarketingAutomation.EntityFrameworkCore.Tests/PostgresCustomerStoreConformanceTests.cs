using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>
/// The store contract against the EF Core store on PostgreSQL, one fresh database per store. Runs when the environment variable
/// <c>MARKETINGAUTOMATION_TEST_POSTGRES</c> holds a connection string to a server where the user may create databases
/// (for example <c>Host=127.0.0.1;Port=5432;Username=postgres</c>); skipped otherwise.
/// </summary>
public sealed class PostgresCustomerStoreConformanceTests : CustomerStoreConformanceTests
{
    private const string Variable = "MARKETINGAUTOMATION_TEST_POSTGRES";
    private readonly List<string> _databases = [];
    private string? _admin;

    protected override async ValueTask<ICustomerStore> CreateStoreAsync()
    {
        _admin = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(_admin))
        {
            Assert.Skip($"Set {Variable} to a PostgreSQL connection string to run these tests.");
        }

        var name = "ma_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync(TestCancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(TestCancellationToken);
        }

        _databases.Add(name);
        var connectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = name }.ToString();
        var options = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseNpgsql(connectionString).Options;
        return new EntityFrameworkCoreCustomerStore(new PooledDbContextFactory<MarketingAutomationDbContext>(options));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        if (_admin is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        _databases.Clear();
    }
}
