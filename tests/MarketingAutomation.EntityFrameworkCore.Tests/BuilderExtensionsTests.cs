using MarketingAutomation.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

public sealed class BuilderExtensionsTests
{
    [Fact]
    public async Task UseEntityFrameworkCoreStore_registers_one_store_as_customer_store_and_review_queue_and_creates_the_schema()
    {
        using var database = new SqliteTempDatabase();
        var builder = new TestBuilder();

        builder.UseEntityFrameworkCoreStore(o => Microsoft.EntityFrameworkCore.SqliteDbContextOptionsBuilderExtensions.UseSqlite(o, database.ConnectionString));

        await using (var services = builder.Services.BuildServiceProvider())
        {
            var store = builder.CustomerStore!(services);
            var queue = builder.ReviewQueue!(services);
            Assert.Same(store, queue);
            Assert.Equal(1, await store.UpsertCustomersAsync([new Customer("cust-001")], Instant.FromUtc(2026, 1, 1, 0, 0), TestContext.Current.CancellationToken));
            Assert.NotNull(await store.GetCustomerAsync("cust-001", TestContext.Current.CancellationToken));
            Assert.Empty(await queue.ListPendingAsync(10, TestContext.Current.CancellationToken));
        }
    }
}
