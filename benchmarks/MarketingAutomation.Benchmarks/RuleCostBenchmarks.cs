using BenchmarkDotNet.Attributes;

namespace MarketingAutomation.Benchmarking;

/// <summary>
/// The cost of each of the five rules of <see cref="RulesEngineComparisonBenchmarks"/> alone, on the same 1,024 candidates: where the
/// time of <see cref="RulesEngineComparisonBenchmarks.OurPolicies"/> goes. One operation is one candidate.
/// </summary>
[MemoryDiagnoser]
public class RuleCostBenchmarks
{
    private readonly RulesEngineComparisonBenchmarks _comparison = new();

    /// <summary>Gets or sets the rule judged: 0 quiet hours, 1 and 2 the caps, 3 consent, 4 max discount.</summary>
    [Params(0, 1, 2, 3, 4)]
    public int Rule { get; set; }

    /// <summary>Builds the shared candidates.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _comparison.Setup();
        Console.WriteLine($"// rule {Rule}: {_comparison.RuleName(Rule)}");
    }

    /// <summary>One rule over every candidate.</summary>
    /// <returns>How many candidates the rule allows.</returns>
    [Benchmark(OperationsPerInvoke = RulesEngineComparisonBenchmarks.Candidates)]
    public int OneRule()
    {
        var allowed = 0;
        for (var i = 0; i < RulesEngineComparisonBenchmarks.Candidates; i++)
        {
            allowed += _comparison.JudgeOne(Rule, i) ? 1 : 0;
        }

        return allowed;
    }
}
