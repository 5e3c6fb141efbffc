namespace MarketingAutomation.Benchmarking;

/// <summary>The command line of the store throughput console (plain parsing: <c>--flag value</c> or <c>--flag=value</c>).</summary>
internal sealed class StoreThroughputOptions
{
    public const string Usage = """
        MarketingAutomation store throughput benchmark: imports N synthetic customers into the EF Core store and runs one full
        decision cycle (MarketingAgent.DecideDueAsync) over all of them, all due.

        Usage: dotnet run -c Release --project benchmarks/MarketingAutomation.StoreThroughput -- [options]

        Options:
          --provider P      sqlite or postgres (default sqlite)
          --customers N     customers to import and decide for (default 1000000; 1 to 20000000; '_' or ',' allowed as separators)
          --connection C    the connection string. sqlite: optional, default a fresh temporary file (printed);
                            postgres: required, for example "Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres"
                            (the store's tables must not hold rows yet; they are created when missing)
          --batch-size B    customers per page of the decision cycle, 1 to 100000 (default 4096)
          --import-batch B  customers per UpsertCustomersAsync call of the import, 1 to 100000 (default 5000)
          --seed S          seed of the population (default 42)
          --help            show this help

        The last line of the output is exactly
        'result provider=<p> customers=<n> import_s=<x> cycle_s=<x> decisions=<n>'.
        """;

    public string Provider { get; private set; } = "sqlite";

    public int Customers { get; private set; } = 1_000_000;

    public string? Connection { get; private set; }

    public int BatchSize { get; private set; } = 4096;

    public int ImportBatch { get; private set; } = 5000;

    public int Seed { get; private set; } = 42;

    public bool Help { get; private set; }

    /// <summary>Parses the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="options">The options, when valid.</param>
    /// <param name="error">A message naming the flag at fault, when not.</param>
    /// <returns>Whether the command line is valid.</returns>
    public static bool TryParse(string[] args, out StoreThroughputOptions options, out string? error)
    {
        options = new StoreThroughputOptions();
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

            if (value is null)
            {
                error = $"{name} needs a value.";
                return false;
            }

            switch (name)
            {
                case "--provider":
                    var provider = value.Trim().ToLowerInvariant();
                    if (provider is "postgresql" or "npgsql" or "pg")
                    {
                        provider = "postgres";
                    }

                    if (provider is not ("sqlite" or "postgres"))
                    {
                        error = $"--provider must be sqlite or postgres, not '{value}'.";
                        return false;
                    }

                    options.Provider = provider;
                    break;
                case "--customers":
                    if (!CommandLine.TryInt(name, value, 1, 20_000_000, out var customers, out error))
                    {
                        return false;
                    }

                    options.Customers = customers;
                    break;
                case "--connection":
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        error = "--connection needs a connection string.";
                        return false;
                    }

                    options.Connection = value;
                    break;
                case "--batch-size":
                    if (!CommandLine.TryInt(name, value, 1, 100_000, out var batch, out error))
                    {
                        return false;
                    }

                    options.BatchSize = batch;
                    break;
                case "--import-batch":
                    if (!CommandLine.TryInt(name, value, 1, 100_000, out var importBatch, out error))
                    {
                        return false;
                    }

                    options.ImportBatch = importBatch;
                    break;
                case "--seed":
                    if (!CommandLine.TryInt(name, value, int.MinValue, int.MaxValue, out var seed, out error))
                    {
                        return false;
                    }

                    options.Seed = seed;
                    break;
                default:
                    error = $"unknown flag '{name}'.";
                    return false;
            }
        }

        if (!options.Help && options.Provider == "postgres" && options.Connection is null)
        {
            error = "--provider postgres needs --connection \"Host=...;Port=...;Username=...;Database=...\" (a PostgreSQL server to write to).";
            return false;
        }

        return true;
    }
}
