namespace MarketingAutomation.Simulation;

/// <summary>The randomised arm of the Hillstrom e-mail test (also the action index used by <see cref="RealDataEvaluation"/>).</summary>
public enum HillstromArm
{
    /// <summary>"Mens E-Mail".</summary>
    MensEmail = 0,

    /// <summary>"Womens E-Mail".</summary>
    WomensEmail = 1,

    /// <summary>"No E-Mail" (control).</summary>
    NoEmail = 2,
}

/// <summary>One customer of the Hillstrom (MineThatData, 2008) e-mail test.</summary>
/// <param name="Recency">Months since last purchase (1-12).</param>
/// <param name="HistorySegment">Spend band, e.g. "6) $750 - $1,000".</param>
/// <param name="History">Dollars spent in the past year.</param>
/// <param name="Mens">Bought men's merchandise in the past year.</param>
/// <param name="Womens">Bought women's merchandise in the past year.</param>
/// <param name="ZipCode">"Urban", "Surburban" (sic) or "Rural".</param>
/// <param name="Newbie">New customer in the past twelve months.</param>
/// <param name="Channel">"Phone", "Web" or "Multichannel".</param>
/// <param name="Segment">The randomised arm.</param>
/// <param name="Visit">Visited the site in the following two weeks.</param>
/// <param name="Conversion">Bought in the following two weeks.</param>
/// <param name="Spend">Dollars spent in the following two weeks.</param>
public sealed record HillstromRow(
    int Recency,
    string HistorySegment,
    double History,
    bool Mens,
    bool Womens,
    string ZipCode,
    bool Newbie,
    string Channel,
    HillstromArm Segment,
    bool Visit,
    bool Conversion,
    double Spend);

/// <summary>
/// Loads the Hillstrom e-mail test CSV (header; columns recency, history_segment, history, mens, womens, zip_code, newbie,
/// channel, segment, visit, conversion, spend; quoted values may contain commas). Takes a path: the data stays outside
/// the repository.
/// </summary>
public static class HillstromLoader
{
    /// <summary>The columns the loader needs (any order; extra columns are ignored).</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel", "segment", "visit", "conversion", "spend"];

    /// <summary>Reads every row.</summary>
    /// <param name="path">The CSV path, e.g. <c>../shared/data/hillstrom/hillstrom.csv</c>.</param>
    /// <returns>The rows in file order.</returns>
    /// <exception cref="DataFormatException">A missing header column, a wrong column count or an unparsable value (naming file, line, column).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyList<HillstromRow> Load(string path)
    {
        using var t = new CsvTable(path);
        var c = new int[Columns.Count];
        for (var i = 0; i < c.Length; i++)
        {
            c[i] = t.Column(Columns[i]);
        }

        var rows = new List<HillstromRow>(64_000);
        while (t.Read())
        {
            var segment = t.Text(c[8]) switch
            {
                "Mens E-Mail" => HillstromArm.MensEmail,
                "Womens E-Mail" => HillstromArm.WomensEmail,
                "No E-Mail" => HillstromArm.NoEmail,
                var s => throw t.Bad(c[8], s, "one of 'Mens E-Mail', 'Womens E-Mail', 'No E-Mail'"),
            };
            rows.Add(new HillstromRow(
                t.Int(c[0]),
                t.Text(c[1]),
                t.Double(c[2]),
                t.Flag(c[3]),
                t.Flag(c[4]),
                t.Text(c[5]),
                t.Flag(c[6]),
                t.Text(c[7]),
                segment,
                t.Flag(c[9]),
                t.Flag(c[10]),
                t.Double(c[11])));
        }

        return rows;
    }
}
