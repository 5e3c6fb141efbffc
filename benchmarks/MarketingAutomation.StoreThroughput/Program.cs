using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MarketingAutomation.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.Benchmarking;

/// <summary>
/// Store throughput console: imports a synthetic population into the EF Core store and runs one full decision cycle over every
/// customer (all due) with the real engine and agent, then checks with count queries that the store holds what the cycle reported.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!StoreThroughputOptions.TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine("Run with --help to see the options.");
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(StoreThroughputOptions.Usage);
            return 0;
        }

        return await new StoreThroughputRun(options, Console.Out).RunAsync();
    }
}

/// <summary>One run of the store throughput benchmark.</summary>
internal sealed class StoreThroughputRun(StoreThroughputOptions options, TextWriter output)
{
    /// <summary>The instant of the cycle: every customer is imported due at it.</summary>
    private static readonly Instant Now = PopulationBuilder.AsOf;

    public async Task<int> RunAsync()
    {
        Print("MarketingAutomation store throughput benchmark");
        Print($"  load average at start: {LoadAverage()} (other processes on the machine skew the numbers)");
        Print($"  machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}");
#if DEBUG
        Print("  WARNING: Debug build; run with -c Release for meaningful numbers.");
#endif
        string? tempFile = null;
        var connection = options.Connection;
        if (options.Provider == "sqlite" && connection is null)
        {
            tempFile = Path.Combine(Path.GetTempPath(), $"ma-store-throughput-{Guid.NewGuid():N}.db");
            connection = $"Data Source={tempFile}";
            Print($"  sqlite database: {tempFile} (deleted at the end)");
        }

        Print($"  config: provider={options.Provider} customers={options.Customers} batch-size={options.BatchSize} import-batch={options.ImportBatch} seed={options.Seed}");
        try
        {
            return await RunAsync(connection!);
        }
        finally
        {
            if (tempFile is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
                {
                    File.Delete(tempFile + suffix);
                }
            }
        }
    }

