using System.Globalization;
using MarketingAutomation.Simulation;
using MarketingAutomation.SimulationLab;
using Spectre.Console;

var parsed = LabArguments.Parse(args, Console.Error);
if (parsed is null)
{
    return 2;
}

if (parsed.Help)
{
    Console.WriteLine(LabArguments.Usage.Replace("{0}", string.Join(", ", LabStrategies.Names), StringComparison.Ordinal));
    return 0;
}

if (parsed.Hillstrom is not null || parsed.Obd is not null)
{
    return RealData.Run(parsed);
}

var population = new PopulationOptions { Customers = parsed.Customers, Seed = parsed.Seed };
var options = new SimulationOptions { Days = parsed.Days };
var strategies = parsed.Strategies.Select(name => LabStrategies.Create(name, options.Costs)).ToList();

Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"Simulation lab: {parsed.Customers:N0} customers, {parsed.Days} days from {population.Start} (1 h ticks), seed {parsed.Seed}, control group {options.ControlGroupFraction:P0}."));
Console.WriteLine($"Strategies: none (counterfactual), {string.Join(", ", strategies.Select(s => s.Name))}.");

var generating = System.Diagnostics.Stopwatch.StartNew();
var runner = new SimulationRunner(population, options);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Population generated in {generating.Elapsed.TotalSeconds:0.0} s."));

var results = new List<StrategyResult>();
var all = new List<LabStrategy> { new NoContactStrategy() };
all.AddRange(strategies.Where(s => s is not NoContactStrategy));

if (AnsiConsole.Profile.Capabilities.Interactive)
{
    await AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .StartAsync(async ctx =>
        {
            var tasks = all.ToDictionary(s => s.Name, s => ctx.AddTask(s.Name, autoStart: false, maxValue: parsed.Days));
            var progress = new SyncProgress(p =>
            {
                var task = tasks[p.Strategy];
                task.StartTask();
                task.Value = p.Day;
            });
            foreach (var strategy in all)
            {
                results.Add(await runner.RunAsync(strategy, progress));
            }
        });
}
else
{
    var progress = new SyncProgress(p =>
    {
        if (p.Day == p.TotalDays || p.Day % 10 == 0)
        {
            Console.WriteLine($"  {p.Strategy}: day {p.Day}/{p.TotalDays}");
        }
    });
    foreach (var strategy in all)
    {
        results.Add(await runner.RunAsync(strategy, progress));
    }
}

Report.Table(results, options);
Report.Goals(results);
Directory.CreateDirectory(parsed.Out);
Report.Csv(results, Path.Combine(parsed.Out, "results.csv"));
Report.Charts(results, parsed.Out, parsed.Seed);

Console.WriteLine($"Seed {parsed.Seed}. Same seed, same results: the world draws every random number from (seed, customer, message or day).");
var requested = parsed.Strategies.Contains(NoContactStrategy.StrategyName, StringComparer.Ordinal)
    ? results
    : results.Where(r => r.Strategy != NoContactStrategy.StrategyName).ToList();
foreach (var result in requested)
{
    Console.WriteLine(result.ToResultLine());
}

return 0;

/// <summary>Reports progress on the calling thread (the runner reports from its own loop).</summary>
internal sealed class SyncProgress(Action<SimulationProgress> report) : IProgress<SimulationProgress>
{
    public void Report(SimulationProgress value) => report(value);
}
