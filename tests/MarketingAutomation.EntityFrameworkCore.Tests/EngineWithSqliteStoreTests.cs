using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>The engine end to end on the EF Core store: decide, dispatch, feedback, and everything read back from the file.</summary>
public sealed class EngineWithSqliteStoreTests : IDisposable
{
    private static readonly Instant Start = Instant.FromUtc(2026, 1, 5, 9, 0);
    private readonly SqliteTempDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_welcome_email_is_decided_sent_and_recorded_and_an_unsubscribe_stops_the_sequence()
    {
        var clock = new FakeClock(Start);
        var email = new RecordingChannel("email", ChannelKind.Email, clock) { Capabilities = new ChannelCapabilities { SupportsSubject = true } };
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(clock);
        services.AddMarketingAutomation(o => o.Dispatch.ImmediateRetries = 0)
            .UseEntityFrameworkCoreStore(o => o.UseSqlite(_database.ConnectionString))
            .AddRecordingChannel(email)
            .AddWelcomeSequence()
            .AddConsentPolicy()
            .UseGoalPriorityStrategy();
        await using var provider = services.BuildServiceProvider();
        var agent = provider.GetRequiredService<MarketingAgent>();
        var customer = new Customer("cust-001")
        {
            TimeZoneId = "Europe/Berlin",
            SignedUpAt = Start - Duration.FromHours(1),
            ContactPoints = [new ContactPoint(ChannelKind.Email, "ana@example.com")],
            Consents = [new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, Start - Duration.FromHours(1))],
        };

        var import = await agent.ImportCustomersAsync([customer], Ct);
        Assert.Empty(import.Errors);
        await agent.RunOnceAsync(Start, Ct);

        Assert.Single(email.Accepted);
        var store = provider.GetRequiredService<EntityFrameworkCoreCustomerStore>();
        var stored = await store.GetCustomerAsync("cust-001", Ct);
        var message = Assert.Single(stored!.Messages);
        Assert.Equal(MessageStatus.Sent, message.Status);
        Assert.Equal(OutboxStatus.Sent, (await store.GetOutboxMessageAsync(message.MessageId, Ct))!.Status);
        var trace = await store.GetTraceAsync(message.DecisionId, Ct);
        Assert.NotNull(trace);
        Assert.Equal(DecisionOutcome.Send, trace.Outcome);

        await agent.IngestAsync([new MessageEvent("unsub-1", "cust-001", Start + Duration.FromHours(1), message.DecisionId, MessageEventKind.Unsubscribed) { Channel = ChannelKind.Email }], Ct);
        for (var day = 1; day <= 7; day++)
        {
            clock.Reset(Start + Duration.FromDays(day));
            await agent.RunOnceAsync(clock.GetCurrentInstant(), Ct);
        }

        Assert.Single(email.Accepted); // without the unsubscribe, the sequence sends on days 2 and 5 too
        var after = await store.GetCustomerAsync("cust-001", Ct);
        Assert.Equal(ConsentStatus.Revoked, after!.Customer.ConsentFor(ChannelKind.Email, MessagePurpose.Marketing)?.Status);
    }
}
