using System.Diagnostics;
using MarketingAutomation;
using MarketingAutomation.Simulation;
using MarketingAutomation.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Quickstart;
using Spectre.Console;

// The main job. An embedded SQLite database through the EF Core store; a synthetic population from the simulation lab (or your
// CSV); the learning agent (the adaptive strategy) run over a simulated month against simulated channels, hour by hour, with the
// world's opens, clicks, replies, purchases and unsubscribes fed back; the same month with no messages at all and with a weekly
// batch-and-blast newsletter for comparison; then a report, a chart and the database to open.
var options = QuickstartOptions.Parse(args, Console.Error);
if (options is null)
{
    return 2;
}

if (options.Help)
{
    Console.WriteLine(QuickstartOptions.Usage);
    return 0;
}

if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 140; // a log file or CI: wide enough for the tables
}

var output = Path.GetFullPath(options.Out);
try
{
    Directory.CreateDirectory(output);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: --out: cannot create the folder '{output}': {ex.Message}");
    return 2;
}

var database = Path.Combine(output, "quickstart.db");
foreach (var file in new[] { database, database + "-wal", database + "-shm" })
{
    File.Delete(file); // every run starts from an empty database
}

var population = new PopulationOptions { Customers = options.Customers, Seed = options.Seed };
var simulation = new SimulationOptions { Days = options.Days };
SimulationRunner runner;
if (options.Csv is { } csvPath)
{
    var customers = await CsvCustomers.ImportAsync(csvPath, Console.Out, Console.Error);
    if (customers is null)
    {
        return 2;
    }

    runner = new SimulationRunner(population, simulation, customers);
}
else
{
    runner = new SimulationRunner(population, simulation);
}

// The learning agent's run goes to the SQLite file; the two comparison runs stay in memory.
AdaptiveStrategy? learned = null;
var connection = $"Data Source={database}";
simulation.ConfigureAgent = (builder, strategy) =>
{
    if (strategy.Name != AdaptiveLabStrategy.StrategyName)
    {
        return;
    }

    builder.UseEntityFrameworkCoreStore(o => o.UseSqlite(connection));
    builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));

    // A person reviews what the agent is unsure of; the lab itself has no reviewer, so these stay pending.
    builder.Services.Configure<MarketingAutomationOptions>(o => o.ReviewConfidenceThreshold = 0.05);

    // Keep the strategy instance, to show what it learned about one customer afterwards.
    builder.SetDecisionStrategy(sp => learned = sp.GetRequiredService<AdaptiveStrategy>());
};

AnsiConsole.MarkupLine($"[bold]MarketingAutomation Quickstart[/]: {runner.Customers.Count:N0} customers, {options.Days} simulated days from {population.Start}, seed {options.Seed}.");
AnsiConsole.MarkupLine($"Database: [link]{Markup.Escape(database)}[/] (SQLite, created through the EF Core store's migrations).");

var strategies = new LabStrategy[] { new NoContactStrategy(), new AdaptiveLabStrategy(simulation.Costs), new BatchAndBlastStrategy() };
var runs = new Dictionary<string, SimulationRun>(StringComparer.Ordinal);
var clock = Stopwatch.StartNew();
if (AnsiConsole.Profile.Capabilities.Interactive)
{
    await AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .StartAsync(async ctx =>
        {
            foreach (var strategy in strategies)
            {
                var task = ctx.AddTask(Describe(strategy), maxValue: options.Days);
                runs[strategy.Name] = await runner.SimulateAsync(strategy, new SyncProgress(p => task.Value = p.Day));
            }
        });
}
else
{
    foreach (var strategy in strategies)
    {
        Console.WriteLine($"Running {Describe(strategy)} ...");
        runs[strategy.Name] = await runner.SimulateAsync(strategy, new SyncProgress(p =>
        {
            if (p.Day == p.TotalDays || p.Day % 10 == 0)
            {
                Console.WriteLine($"  day {p.Day}/{p.TotalDays}");
            }
        }));
    }
}

AnsiConsole.MarkupLine($"Simulated in {clock.Elapsed.TotalSeconds:0.0} s ({string.Join(", ", runs.Values.Select(r => $"{r.Result.Strategy} {r.Result.Elapsed.TotalSeconds:0.0} s: agent ticks {r.Result.AgentTime.TotalSeconds:0.0} s, feedback {r.Result.IngestTime.TotalSeconds:0.0} s"))}).");

// Afterwards, the database is an ordinary EF Core store: an app (here a minimal agent on the same file) reads the pending reviews,
// the customers and the decision traces from it.
var services = new ServiceCollection();
services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
services.AddMarketingAutomation()
    .UseEntityFrameworkCoreStore(o => o.UseSqlite(connection))
    .AddRecordingChannel("email", ChannelKind.Email)
    .AddWelcomeSequence()
    .UseGoalPriorityStrategy();
await using var provider = services.BuildServiceProvider();
var pipeline = provider.GetRequiredService<MarketingPipeline>();
var store = pipeline.Store;
var reviews = pipeline.ReviewQueue;

var report = new Report(runs, runner, simulation);
report.Results();
Report.DecisionsByGoalAndChannel(runs[AdaptiveLabStrategy.StrategyName]);
Report.HeldByRule(runs[AdaptiveLabStrategy.StrategyName].Result);
await Report.PendingReviewsAsync(reviews);
await Report.SampleCustomerAsync(runs[AdaptiveLabStrategy.StrategyName], store, learned, population.Start + Duration.FromDays(options.Days));
report.Files(output, database);
return 0;

static string Describe(LabStrategy strategy) => strategy.Name switch
{
    NoContactStrategy.StrategyName => "no messages (what would happen anyway)",
    AdaptiveLabStrategy.StrategyName => "learning agent (SQLite)",
    _ => strategy.Name + " (weekly newsletter to everyone)",
};

/// <summary>Reports progress on the calling thread.</summary>
internal sealed class SyncProgress(Action<SimulationProgress> report) : IProgress<SimulationProgress>
{
    public void Report(SimulationProgress value) => report(value);
}
