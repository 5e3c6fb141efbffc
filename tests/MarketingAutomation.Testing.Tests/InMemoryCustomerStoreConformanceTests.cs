namespace MarketingAutomation.Testing.Tests;

public sealed class InMemoryCustomerStoreConformanceTests : CustomerStoreConformanceTests
{
    protected override ValueTask<ICustomerStore> CreateStoreAsync() => ValueTask.FromResult<ICustomerStore>(new InMemoryCustomerStore());
}
