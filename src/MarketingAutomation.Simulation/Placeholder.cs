namespace MarketingAutomation.Simulation;

/// <summary>Temporary: removed once the lab's first types land.</summary>
internal static class Placeholder
{
}
