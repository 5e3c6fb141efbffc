using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Validation;

public sealed class CustomerImporterTests
{
    private const string BadEmail = "grace.hopper@@navy.example";
    private const string BadPhone = "+1 202 555 0147";
    private const string InvalidPhone = "+10005550147";

    private static ServiceProvider Services() =>
        EngineServices.Build(b => b.WithDefaults().AddWelcomeSequence(), services: s => s.AddLogging(l => l.AddFakeLogging()));

    private static Customer[] MixedBatch() =>
    [
        Reachable("ok-0"),
        Reachable("bad-email") with { ContactPoints = [new ContactPoint(ChannelKind.Email, BadEmail)] },
        null!,
        Reachable("ok-3"),
        Reachable("bad-zone") with { TimeZoneId = "Europe/Atlantis" },
        Reachable("bad-phone") with { ContactPoints = [new ContactPoint(ChannelKind.Email, Email), new ContactPoint(ChannelKind.Sms, BadPhone)] },
        Reachable("invalid-phone") with { ContactPoints = [new ContactPoint(ChannelKind.Sms, InvalidPhone)] },
        Reachable("bad-language") with { Language = "English" },
        Reachable("refund") with { Purchases = [Purchase("o-1", Now, -20m)] },
        new Customer(string.Empty) { ContactPoints = [new ContactPoint(ChannelKind.Email, Email)] },
        Reachable("ok-10"),
    ];

    [Fact]
    public async Task ImportCustomersAsync_MixedBatch_ImportsValidOnesAndReportsEachBadOne()
    {
        using var services = Services();
        var agent = services.GetRequiredService<MarketingAgent>();
        var store = services.GetRequiredService<InMemoryCustomerStore>();

        var report = await agent.ImportCustomersAsync(MixedBatch(), TestContext.Current.CancellationToken);

        Assert.Equal(3, report.Imported);
        Assert.Equal(0, report.Unchanged);
        Assert.Equal(3, store.Count);
        Assert.Equal(["ok-0", "ok-10", "ok-3"], store.CustomerIds);
        Assert.Equal([1, 2, 4, 5, 6, 7, 8, 9], report.Errors.Select(e => e.Index));
        Assert.Equal(["bad-email", null, "bad-zone", "bad-phone", "invalid-phone", "bad-language", "refund", null], report.Errors.Select(e => e.CustomerId));
    }

