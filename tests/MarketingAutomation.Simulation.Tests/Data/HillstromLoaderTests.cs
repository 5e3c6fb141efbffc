using MarketingAutomation.Simulation;

namespace MarketingAutomation.Simulation.Tests.Data;

public sealed class HillstromLoaderTests : IDisposable
{
    private readonly DataFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_crlf_without_final_newline_and_quoted_commas()
    {
        var path = _files.Write(
            "h.csv",
            DataFiles.HillstromHeader + "\r\n" +
            "10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0\r\n" +
            "6,\"6) $750 - $1,000\",829.08,1,1,Rural,1,Web,No E-Mail,1,1,34.5");
        var rows = HillstromLoader.Load(path);
        Assert.Equal(2, rows.Count);
        Assert.Equal(new HillstromRow(10, "2) $100 - $200", 142.44, true, false, "Surburban", false, "Phone", HillstromArm.WomensEmail, false, false, 0), rows[0]);
        Assert.Equal("6) $750 - $1,000", rows[1].HistorySegment);
        Assert.Equal(HillstromArm.NoEmail, rows[1].Segment);
        Assert.True(rows[1].Visit);
        Assert.Equal(34.5, rows[1].Spend);
    }

    [Fact]
    public void Reads_a_generated_file()
    {
        var rows = HillstromLoader.Load(_files.Hillstrom(3000, seed: 1));
        Assert.Equal(3000, rows.Count);
        Assert.Contains(rows, r => r.HistorySegment == "6) $750 - $1,000");
        Assert.All(rows, r => Assert.InRange(r.Recency, 1, 12));
    }

    [Fact]
    public void Wrong_column_count_names_file_and_line()
    {
        var path = _files.Write("bad.csv", DataFiles.HillstromHeader + "\r\n10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0\r\n6,6) $750 - $1,000,829.08,1,1,Rural,1,Web,No E-Mail,1,1,34.5");
        var ex = Assert.Throws<DataFormatException>(() => HillstromLoader.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.Equal(3, ex.Line);
        Assert.Contains("expected 12 columns", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_numeric_value_names_line_and_column()
    {
        var path = _files.Write("bad.csv", DataFiles.HillstromHeader + "\r\n10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0\r\n10,2) $100 - $200,abc,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0");
        var ex = Assert.Throws<DataFormatException>(() => HillstromLoader.Load(path));
        Assert.Equal(3, ex.Line);
        Assert.Equal("history", ex.Column);
        Assert.Contains("'abc'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_flag_and_unknown_arm_name_the_column()
    {
        var flag = _files.Write("flag.csv", DataFiles.HillstromHeader + "\r\n10,2) $100 - $200,142.44,2,0,Surburban,0,Phone,Womens E-Mail,0,0,0");
        Assert.Equal("mens", Assert.Throws<DataFormatException>(() => HillstromLoader.Load(flag)).Column);
        var arm = _files.Write("arm.csv", DataFiles.HillstromHeader + "\r\n10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Kids E-Mail,0,0,0");
        Assert.Equal("segment", Assert.Throws<DataFormatException>(() => HillstromLoader.Load(arm)).Column);
    }

    [Fact]
    public void Missing_header_column_names_it()
    {
        var path = _files.Write("bad.csv", "recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,conversion,spend\r\n10,x,1,1,0,Urban,0,Web,No E-Mail,0,0");
        var ex = Assert.Throws<DataFormatException>(() => HillstromLoader.Load(path));
        Assert.Equal(1, ex.Line);
        Assert.Equal("visit", ex.Column);
    }

    [Fact]
    public void Missing_file_and_empty_file()
    {
        Assert.Throws<FileNotFoundException>(() => HillstromLoader.Load(Path.Combine(_files.Root, "nope.csv")));
        var empty = _files.Write("empty.csv", string.Empty);
        Assert.Throws<DataFormatException>(() => HillstromLoader.Load(empty));
    }

    [Fact]
    public void Real_file_when_present()
    {
        var data = DataFiles.SharedData();
        var path = data is null ? null : Path.Combine(data, "hillstrom", "hillstrom.csv");
        if (path is null || !File.Exists(path))
        {
            Assert.Skip("Hillstrom data not found: set MA_DATA_DIR to the shared data folder (holding hillstrom/hillstrom.csv) to run this test.");
        }

        var rows = HillstromLoader.Load(path);
        Assert.Equal(64_000, rows.Count);
        Assert.Equal(0.14678, rows.Average(r => r.Visit ? 1.0 : 0.0), 5);
        Assert.Equal(0.00903, rows.Average(r => r.Conversion ? 1.0 : 0.0), 5);
        Assert.Equal(1.05091, rows.Average(r => r.Spend), 5);
        Assert.Equal(42_693, rows.Count(r => r.Segment != HillstromArm.MensEmail));
    }
}
