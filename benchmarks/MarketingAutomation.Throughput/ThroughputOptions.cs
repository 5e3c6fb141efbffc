namespace MarketingAutomation.Benchmarking;

/// <summary>The command line of the throughput console (plain parsing: <c>--flag value</c> or <c>--flag=value</c>).</summary>
internal sealed class ThroughputOptions
{
    public const string Usage = """
        MarketingAutomation throughput benchmark: decides for a realistic in-memory population with DecisionEngine.DecideParallel.

        Usage: dotnet run -c Release --project benchmarks/MarketingAutomation.Throughput -- [options]

        Options:
          --customers N    customers in the population (default 1000000; 1 to 50000000; '_' or ',' allowed as separators)
          --goals N        built-in goals, 1 to 5, taken in this order: welcome, win-back, cross-sell, renewal-reminder,
                           vip-recommendation (default 5)
          --policies N     rules, 0 to 10: consent, open-support-issue, then frequency caps 1/1d email, 1/7d sms, 3/30d push,
                           2/7d all, 4/30d all, 1/12h all, 2/7d email, 8/30d all incl. transactional (default 10)
          --channels N     recording channels, 1 to 3: email, sms, push (default 3)
          --strategy S     decision strategy: goal-priority or adaptive (the learning strategy with its send-time model;
                           default goal-priority)
          --rounds R       measured rounds after one warm-up round, 1 to 1000 (default 5)
          --threads T      threads deciding in parallel, 1 to 1024 (default: the number of logical cores)
          --seed S         seed of the population (default 42)
          --help           show this help

        The last line of the output is '<N> decisions/s' with N the median of the measured rounds.
        """;

    public int Customers { get; private set; } = 1_000_000;

    public int Goals { get; private set; } = BenchmarkPipeline.MaxGoals;

    public int Policies { get; private set; } = BenchmarkPipeline.MaxPolicies;

    public int Channels { get; private set; } = BenchmarkPipeline.MaxChannels;

    public string Strategy { get; private set; } = "goal-priority";

    public int Rounds { get; private set; } = 5;

    public int Threads { get; private set; } = Environment.ProcessorCount;

    public int Seed { get; private set; } = 42;

    public bool Help { get; private set; }

    /// <summary>Parses the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="options">The options, when valid.</param>
    /// <param name="error">A message naming the flag at fault, when not.</param>
    /// <returns>Whether the command line is valid.</returns>
    public static bool TryParse(string[] args, out ThroughputOptions options, out string? error)
    {
        options = new ThroughputOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (!CommandLine.TryRead(args, ref i, out var name, out var value, out var help, out error))
            {
                return false;
            }

            if (help)
            {
                options.Help = true;
                continue;
            }

            switch (name)
            {
                case "--customers":
                    if (!CommandLine.TryInt(name, value, 1, 50_000_000, out var customers, out error))
                    {
                        return false;
                    }

                    options.Customers = customers;
                    break;
                case "--goals":
                    if (!CommandLine.TryInt(name, value, 1, BenchmarkPipeline.MaxGoals, out var goals, out error))
                    {
                        return false;
                    }

                    options.Goals = goals;
                    break;
                case "--policies":
                    if (!CommandLine.TryInt(name, value, 0, BenchmarkPipeline.MaxPolicies, out var policies, out error))
                    {
                        return false;
                    }

                    options.Policies = policies;
                    break;
                case "--channels":
                    if (!CommandLine.TryInt(name, value, 1, BenchmarkPipeline.MaxChannels, out var channels, out error))
                    {
                        return false;
                    }

                    options.Channels = channels;
                    break;
                case "--rounds":
                    if (!CommandLine.TryInt(name, value, 1, 1000, out var rounds, out error))
                    {
                        return false;
                    }

                    options.Rounds = rounds;
                    break;
                case "--threads":
                    if (!CommandLine.TryInt(name, value, 1, 1024, out var threads, out error))
                    {
                        return false;
                    }

                    options.Threads = threads;
                    break;
                case "--seed":
                    if (!CommandLine.TryInt(name, value, int.MinValue, int.MaxValue, out var seed, out error))
                    {
                        return false;
                    }

                    options.Seed = seed;
                    break;
                case "--strategy":
                    if (value is null)
                    {
                        error = "--strategy needs a value: goal-priority or adaptive.";
                        return false;
                    }

                    if (string.Equals(value, "goal-priority", StringComparison.OrdinalIgnoreCase))
                    {
                        options.Strategy = "goal-priority";
                    }
                    else if (string.Equals(value, "adaptive", StringComparison.OrdinalIgnoreCase))
                    {
                        options.Strategy = "adaptive";
                    }
                    else
                    {
                        error = $"--strategy '{value}' is not known: use goal-priority or adaptive.";
                        return false;
                    }
                    break;
                default:
                    error = $"unknown option '{name}' (see --help for the options).";
                    return false;
            }
        }

        return true;
    }
}
