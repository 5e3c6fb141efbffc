using MarketingAutomation.Simulation;

namespace MarketingAutomation.Simulation.Tests.Data;

public sealed class OpenBanditLoaderTests : IDisposable
{
    private readonly DataFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_a_generated_campaign_folder()
    {
        var folder = _files.OpenBandit("random", "men", rows: 500, items: 5, seed: 1);
        var log = OpenBanditLoader.Load(folder);
        Assert.Equal("random", log.Policy);
        Assert.Equal("men", log.Campaign);
        Assert.Equal(500, log.Rows.Count);
        Assert.Equal(5, log.ItemCount);
        Assert.Equal(5, log.Rows[0].Affinity.Length);
        Assert.Equal(4, log.Rows[0].UserFeatures.Length);
        Assert.Equal(0.2, log.Rows[0].Propensity, 12);
        Assert.Equal(Instant.FromUtc(2019, 11, 24, 0, 0, 37).PlusTicks(5_000_000), log.Rows[1].Timestamp);
        Assert.Equal(-0.75, log.Items[1].Feature0, 12);

        var logs = log.ToLoggedDecisions();
        Assert.Equal(log.Rows[3].ItemId, logs[3].Action);
        Assert.Equal(log.Rows[3].Position - 1, logs[3].Context);
        Assert.Equal("3", logs[3].ContextId);
        Assert.Equal(log.ClickThroughRate, logs.Average(l => l.Reward), 12);

        // Same folder by (root, policy, campaign).
        Assert.Equal(500, OpenBanditLoader.Load(Path.Combine(_files.Root, "obd"), "random", "men").Rows.Count);
    }

    [Fact]
    public void Bad_propensity_names_line_and_column()
    {
        var folder = _files.OpenBandit("bts", "men", rows: 20, items: 3, seed: 1, propensity: item => item == 2 ? 0 : 0.3);
        var ex = Assert.Throws<DataFormatException>(() => OpenBanditLoader.Load(folder));
        Assert.Equal("propensity_score", ex.Column);
        Assert.EndsWith("men.csv", ex.FilePath, StringComparison.Ordinal);
        Assert.True(ex.Line >= 2);
    }

    [Fact]
    public void Non_numeric_click_wrong_column_count_and_missing_column()
    {
        var folder = _files.OpenBandit("random", "women", rows: 5, items: 3, seed: 2);
        var log = Path.Combine(folder, "women.csv");
        var lines = File.ReadAllLines(log);
        var fields = lines[3].Split(',');
        fields[4] = "yes";
        lines[3] = string.Join(',', fields);
        File.WriteAllLines(log, lines);
        var ex = Assert.Throws<DataFormatException>(() => OpenBanditLoader.Load(folder));
        Assert.Equal(4, ex.Line);
        Assert.Equal("click", ex.Column);

        lines[3] = string.Join(',', fields[..^1]);
        File.WriteAllLines(log, lines);
        ex = Assert.Throws<DataFormatException>(() => OpenBanditLoader.Load(folder));
        Assert.Equal(4, ex.Line);
        Assert.Null(ex.Column);

        lines[0] = lines[0].Replace("propensity_score", "pscore", StringComparison.Ordinal);
        File.WriteAllLines(log, lines);
        ex = Assert.Throws<DataFormatException>(() => OpenBanditLoader.Load(folder));
        Assert.Equal("propensity_score", ex.Column);
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void Item_id_beyond_item_context_is_rejected_and_missing_item_context_is_named()
    {
        var folder = _files.OpenBandit("random", "men", rows: 50, items: 4, seed: 3);
        var ctx = Path.Combine(folder, "item_context.csv");
        var lines = File.ReadAllLines(ctx);
        File.WriteAllLines(ctx, lines[..^1]); // drop item 3
        var ex = Assert.Throws<DataFormatException>(() => OpenBanditLoader.Load(folder));
        Assert.Equal("item_id", ex.Column);

        File.Delete(ctx);
        Assert.Contains("item_context.csv", Assert.Throws<FileNotFoundException>(() => OpenBanditLoader.Load(folder)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Real_files_when_present()
    {
        var data = DataFiles.SharedData();
        var root = data is null ? null : Path.Combine(data, "obd");
        if (root is null || !Directory.Exists(Path.Combine(root, "random", "men")))
        {
            Assert.Skip("Open Bandit data not found: set MA_DATA_DIR to the shared data folder (holding obd/random/men) to run this test.");
        }

        var random = OpenBanditLoader.Load(root, "random", "men");
        var bts = OpenBanditLoader.Load(root, "bts", "men");
        Assert.Equal(10_000, random.Rows.Count);
        Assert.Equal(34, random.ItemCount);
        Assert.All(random.Rows, r => Assert.Equal(1.0 / 34, r.Propensity, 9));
        Assert.Equal(0.0046, random.ClickThroughRate, 4);
        Assert.Equal(0.0069, bts.ClickThroughRate, 4);
        Assert.Equal(46, OpenBanditLoader.Load(root, "random", "women").ItemCount);
    }
}