    private async Task<int> RunAsync(string connection)
    {
        // 1. The population (not timed): the facts of the shared benchmark population. The store imports facts only, so the
        //    population's message history is not imported; every customer is due at the cycle's instant.
        var sw = Stopwatch.StartNew();
        var built = PopulationBuilder.Build(options.Customers, options.Seed, Environment.ProcessorCount);
        var customers = new Customer[built.Length];
        for (var i = 0; i < built.Length; i++)
        {
            customers[i] = built[i].Customer;
        }

        built = null;
        sw.Stop();
        Print($"population: {customers.Length:N0} customers built in {sw.Elapsed.TotalSeconds:0.00} s (not timed)");

        TimedStore? timed = null;
        var services = new ServiceCollection();
        var builder = services.AddMarketingAutomation(o =>
        {
            o.BatchSize = options.BatchSize;
            o.MaxDegreeOfParallelism = Environment.ProcessorCount;
        });
        builder.UseEntityFrameworkCoreStore(o =>
        {
            if (options.Provider == "sqlite")
            {
                o.UseSqlite(connection);
            }
            else
            {
                o.UseNpgsql(connection);
            }
        });

        // The real EF Core store (the singleton UseEntityFrameworkCoreStore registered), wrapped to time the calls of the cycle.
        var storeType = services.Single(d => d.ServiceType.FullName == "MarketingAutomation.EntityFrameworkCore.EntityFrameworkCoreCustomerStore").ServiceType;
        builder.SetCustomerStore(sp => timed ??= new TimedStore((ICustomerStore)sp.GetRequiredService(storeType)));
        Compose(builder);

        await using var provider = services.BuildServiceProvider();
        var agent = provider.GetRequiredService<MarketingAgent>();
        var store = provider.GetRequiredService<MarketingPipeline>().Store;
        var contexts = provider.GetRequiredService<IDbContextFactory<MarketingAutomationDbContext>>();

        // The schema is created at first use; the run needs empty tables so that the counts below mean this run.
        _ = await store.GetCustomerAsync("store-throughput-probe");
        var existing = await CountAsync(contexts, "SELECT COUNT(*) FROM customers");
        if (existing != 0)
        {
            Console.Error.WriteLine($"error: the database already holds {existing} customers; use an empty database (--connection).");
            return 1;
        }

        // 2. Import (timed): every customer through ICustomerStore.UpsertCustomersAsync, in batches, due now.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        sw.Restart();
        var imported = 0;
        for (var start = 0; start < customers.Length; start += options.ImportBatch)
        {
            var count = Math.Min(options.ImportBatch, customers.Length - start);
            imported += await store.UpsertCustomersAsync(new ArraySegment<Customer>(customers, start, count), Now);
        }

        sw.Stop();
        var importSeconds = sw.Elapsed.TotalSeconds;
        var importCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Print($"import: {imported:N0} customers upserted in {importSeconds:0.00} s ({imported / importSeconds:N0}/s; process CPU {importCpu.TotalSeconds:0.00} s)");
        var stored = await CountAsync(contexts, "SELECT COUNT(*) FROM customers");
        if (imported != customers.Length || stored != customers.Length)
        {
            Console.Error.WriteLine($"error: import upserted {imported} and the store holds {stored} customers, expected {customers.Length}.");
            return 1;
        }

        customers = null;
        GC.Collect();

        // 3. One full decision cycle (timed): pages of due customers, DecideParallel, compose, commit decisions + traces + outbox
        //    rows, schedules for the rest.
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        sw.Restart();
        var cycle = await agent.DecideDueAsync(Now);
        sw.Stop();
        var cycleSeconds = sw.Elapsed.TotalSeconds;
        var cycleCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Print($"cycle: {cycle.Evaluated:N0} customers decided in {cycleSeconds:0.00} s ({cycle.Evaluated / cycleSeconds:N0}/s; process CPU {cycleCpu.TotalSeconds:0.00} s): {cycle.Scheduled:N0} sends scheduled, {cycle.HeldForReview:N0} held for review, {cycle.NoAction:N0} no action, {cycle.Errors:N0} errors, {cycle.Cancelled:N0} cancelled, {cycle.Superseded:N0} superseded");
        if (timed is not null)
        {
            var engine = sw.Elapsed - timed.Load - timed.Commit - timed.Schedule;
            Print($"  store: load {timed.Load.TotalSeconds:0.00} s ({timed.Pages} pages), commit {timed.Commit.TotalSeconds:0.00} s ({timed.Commits} calls), schedule {timed.Schedule.TotalSeconds:0.00} s ({timed.Schedules} calls); engine and composing {engine.TotalSeconds:0.00} s");
        }

        foreach (var (reason, count) in cycle.ByReason.OrderByDescending(p => p.Value).Take(8))
        {
            Print($"  {reason}: {count:N0}");
        }

        // 4. Verification: the store holds exactly what the cycle reported.
        var outbox = await CountAsync(contexts, "SELECT COUNT(*) FROM outbox");
        var reviews = await CountAsync(contexts, "SELECT COUNT(*) FROM reviews");
        var traces = await CountAsync(contexts, "SELECT COUNT(*) FROM traces");
        var stillDue = await CountAsync(contexts, $"SELECT COUNT(*) FROM customers WHERE next_evaluation_at <= {Now.ToUnixTimeTicks()}");
        Print($"verify: outbox rows {outbox:N0}, reviews {reviews:N0}, traces {traces:N0}, customers still due {stillDue:N0}");
        var committed = cycle.Scheduled + cycle.HeldForReview + cycle.Errors + cycle.Cancelled;
        if (cycle.Evaluated != options.Customers || cycle.Superseded != 0 || outbox != cycle.Scheduled || reviews != cycle.HeldForReview || traces != committed || stillDue != 0)
        {
            Console.Error.WriteLine($"error: the store does not hold what the cycle reported (evaluated {cycle.Evaluated} of {options.Customers}; superseded {cycle.Superseded}, expected 0; outbox {outbox}, expected {cycle.Scheduled}; reviews {reviews}, expected {cycle.HeldForReview}; traces {traces}, expected {committed}; still due {stillDue}, expected 0).");
            return 1;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result provider={options.Provider} customers={options.Customers} import_s={importSeconds:0.00} cycle_s={cycleSeconds:0.00} decisions={cycle.Evaluated}"));
        return 0;
    }

    /// <summary>The configuration of the cycle: five goals, three recording channels, consent, support, quiet hours and caps.</summary>
    private static void Compose(IMarketingAutomationBuilder builder)
    {
        builder.AddRecordingChannel("email", ChannelKind.Email);
        builder.AddRecordingChannel("sms", ChannelKind.Sms);
        builder.AddRecordingChannel("push", ChannelKind.Push);
        builder.AddWelcomeSequence();
        builder.AddWinBack();
        builder.AddCrossSell(new CrossSellGoal(BenchmarkPipeline.CrossSellRules));
        builder.AddRenewalReminder();
        builder.AddVipRecommendation();
        builder.AddConsentPolicy();
        builder.AddPolicy(new OpenSupportIssuePolicy());
        builder.AddQuietHours(new LocalTime(8, 0), new LocalTime(21, 0), ChannelKind.Sms);
        builder.AddFrequencyCap(1, Duration.FromDays(1), ChannelKind.Email);
        builder.AddFrequencyCap(1, Duration.FromDays(7), ChannelKind.Sms);
        builder.AddFrequencyCap(3, Duration.FromDays(30), ChannelKind.Push);
        builder.AddFrequencyCap(2, Duration.FromDays(7));
        builder.AddFrequencyCap(1, Duration.FromHours(12));
        builder.UseGoalPriorityStrategy();
    }

    private static async Task<long> CountAsync(IDbContextFactory<MarketingAutomationDbContext> contexts, string sql)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private void Print(string line) => output.WriteLine(line);
}
