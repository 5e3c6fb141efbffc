using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.Benchmarking;

/// <summary>
/// Deciding one batch of <see cref="BatchSize"/> customers on one thread with the real pipeline (5 built-in goals, 3 recording
/// channels, goal-priority strategy) and 0, 5 or 10 rules. One operation is one whole batch: the Allocated column is what the batch
/// allocated in total, so '-' (0 B) for <see cref="NoActionBatch"/> means not one byte for any of its customers.
/// </summary>
/// <remarks>
/// The customers come from the same realistic population as the throughput console (seed 42), decided at its "as of" instant.
/// <see cref="NoActionBatch"/> holds the first <see cref="BatchSize"/> customers who get no action (no goal triggered, no reachable
/// channel, every candidate denied or deferred); <see cref="MixedBatch"/> holds the first <see cref="BatchSize"/> customers of the
/// population whatever their outcome (the setup prints how many of them send).
/// </remarks>
[MemoryDiagnoser]
public class DecideBatchBenchmarks
{
    /// <summary>The customers in one batch.</summary>
    public const int BatchSize = 1024;

    private ServiceProvider? _services;
    private DecisionEngine _engine = null!;
    private CustomerContext[] _noAction = [];
    private CustomerContext[] _mixed = [];
    private readonly DecisionResult[] _results = new DecisionResult[BatchSize];
    private Instant _now;

    /// <summary>Gets or sets how many rules the pipeline has (taken in the throughput console's order: consent, open support issue, caps).</summary>
    [Params(0, 5, 10)]
    public int Policies { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = BenchmarkPipeline.CreateServices(BenchmarkPipeline.MaxGoals, Policies, BenchmarkPipeline.MaxChannels, 1);
        _engine = _services.GetRequiredService<DecisionEngine>();
        _now = PopulationBuilder.AsOf;
        var population = PopulationBuilder.Build(50_000, seed: 42, threads: Environment.ProcessorCount);
        var results = new DecisionResult[population.Length];
        _engine.Decide(population, _now, results);

        var noAction = new List<CustomerContext>(BatchSize);
        for (var i = 0; i < population.Length && noAction.Count < BatchSize; i++)
        {
            if (results[i].Outcome == DecisionOutcome.NoAction)
            {
                noAction.Add(population[i]);
            }
        }

        _noAction = [.. noAction];
        _mixed = population[..BatchSize];
        var sends = 0;
        for (var i = 0; i < BatchSize; i++)
        {
            sends += results[i].Outcome == DecisionOutcome.Send ? 1 : 0;
        }

        Console.WriteLine($"// Policies={Policies}: no-action batch {_noAction.Length} customers; mixed batch {_mixed.Length} customers of which {sends} send");
        if (_noAction.Length != BatchSize)
        {
            throw new InvalidOperationException($"Only {_noAction.Length} no-action customers were found; enlarge the population.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();

    /// <summary>A batch of customers who all get no action: must allocate nothing.</summary>
    [Benchmark(Baseline = true)]
    public void NoActionBatch() => _engine.Decide(_noAction, _now, _results);

    /// <summary>A batch of customers as they come (mostly no action, some sends that allocate their trace).</summary>
    [Benchmark]
    public void MixedBatch() => _engine.Decide(_mixed, _now, _results);
}