    [Theory]
    [InlineData(1, "ContactPoints[0].Address", "name@domain.tld")]
    [InlineData(2, "(customer)", "remove the entry")]
    [InlineData(4, "TimeZoneId", "Europe/Berlin")]
    [InlineData(5, "ContactPoints[1].Address", "E.164")]
    [InlineData(6, "ContactPoints[0].Address", "+14155550100")]
    [InlineData(7, "Language", "BCP 47")]
    [InlineData(8, "Purchases[0].Amount", "refunds")]
    [InlineData(9, "Id", "stable id")]
    public async Task ImportCustomersAsync_BadCustomer_ReportsFieldPathAndFix(int index, string field, string fix)
    {
        using var services = Services();

        var report = await services.GetRequiredService<CustomerImporter>().ImportAsync(MixedBatch(), TestContext.Current.CancellationToken);

        var error = Assert.Single(report.Errors, e => e.Index == index);
        var fieldError = Assert.Single(error.Errors);
        Assert.Equal(field, fieldError.Field);
        Assert.Contains(fix, fieldError.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportCustomersAsync_Rejections_NeverContainTheAddressOrNumber()
    {
        using var services = Services();

        var report = await services.GetRequiredService<CustomerImporter>().ImportAsync(MixedBatch(), TestContext.Current.CancellationToken);

        var text = string.Join(Environment.NewLine, report.Errors.Select(e => e.ToString()));
        Assert.Contains("ContactPoints[0].Address", text, StringComparison.Ordinal);
        foreach (var secret in new[] { BadEmail, BadPhone, InvalidPhone, Email })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ImportCustomersAsync_Rejections_AreLoggedWithoutPersonalData()
    {
        using var services = Services();

        await services.GetRequiredService<CustomerImporter>().ImportAsync(MixedBatch(), TestContext.Current.CancellationToken);

        var rejections = services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 1003).ToList();
        Assert.Equal(7, rejections.Count); // the null entry is reported but has nothing to log
        Assert.All(rejections, r => Assert.Equal(LogLevel.Warning, r.Level));
        Assert.Contains(rejections, r => r.Message.Contains("bad-email", StringComparison.Ordinal) && r.Message.Contains("ContactPoints[0].Address", StringComparison.Ordinal));
        foreach (var record in services.GetFakeLogCollector().GetSnapshot())
        {
            Assert.DoesNotContain(BadEmail, record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(BadPhone, record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(InvalidPhone, record.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ImportCustomersAsync_ImportedCustomers_AreDueNow()
    {
        using var services = Services();
        var store = services.GetRequiredService<InMemoryCustomerStore>();

        await services.GetRequiredService<CustomerImporter>().ImportAsync([Reachable("a"), Reachable("b")], TestContext.Current.CancellationToken);

        var due = await store.GetDueCustomersAsync(Now, null, 10, TestContext.Current.CancellationToken);
        var notYet = await store.GetDueCustomersAsync(Now - Duration.Epsilon, null, 10, TestContext.Current.CancellationToken);
        Assert.Equal(["a", "b"], due.Customers.Select(c => c.Id));
        Assert.All(due.Customers, c => Assert.Equal(Now, c.NextEvaluationAt));
        Assert.Empty(notYet.Customers);
    }

    [Fact]
    public async Task ImportCustomersAsync_SameFactsAgain_CountsAsUnchanged()
    {
        using var services = Services();
        var importer = services.GetRequiredService<CustomerImporter>();
        Customer[] batch = [Reachable("a"), Reachable("b")];

        await importer.ImportAsync(batch, TestContext.Current.CancellationToken);
        var again = await importer.ImportAsync([batch[0], batch[1] with { Language = "de" }], TestContext.Current.CancellationToken);

        Assert.Equal(1, again.Imported);
        Assert.Equal(1, again.Unchanged);
        Assert.Empty(again.Errors);
    }

    [Fact]
    public async Task ImportCustomersAsync_OnlyBadCustomers_StoresNothing()
    {
        using var services = Services();

        var report = await services.GetRequiredService<CustomerImporter>().ImportAsync([null, new Customer(" ")], TestContext.Current.CancellationToken);

        Assert.Equal(0, report.Imported);
        Assert.Equal(2, report.Errors.Count);
        Assert.Equal(0, services.GetRequiredService<InMemoryCustomerStore>().Count);
    }

    [Fact]
    public async Task ImportCustomersAsync_MoreThanOneChunk_ImportsEveryValidCustomer()
    {
        using var services = Services();
        var batch = Enumerable.Range(0, 2501).Select(i => i % 500 == 7 ? null : Reachable($"c{i:D5}")).ToList();

        var report = await services.GetRequiredService<CustomerImporter>().ImportAsync(batch, TestContext.Current.CancellationToken);

        Assert.Equal(2496, report.Imported);
        Assert.Equal([7, 507, 1007, 1507, 2007], report.Errors.Select(e => e.Index));
        Assert.Equal(2496, services.GetRequiredService<InMemoryCustomerStore>().Count);
    }

    [Fact]
    public async Task ImportCustomersAsync_UninitializedCollection_IsReportedAndTheBatchGoesOn()
    {
        using var services = Services();

        var report = await services.GetRequiredService<CustomerImporter>().ImportAsync(
            [Reachable("broken") with { ContactPoints = default }, Reachable("ok")],
            TestContext.Current.CancellationToken);

        var error = Assert.Single(report.Errors);
        Assert.Equal(0, error.Index);
        Assert.Equal("broken", error.CustomerId);
        Assert.Equal(1, report.Imported);
        Assert.Equal(["ok"], services.GetRequiredService<InMemoryCustomerStore>().CustomerIds);
    }

    [Fact]
    public async Task ImportAsync_NullSequence_Throws()
    {
        using var services = Services();

        await Assert.ThrowsAsync<ArgumentNullException>(() => services.GetRequiredService<CustomerImporter>().ImportAsync(null!, TestContext.Current.CancellationToken));
    }
}
