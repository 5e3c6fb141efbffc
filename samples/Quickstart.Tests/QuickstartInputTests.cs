using Quickstart;

namespace Quickstart.Tests;

/// <summary>Bad input to the Quickstart gets a clear message naming the problem (issue 7); bad CSV rows are listed with line
/// numbers while the good rows are imported.</summary>
public sealed class QuickstartInputTests
{
    [Fact]
    public void No_flags_give_the_defaults()
    {
        var options = QuickstartOptions.Parse([], TextWriter.Null);

        Assert.Equal(new QuickstartOptions { Customers = 2000, Days = 30, Seed = 42, Out = "quickstart-output" }, options);
    }

    [Fact]
    public void Every_flag_is_read()
    {
        var options = QuickstartOptions.Parse(["--customers", "300", "--days", "5", "--seed", "7", "--out", "x", "--csv", "c.csv"], TextWriter.Null);

        Assert.Equal(new QuickstartOptions { Customers = 300, Days = 5, Seed = 7, Out = "x", Csv = "c.csv" }, options);
        Assert.True(QuickstartOptions.Parse(["--help"], TextWriter.Null)!.Help);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "Unknown option '--bogus'")]
    [InlineData(new[] { "--customers", "-5" }, "--customers must be a whole number from 1 to 200,000, not '-5'")]
    [InlineData(new[] { "--customers", "many" }, "--customers must be a whole number")]
    [InlineData(new[] { "--days", "0" }, "--days must be a whole number from 1 to 365, not '0'")]
    [InlineData(new[] { "--seed" }, "--seed needs a value")]
    public void Bad_flags_are_refused_with_a_message_naming_the_problem(string[] args, string expected)
    {
        var error = new StringWriter();

        Assert.Null(QuickstartOptions.Parse(args, error));
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_csv_is_named_with_the_reason()
    {
        var error = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "customers.csv");

        Assert.Null(await CsvCustomers.ImportAsync(missing, TextWriter.Null, error));
        Assert.Contains("--csv: cannot read", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(missing, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_csv_rows_are_listed_with_line_numbers_and_good_rows_are_imported()
    {
        var path = Path.Combine(Path.GetTempPath(), "quickstart-" + Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllLinesAsync(path,
        [
            "id,email,time_zone,email_consent,consent_at",
            "c1,ana@example.com,Europe/Berlin,express,2026-01-05T09:00:00Z",
            "c2,not-an-address,Europe/Berlin,express,2026-01-05T09:00:00Z",
            "c3,bo@example.com,Mars/Olympus_Mons,express,2026-01-05T09:00:00Z",
            "c4,cy@example.com,America/New_York,express,2026-01-05T09:00:00Z",
        ], TestContext.Current.CancellationToken);
        try
        {
            var output = new StringWriter();

            var error = new StringWriter();
            var customers = await CsvCustomers.ImportAsync(path, output, error);
            Assert.True(customers is not null, output + " | " + error);

            Assert.NotNull(customers);
            Assert.Equal(["c1", "c4"], customers.Select(c => c.Id).Order(StringComparer.Ordinal));
            var report = output.ToString();
            Assert.Contains("2 imported, 2 rejected", report, StringComparison.Ordinal);
            Assert.Contains("line 3 (c2) email", report, StringComparison.Ordinal);
            Assert.Contains("line 4 (c3) time_zone", report, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_csv_without_a_single_good_row_is_refused()
    {
        var path = Path.Combine(Path.GetTempPath(), "quickstart-" + Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllLinesAsync(path, ["id,email", ",nobody@example.com"], TestContext.Current.CancellationToken);
        try
        {
            var error = new StringWriter();

            Assert.Null(await CsvCustomers.ImportAsync(path, TextWriter.Null, error));
            Assert.Contains("has no valid customer row", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
