namespace MarketingAutomation.Simulation.Tests;

public class PlaceholderTests
{
    [Fact]
    public void Builds() => Assert.True(typeof(MarketingAutomation.Simulation.Placeholder).Assembly.GetName().Name!.Length > 0);
}
