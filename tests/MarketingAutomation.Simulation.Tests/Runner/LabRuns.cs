using MarketingAutomation.Simulation;

namespace MarketingAutomation.Simulation.Tests.Runner;

/// <summary>Every lab strategy run once on a small population, shared by the runner and strategy tests.</summary>
internal static class LabRuns
{
    public const int Customers = 1_500;
    public const int Days = 10;

    private static readonly Lazy<Task<Dictionary<string, SimulationRun>>> Runs = new(RunAllAsync);

    public static PopulationOptions Population(int customers = Customers, int seed = 7) => new() { Customers = customers, Seed = seed };

    public static Task<Dictionary<string, SimulationRun>> AllAsync() => Runs.Value;

    public static async Task<SimulationRun> GetAsync(string strategy) => (await AllAsync())[strategy];

    private static async Task<Dictionary<string, SimulationRun>> RunAllAsync()
    {
        var runner = new SimulationRunner(Population(), new SimulationOptions { Days = Days });
        var runs = new Dictionary<string, SimulationRun>(StringComparer.Ordinal);
        foreach (var strategy in LabStrategies.All(runner.Options.Costs))
        {
            runs[strategy.Name] = await runner.SimulateAsync(strategy);
        }

        return runs;
    }
}
