using MarketingAutomation.Simulation;

namespace MarketingAutomation.SimulationLab;

/// <summary>The <c>--hillstrom</c> and <c>--obd</c> paths: off-policy evaluation on public data instead of a simulation.</summary>
internal static class RealData
{
    public static int Run(LabArguments arguments)
    {
        var flag = "--hillstrom";
        try
        {
            var lines = new List<string>();
            if (arguments.Hillstrom is { } csv)
            {
                Console.WriteLine($"Hillstrom e-mail test: {csv} (seed {arguments.Seed}, 1,000 bootstrap resamples; uplift@30 % and progressive replay over seeds 1-10).");
                lines.AddRange(RealDataEvaluation.EvaluateHillstrom(csv, arguments.Seed).ToResultLines());
            }

            if (arguments.Obd is { } folder)
            {
                flag = "--obd";
                foreach (var campaign in new[] { "men", "women" })
                {
                    Console.WriteLine($"Open Bandit Dataset: {folder}, campaign {campaign} (seed {arguments.Seed}).");
                    lines.AddRange(RealDataEvaluation.EvaluateOpenBandit(folder, arguments.Seed, campaign).ToResultLines());
                }
            }

            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }

            return 0;
        }
        catch (Exception ex) when (ex is DataFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Option '{flag}': {ex.Message}");
            return 2;
        }
    }
}
