using System.Globalization;

namespace MarketingAutomation.Simulation;

/// <summary>One impression of the Open Bandit Dataset: the item shown in a slot, whether it was clicked, and its propensity.</summary>
/// <param name="Index">The row index (the file's unnamed first column).</param>
/// <param name="Timestamp">When the impression happened.</param>
/// <param name="ItemId">The item shown (the action).</param>
/// <param name="Position">The slot, 1 to 3.</param>
/// <param name="Click">Whether the item was clicked (the reward).</param>
/// <param name="Propensity">The logging policy's probability of showing this item in this slot.</param>
/// <param name="UserFeatures">The hashed categorical user features user_feature_0..3.</param>
/// <param name="Affinity">The user-item affinity values user-item_affinity_0..n-1.</param>
public sealed record OpenBanditRow(int Index, Instant Timestamp, int ItemId, int Position, bool Click, double Propensity, ImmutableArray<string> UserFeatures, ReadOnlyMemory<double> Affinity);

/// <summary>One item of <c>item_context.csv</c>.</summary>
/// <param name="ItemId">The item id.</param>
/// <param name="Feature0">item_feature_0 (numeric, standardised price).</param>
/// <param name="Features">item_feature_1..3 (hashed categoricals).</param>
public sealed record OpenBanditItem(int ItemId, double Feature0, ImmutableArray<string> Features);

/// <summary>One Open Bandit log: the policy that logged it ("random" or "bts"), the campaign ("men", "women", "all"), rows and items.</summary>
/// <param name="Policy">The logging policy's folder name.</param>
/// <param name="Campaign">The campaign's folder name.</param>
/// <param name="Rows">The impressions in file order.</param>
/// <param name="Items">The items of the campaign.</param>
public sealed record OpenBanditLog(string Policy, string Campaign, IReadOnlyList<OpenBanditRow> Rows, IReadOnlyList<OpenBanditItem> Items)
{
    /// <summary>Gets the number of items (actions).</summary>
    public int ItemCount => Items.Count;

    /// <summary>Gets the on-policy click-through rate of the log.</summary>
    public double ClickThroughRate
    {
        get
        {
            var clicks = 0;
            foreach (var r in Rows)
            {
                clicks += r.Click ? 1 : 0;
            }

            return Rows.Count == 0 ? double.NaN : (double)clicks / Rows.Count;
        }
    }

    /// <summary>The rows as logged decisions: action = item id, context = position - 1, reward = click, context id = row index.</summary>
    /// <returns>One logged decision per row.</returns>
    public IReadOnlyList<LoggedDecision> ToLoggedDecisions()
    {
        var result = new LoggedDecision[Rows.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var r = Rows[i];
            result[i] = new LoggedDecision(r.Position - 1, r.ItemId, r.Propensity, r.Click ? 1 : 0)
            {
                ContextId = r.Index.ToString(CultureInfo.InvariantCulture),
                Features = r.Affinity,
            };
        }

        return result;
    }
}

/// <summary>
/// Loads the Open Bandit Dataset (Saito et al. 2021) small sample: a folder <c>{random|bts}/{men|women}/</c> holding the log
/// (<c>men.csv</c>; unnamed index, timestamp, item_id, position, click, propensity_score, user_feature_0..3,
/// user-item_affinity_*) and <c>item_context.csv</c> (unnamed index, item_id, item_feature_0..3). Takes a path: the data
/// stays outside the repository.
/// </summary>
public static class OpenBanditLoader
{
    /// <summary>The item context file name.</summary>
    public const string ItemContextFile = "item_context.csv";

    private static readonly string[] LogColumns = ["", "timestamp", "item_id", "position", "click", "propensity_score", "user_feature_0", "user_feature_1", "user_feature_2", "user_feature_3"];

    /// <summary>Loads <c>{root}/{policy}/{campaign}</c>.</summary>
    /// <param name="root">The dataset root, e.g. <c>../shared/data/obd</c>.</param>
    /// <param name="policy">"random" or "bts".</param>
    /// <param name="campaign">"men" or "women".</param>
    /// <returns>The log.</returns>
    public static OpenBanditLog Load(string root, string policy, string campaign) => Load(Path.Combine(root, policy, campaign));

