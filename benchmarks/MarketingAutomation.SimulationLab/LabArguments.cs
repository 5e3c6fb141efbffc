using System.Globalization;

namespace MarketingAutomation.SimulationLab;

/// <summary>The console's options, parsed from the command line. Bad input gives a message naming the flag (exit code 2).</summary>
internal sealed class LabArguments
{
    public int Customers { get; private set; } = 100_000;

    public int Days { get; private set; } = 60;

    public int Seed { get; private set; } = 42;

    public IReadOnlyList<string> Strategies { get; private set; } = [.. Simulation.LabStrategies.DefaultComparison];

    public string Out { get; private set; } = "simulation-out";

    public string? Hillstrom { get; private set; }

    public string? Obd { get; private set; }

    public bool Help { get; private set; }

    public static string Usage =>
        """
        Usage: dotnet run -c Release --project benchmarks/MarketingAutomation.SimulationLab -- [options]

        Runs lab strategies through the real agent on a synthetic population and compares them with the no-contact run on the same seed.

          --customers N        synthetic customers (default 100000; 1..10000000)
          --days D             simulated days (default 60; 1..3650)
          --seed S             population seed (default 42)
          --strategies a,b,c   strategies to compare (default batch-and-blast,rule-based-flows,default,oracle);
                               known: {0}
          --out DIR            folder for the chart and CSV (default ./simulation-out)
          --hillstrom FILE     evaluate on the Hillstrom e-mail data set (CSV) instead of simulating
          --obd DIR            evaluate on an Open Bandit Dataset folder instead of simulating
          -h, --help           show this help

        The last lines of output are one 'result strategy=...' line per strategy.
        """;

    /// <summary>Parses arguments; returns null and writes the reason to <paramref name="error"/> when they are invalid.</summary>
    public static LabArguments? Parse(string[] args, TextWriter error)
    {
        var parsed = new LabArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help")
            {
                parsed.Help = true;
                continue;
            }

            if (flag is not ("--customers" or "--days" or "--seed" or "--strategies" or "--out" or "--hillstrom" or "--obd"))
            {
                error.WriteLine($"Unknown option '{flag}'. See --help.");
                return null;
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error.WriteLine($"Option '{flag}' needs a value after it. See --help.");
                return null;
            }

            var value = args[++i];
            switch (flag)
            {
                case "--customers":
                    if (!TryInt(value, 1, 10_000_000, out var customers))
                    {
                        error.WriteLine($"Option '--customers' must be a whole number from 1 to 10000000; got '{value}'.");
                        return null;
                    }

                    parsed.Customers = customers;
                    break;
                case "--days":
                    if (!TryInt(value, 1, 3650, out var days))
                    {
                        error.WriteLine($"Option '--days' must be a whole number from 1 to 3650; got '{value}'.");
                        return null;
                    }

                    parsed.Days = days;
                    break;
                case "--seed":
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
                    {
                        error.WriteLine($"Option '--seed' must be a whole number; got '{value}'.");
                        return null;
                    }

                    parsed.Seed = seed;
                    break;
                case "--strategies":
                    var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (names.Length == 0)
                    {
                        error.WriteLine("Option '--strategies' needs at least one strategy name, for example --strategies default,oracle.");
                        return null;
                    }

                    foreach (var name in names)
                    {
                        if (!Simulation.LabStrategies.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
                        {
                            error.WriteLine($"Option '--strategies': unknown strategy '{name}'; known: {string.Join(", ", Simulation.LabStrategies.Names)}.");
                            return null;
                        }
                    }

                    parsed.Strategies = [.. names.Distinct(StringComparer.OrdinalIgnoreCase).Select(n => n.ToLowerInvariant())];
                    break;
                case "--out":
                    parsed.Out = value;
                    break;
                case "--hillstrom":
                    parsed.Hillstrom = value;
                    break;
                case "--obd":
                    parsed.Obd = value;
                    break;
            }
        }

        return parsed;
    }

    private static bool TryInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
