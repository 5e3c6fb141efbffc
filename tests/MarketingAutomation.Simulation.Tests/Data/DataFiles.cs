using System.Globalization;
using System.Text;

namespace MarketingAutomation.Simulation.Tests.Data;

/// <summary>Small generated files in the formats of the public data sets, in a temp folder deleted on dispose.</summary>
internal sealed class DataFiles : IDisposable
{
    public const string HillstromHeader = "recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend";

    private static readonly string[] Segments = ["1) $0 - $100", "2) $100 - $200", "3) $200 - $350", "4) $350 - $500", "5) $500 - $750", "6) $750 - $1,000", "7) $1,000 +"];
    private static readonly string[] Zips = ["Urban", "Surburban", "Rural"];
    private static readonly string[] Channels = ["Phone", "Web", "Multichannel"];
    private static readonly string[] Arms = ["Mens E-Mail", "Womens E-Mail", "No E-Mail"];

    public DataFiles()
    {
        Root = Path.Combine(Path.GetTempPath(), "ma-sim-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>A Hillstrom-format file: CRLF, no final newline, quoted segments with commas; visit rates 0.18 / 0.15 / 0.10 by arm.</summary>
    public string Hillstrom(int rows, int seed, string name = "hillstrom.csv")
    {
        var rng = new Random(seed);
        var lines = new List<string> { HillstromHeader };
        double[] rates = [0.18, 0.15, 0.10];
        for (var i = 0; i < rows; i++)
        {
            var arm = rng.Next(3);
            var band = rng.Next(7);
            var seg = Segments[band];
            var segField = seg.Contains(',', StringComparison.Ordinal) ? $"\"{seg}\"" : seg;
            var mens = rng.Next(2);
            var womens = mens == 0 ? 1 : rng.Next(2);
            var visit = rng.NextDouble() < rates[arm] + (arm == 1 && womens == 1 ? 0.05 : 0) ? 1 : 0;
            var conversion = visit == 1 && rng.NextDouble() < 0.1 ? 1 : 0;
            var spend = conversion == 1 ? Math.Round(rng.NextDouble() * 200, 2) : 0;
            lines.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{rng.Next(1, 13)},{segField},{(band * 100) + 29.99 + rng.Next(50)},{mens},{womens},{Zips[rng.Next(3)]},{rng.Next(2)},{Channels[rng.Next(3)]},{Arms[arm]},{visit},{conversion},{spend}"));
        }

        return Write(name, string.Join("\r\n", lines));
    }

    /// <summary>An Open Bandit campaign folder {root}/{policy}/{campaign} with the log and item_context.csv.</summary>
    public string OpenBandit(string policy, string campaign, int rows, int items, int seed, Func<int, double>? propensity = null)
    {
        var folder = Path.Combine(Root, "obd", policy, campaign);
        Directory.CreateDirectory(folder);
        var rng = new Random(seed);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(",timestamp,item_id,position,click,propensity_score,user_feature_0,user_feature_1,user_feature_2,user_feature_3");
        for (var j = 0; j < items; j++)
        {
            sb.Append(inv, $",user-item_affinity_{j}");
        }

        sb.Append('\n');
        var start = new DateTimeOffset(2019, 11, 24, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < rows; i++)
        {
            var item = rng.Next(items);
            var p = propensity?.Invoke(item) ?? 1.0 / items;
            var click = rng.NextDouble() < 0.01 + (item == 0 ? 0.05 : 0) ? 1 : 0;
            var when = start.AddSeconds(i * 37.5).ToString("yyyy-MM-dd HH:mm:ss.ffffffzzz", inv);
            sb.Append(inv, $"{i},{when},{item},{1 + rng.Next(3)},{click},{p.ToString("R", inv)},cef3390ed299c09874189c387777674a,03a5648a76832f83c859d46bc06cb64a,7bc94a2da491829b777c49c4b5e480f2,9bde591ffaab8d54c457448e4dca6f53");
            for (var j = 0; j < items; j++)
            {
                sb.Append(j == item ? ",1.0" : ",0.0");
            }

            sb.Append('\n');
        }

        File.WriteAllText(Path.Combine(folder, campaign + ".csv"), sb.ToString());
        var ctx = new StringBuilder(",item_id,item_feature_0,item_feature_1,item_feature_2,item_feature_3\n");
        for (var j = 0; j < items; j++)
        {
            ctx.Append(inv, $"{j},{j},{(j * 0.25) - 1:R},ceca20033d7d36b74dc683ddfb804aa7,eb6f942c01859574cb88d2e62bf84354,795091554fd8f6b4a0ca7df81bf50a64\n");
        }

        File.WriteAllText(Path.Combine(folder, "item_context.csv"), ctx.ToString());
        return folder;
    }

    public string Write(string name, string content)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The shared data folder (../shared/data from the repository root, or MA_DATA_DIR), or null when absent.</summary>
    public static string? SharedData()
    {
        var env = Environment.GetEnvironmentVariable("MA_DATA_DIR");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MarketingAutomation.sln")))
            {
                var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                return Directory.Exists(shared) ? shared : null;
            }
        }

        return null;
    }
}