    /// <summary>Loads one campaign folder (log file named after the folder, or the only other CSV in it, plus item_context.csv).</summary>
    /// <param name="folder">The folder, e.g. <c>../shared/data/obd/random/men</c>.</param>
    /// <returns>The log.</returns>
    /// <exception cref="DataFormatException">A malformed file (naming file, line, column).</exception>
    /// <exception cref="FileNotFoundException">The folder has no log or no item_context.csv.</exception>
    public static OpenBanditLog Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder} does not exist; pass an Open Bandit folder such as <data>/obd/random/men.");
        }

        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var campaign = Path.GetFileName(full);
        var policy = Path.GetFileName(Path.GetDirectoryName(full)) ?? string.Empty;
        var logPath = Path.Combine(full, campaign + ".csv");
        if (!File.Exists(logPath))
        {
            var candidates = Directory.GetFiles(full, "*.csv").Where(f => !string.Equals(Path.GetFileName(f), ItemContextFile, StringComparison.OrdinalIgnoreCase)).ToArray();
            logPath = candidates.Length == 1
                ? candidates[0]
                : throw new FileNotFoundException($"{full} holds {candidates.Length} log files besides {ItemContextFile}; expected {campaign}.csv or exactly one other CSV.", logPath);
        }

        var itemPath = Path.Combine(full, ItemContextFile);
        var items = File.Exists(itemPath)
            ? LoadItems(itemPath)
            : throw new FileNotFoundException($"{full} has no {ItemContextFile}; copy it from the dataset next to the log.", itemPath);
        return new OpenBanditLog(policy, campaign, LoadLog(logPath, items.Count), items);
    }

    /// <summary>Reads an <c>item_context.csv</c>.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The items, ordered by item id (ids must be 0..n-1).</returns>
    public static IReadOnlyList<OpenBanditItem> LoadItems(string path)
    {
        using var t = new CsvTable(path);
        var id = t.Column("item_id");
        var f0 = t.Column("item_feature_0");
        var cat = new[] { t.Column("item_feature_1"), t.Column("item_feature_2"), t.Column("item_feature_3") };
        var items = new List<OpenBanditItem>();
        while (t.Read())
        {
            var itemId = t.Int(id);
            if (itemId != items.Count)
            {
                throw new DataFormatException(path, t.Line, "item_id", $"item ids must run 0, 1, 2, ... in order; expected {items.Count} but found {itemId}.");
            }

            items.Add(new OpenBanditItem(itemId, t.Double(f0), [t.Text(cat[0]), t.Text(cat[1]), t.Text(cat[2])]));
        }

        return items;
    }

    /// <summary>Reads a log file.</summary>
    /// <param name="path">The path.</param>
    /// <param name="itemCount">The number of items (item ids must be below it), or 0 to skip that check.</param>
    /// <returns>The rows.</returns>
    public static IReadOnlyList<OpenBanditRow> LoadLog(string path, int itemCount = 0)
    {
        using var t = new CsvTable(path);
        var c = new int[LogColumns.Length];
        for (var i = 0; i < c.Length; i++)
        {
            c[i] = t.Column(LogColumns[i]);
        }

        var affinity = new List<int>();
        for (var i = 0; t.Has($"user-item_affinity_{i}"); i++)
        {
            affinity.Add(t.Column($"user-item_affinity_{i}"));
        }

        var rows = new List<OpenBanditRow>(10_000);
        while (t.Read())
        {
            var stamp = t.Text(c[1]);
            if (!DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                throw t.Bad(c[1], stamp, "a timestamp like 2019-11-24 00:03:13.442536+00:00");
            }

            var item = t.Int(c[2]);
            if (item < 0 || (itemCount > 0 && item >= itemCount))
            {
                throw t.Bad(c[2], t.Text(c[2]), $"an item id in [0, {itemCount - 1}] (item_context.csv lists {itemCount} items)");
            }

            var position = t.Int(c[3]);
            if (position < 1)
            {
                throw t.Bad(c[3], t.Text(c[3]), "a slot position >= 1");
            }

            var propensity = t.Double(c[5]);
            if (!(propensity > 0 && propensity <= 1))
            {
                throw t.Bad(c[5], t.Text(c[5]), "a propensity in (0, 1]");
            }

            var aff = new double[affinity.Count];
            for (var j = 0; j < aff.Length; j++)
            {
                aff[j] = t.Double(affinity[j]);
            }

            rows.Add(new OpenBanditRow(
                t.Int(c[0]),
                Instant.FromDateTimeOffset(when),
                item,
                position,
                t.Flag(c[4]),
                propensity,
                [t.Text(c[6]), t.Text(c[7]), t.Text(c[8]), t.Text(c[9])],
                aff));
        }

        return rows;
    }
}
