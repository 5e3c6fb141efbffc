using System.Globalization;

namespace Quickstart;

/// <summary>The Quickstart's command line: every flag, its default and its check.</summary>
internal sealed record QuickstartOptions
{
    public const int MaxCustomers = 200_000;

    public int Customers { get; init; } = 2000;

    public int Days { get; init; } = 30;

    public int Seed { get; init; } = 42;

    public string Out { get; init; } = "quickstart-output";

    public string? Csv { get; init; }

    public bool Help { get; init; }

    public static string Usage => $"""
        Usage: dotnet run --project samples/Quickstart -- [options]

        Creates an embedded SQLite database through the EF Core store, imports a synthetic population (or your CSV), runs the
        learning agent over a simulated month against simulated channels, and reports what it did and what it earned.

          --customers N    synthetic customers (default 2000; 1..{MaxCustomers:N0}; ignored with --csv)
          --days N         simulated days (default 30; 1..365)
          --seed N         seed of the population and the simulated world (default 42; same seed, same results)
          --out DIR        folder for the database, the chart and the CSV of results (default ./quickstart-output)
          --csv FILE       import your customers from a CSV file with a header line (columns id, email, phone, country,
                           time_zone, language, signed_up_at, email_consent, sms_consent, push_consent, consent_at; bad rows
                           are listed with line numbers, good rows are imported)
          -h, --help       show this help
        """;

    /// <summary>Parses the arguments; on a problem writes a message naming it (and the usage) and returns null.</summary>
    public static QuickstartOptions? Parse(string[] args, TextWriter error)
    {
        var options = new QuickstartOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help")
            {
                return options with { Help = true };
            }

            if (flag is not ("--customers" or "--days" or "--seed" or "--out" or "--csv"))
            {
                return Fail(error, $"Unknown option '{flag}'. Run with --help to see the options.");
            }

            if (i + 1 >= args.Length)
            {
                return Fail(error, $"{flag} needs a value. Run with --help to see the options.");
            }

            var value = args[++i];
            switch (flag)
            {
                case "--customers":
                    if (!TryInt(value, 1, MaxCustomers, out var customers))
                    {
                        return Fail(error, $"--customers must be a whole number from 1 to {MaxCustomers:N0}, not '{value}'.");
                    }

                    options = options with { Customers = customers };
                    break;
                case "--days":
                    if (!TryInt(value, 1, 365, out var days))
                    {
                        return Fail(error, $"--days must be a whole number from 1 to 365, not '{value}'.");
                    }

                    options = options with { Days = days };
                    break;
                case "--seed":
                    if (!TryInt(value, int.MinValue, int.MaxValue, out var seed))
                    {
                        return Fail(error, $"--seed must be a whole number, not '{value}'.");
                    }

                    options = options with { Seed = seed };
                    break;
                case "--out":
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        return Fail(error, "--out needs a folder name.");
                    }

                    options = options with { Out = value };
                    break;
                default:
                    options = options with { Csv = value };
                    break;
            }
        }

        return options;
    }

    private static bool TryInt(string value, int min, int max, out int result) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;

    private static QuickstartOptions? Fail(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        return null;
    }
}
