using System.Text;
using MarketingAutomation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.Tests.Import;

public sealed class CustomerFileImporterTests
{
    private const string Header = "id,email,phone,country,time_zone,language,signed_up_at,email_consent,sms_consent,push_consent,consent_at,attributes.tier";

    private const string GoodCsv =
        Header + "\n" +
        "c-1,ada@example.com,+14155550100,,Europe/Berlin,en,2026-01-01T10:00:00Z,express,,,,gold\n" +
        "c-2,grace@example.com,(415) 555-0101,US,America/New_York,en-US,2026-01-02T10:00:00Z,soft_opt_in,express_written,,2026-01-03T00:00:00Z,\n" +
        "c-3,,,,,,,,,,,\n";

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    private static CustomerFileImporter Importer(TestAgent agent) => agent.Services.GetRequiredService<CustomerFileImporter>();

    [Fact]
    public async Task ImportCsvAsync_GoodFile_ImportsAllRows()
    {
        await using var agent = TestAgent.Create(b => b.AddWelcomeSequence());
        var report = await Importer(agent).ImportCsvAsync(Utf8(GoodCsv), ct: TestContext.Current.CancellationToken);

        Assert.Equal(3, report.RowsRead);
        Assert.Equal(3, report.Imported);
        Assert.Equal(0, report.Rejected);
        Assert.Empty(report.Errors);
        var c2 = (await agent.Store.GetCustomerAsync("c-2", TestContext.Current.CancellationToken))!.Customer;
        Assert.Equal("+14155550101", c2.FindContact(ChannelKind.Sms)!.Address);
        Assert.Equal(ConsentBasis.ExpressWritten, c2.ConsentFor(ChannelKind.Sms, MessagePurpose.Marketing)!.Basis);
        Assert.Equal(Instant.FromUtc(2026, 1, 3, 0, 0), c2.ConsentFor(ChannelKind.Email, MessagePurpose.Marketing)!.RecordedAt);
        var c1 = (await agent.Store.GetCustomerAsync("c-1", TestContext.Current.CancellationToken))!.Customer;
        Assert.Equal("gold", c1.Attributes["tier"]);
        Assert.Equal("Europe/Berlin", c1.TimeZoneId);
        Assert.Equal(ConsentBasis.Express, c1.ConsentFor(ChannelKind.Email, MessagePurpose.Marketing)!.Basis);
    }

