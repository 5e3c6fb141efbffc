using BenchmarkDotNet.Running;

namespace MarketingAutomation.Benchmarking;

/// <summary>Runs the BenchmarkDotNet benchmarks; pass BenchmarkDotNet's arguments, for example <c>--filter '*' --job short</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