    [Fact]
    public async Task ImportCsvAsync_BadRows_ReportsLineAndFieldAndImportsGoodRows()
    {
        await using var agent = TestAgent.Create(b => b.AddWelcomeSequence());
        var csv =
            Header + "\n" +                                                                       // 1
            "c-1,ada@example.com,,,Europe/Berlin,en,2026-01-01T10:00:00Z,express,,,,\n" +           // 2
            "c-2,bob@example.com,,,Europe/Berlin\n" +                                               // 3 malformed (column count)
            "c-3,carol@example.com,,,Europe/Atlantis,en,,,,,,\n" +                                  // 4 unknown time zone
            "c-4,dave@@example,,,,,,,,,,\n" +                                                       // 5 invalid e-mail
            "\"c-5\",\"eve@example.com\",,,,,\"2026-01-01\nT10:00:00Z\",,,,,\n" +                   // 6-7 unparsable date spanning two lines
            "c-6,frank@example.com,,,,,2026-01-01T10:00:00Z,,,,,\n" +                               // 8
            "c-1,ada@example.com,,,Europe/Paris,en,2026-01-01T10:00:00Z,express,,,,\n" +            // 9 conflicting duplicate of line 2
            "c-6,frank@example.com,,,,,2026-01-01T10:00:00Z,,,,,\n" +                               // 10 identical duplicate
            "c-7,gina@example.com,not-a-phone,,,,,,,,,\n";                                          // 11 invalid phone
        var report = await Importer(agent).ImportCsvAsync(Utf8(csv), new CustomerFileImportOptions { BatchSize = 2 }, ct: TestContext.Current.CancellationToken);

        Assert.Equal(9, report.RowsRead);
        Assert.Equal(2, report.Imported);
        Assert.Equal(1, report.Unchanged);
        Assert.Equal(6, report.Rejected);
        Assert.Contains(report.Errors, e => e is { Line: 3, CustomerId: "c-2", Field: "(row)" });
        Assert.Contains(report.Errors, e => e is { Line: 4, CustomerId: "c-3", Field: "time_zone" });
        Assert.Contains(report.Errors, e => e is { Line: 5, CustomerId: "c-4", Field: "email" });
        Assert.Contains(report.Errors, e => e is { Line: 6, CustomerId: "c-5", Field: "signed_up_at" });
        Assert.Contains(report.Errors, e => e is { Line: 9, CustomerId: "c-1", Field: "id" } && e.Reason.Contains("line 2", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e is { Line: 11, CustomerId: "c-7", Field: "phone" });
        Assert.Equal(6, report.Errors.Count);
        Assert.NotNull(await agent.Store.GetCustomerAsync("c-1", TestContext.Current.CancellationToken));
        Assert.NotNull(await agent.Store.GetCustomerAsync("c-6", TestContext.Current.CancellationToken));
        Assert.Null(await agent.Store.GetCustomerAsync("c-4", TestContext.Current.CancellationToken));
        Assert.Equal("Europe/Berlin", (await agent.Store.GetCustomerAsync("c-1", TestContext.Current.CancellationToken))!.Customer.TimeZoneId);
        foreach (var error in report.Errors)
        {
            foreach (var personal in (string[])["ada@example.com", "bob@example.com", "carol@example.com", "dave@@example", "eve@example.com", "gina@example.com", "not-a-phone"])
            {
                Assert.DoesNotContain(personal, error.ToString(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task ImportCsvAsync_SameFileTwice_IsIdempotent()
    {
        await using var agent = TestAgent.Create(b => b.AddWelcomeSequence());
        var importer = Importer(agent);
        var first = await importer.ImportCsvAsync(Utf8(GoodCsv), ct: TestContext.Current.CancellationToken);
        var second = await importer.ImportCsvAsync(Utf8(GoodCsv), ct: TestContext.Current.CancellationToken);

        Assert.Equal(3, first.Imported);
        Assert.Equal(0, second.Imported);
        Assert.Equal(3, second.Unchanged);
        Assert.Empty(second.Errors);
    }

    [Fact]
    public async Task ImportJsonAsync_OneBadElement_ReportsItsPositionAndImportsTheRest()
    {
        await using var agent = TestAgent.Create(b => b.AddWelcomeSequence());
        var json = """
            [
              { "id": "j-1", "email": "ada@example.com", "time_zone": "Europe/Berlin", "attributes": { "tier": "gold" } },
              { "id": "j-2", "email": "not an address" },
              { "id": "j-3", "signed_up_at": "2026-01-01T10:00:00Z", "email_consent": "express" }
            ]
            """;
        var report = await Importer(agent).ImportJsonAsync(Utf8(json), ct: TestContext.Current.CancellationToken);

        Assert.Equal(3, report.RowsRead);
        Assert.Equal(2, report.Imported);
        var error = Assert.Single(report.Errors);
        Assert.Equal(2, error.Line);
        Assert.Equal("j-2", error.CustomerId);
        Assert.Equal("email", error.Field);
        Assert.DoesNotContain("not an address", error.Reason, StringComparison.Ordinal);
        Assert.Equal("gold", (await agent.Store.GetCustomerAsync("j-1", TestContext.Current.CancellationToken))!.Customer.Attributes["tier"]);
    }

    [Fact]
    public async Task ImportCsvAsync_Progress_ReportedEveryIntervalAndAtTheEnd()
    {
        await using var agent = TestAgent.Create(b => b.AddWelcomeSequence());
        var sb = new StringBuilder("id,email\n");
        for (var i = 0; i < 25; i++)
        {
            sb.Append("p-").Append(i).Append(",p").Append(i).Append("@example.com\n");
        }

        var reports = new List<CustomerFileImportProgress>();
        var progress = new SynchronousProgress(reports);
        var report = await Importer(agent).ImportCsvAsync(Utf8(sb.ToString()), new CustomerFileImportOptions { BatchSize = 4, ProgressInterval = 10 }, progress, TestContext.Current.CancellationToken);

        Assert.Equal(25, report.Imported);
        Assert.Equal(3, reports.Count);
        Assert.Equal(10, reports[0].RowsRead);
        Assert.Equal(20, reports[1].RowsRead);
        Assert.Equal(new CustomerFileImportProgress(25, 25, 0, true), reports[2]);
    }

    [Fact]
    public async Task ImportCsvAsync_StreamThatThrows_GivesAClearIOException()
    {
        await using var agent = TestAgent.Create(b => b.AddWelcomeSequence());
        var ex = await Assert.ThrowsAsync<IOException>(() => Importer(agent).ImportCsvAsync(new ThrowingStream(), ct: TestContext.Current.CancellationToken));
        Assert.Contains("could not be read", ex.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(ex.InnerException);
    }

    [Fact]
    public async Task ImportPurchasesCsvAsync_AppendsPurchasesIdempotentlyAndRejectsNegativeAmounts()
    {
        await using var agent = TestAgent.Create(b => b.AddWelcomeSequence());
        var importer = Importer(agent);
        await importer.ImportCsvAsync(Utf8(GoodCsv), ct: TestContext.Current.CancellationToken);
        var csv =
            "customer_id,order_id,at,amount,currency\n" +
            "c-1,o-1,2026-01-04T10:00:00Z,19.99,EUR\n" +
            "c-1,o-2,2026-01-04T11:00:00Z,-5,\n" +
            "c-2,o-3,not-a-date,5,\n" +
            "c-2,o-4,2026-01-04T12:00:00Z,5,\n";

        var first = await importer.ImportPurchasesCsvAsync(Utf8(csv), ct: TestContext.Current.CancellationToken);
        var second = await importer.ImportPurchasesCsvAsync(Utf8(csv), ct: TestContext.Current.CancellationToken);

        Assert.Equal(4, first.RowsRead);
        Assert.Equal(2, first.Imported);
        Assert.Equal(2, first.Rejected);
        Assert.Contains(first.Errors, e => e is { Line: 3, CustomerId: "c-1", Field: "amount" });
        Assert.Contains(first.Errors, e => e is { Line: 4, CustomerId: "c-2", Field: "at" });
        Assert.Equal(0, second.Imported);
        Assert.Equal(2, second.Unchanged);
        var c1 = (await agent.Store.GetCustomerAsync("c-1", TestContext.Current.CancellationToken))!.Customer;
        var purchase = Assert.Single(c1.Purchases);
        Assert.Equal(19.99m, purchase.Amount);
        Assert.Equal("EUR", purchase.Currency);
    }

    private sealed class SynchronousProgress(List<CustomerFileImportProgress> reports) : IProgress<CustomerFileImportProgress>
    {
        public void Report(CustomerFileImportProgress value) => reports.Add(value);
    }

    private sealed class ThrowingStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("disk gone");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("disk gone");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new IOException("disk gone");

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
