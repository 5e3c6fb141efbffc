using System.Globalization;
using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Agent;

/// <summary>The hosted agent when its store is down: a clear error at startup; backoff, logs and a clean resume mid-run.</summary>
public sealed class StoreOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_store_that_is_down_at_startup_stops_the_host_with_a_message_naming_the_store_and_the_fix()
    {
        OutageStore? outage = null;
        await using var t = TestAgent.Create(
            b => b.AddGoal(new ProbeGoal()).SetCustomerStore(sp => outage = new OutageStore(sp.GetRequiredService<InMemoryCustomerStore>()) { IsDown = true }),
            services: s => s.AddLogging(l => l.AddFakeLogging()));
        var hosted = Assert.Single(t.Services.GetServices<IHostedService>());

        var ex = await Assert.ThrowsAsync<MarketingAutomationException>(() => hosted.StartAsync(Ct));

        Assert.Contains("OutageStore", ex.Message, StringComparison.Ordinal);
        Assert.Contains("could not be read at startup", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Fix:", ex.Message, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(ex.InnerException);
        var logged = Assert.Single(t.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1006);
        Assert.Equal(LogLevel.Critical, logged.Level);
        Assert.Equal("OutageStore", logged.GetStructuredStateValue("Store"));
        Assert.Empty(t.Email.Sends);
    }

    [Fact]
    public async Task When_the_store_drops_mid_run_the_agent_backs_off_with_growing_capped_delays_and_resumes_without_loss()
    {
        var pollInterval = TimeSpan.FromMilliseconds(20);
        var cap = TimeSpan.FromMilliseconds(320);
        OutageStore? outage = null;
        await using var t = TestAgent.Create(
            b => b.AddGoal(new ProbeGoal()).SetCustomerStore(sp => outage = new OutageStore(sp.GetRequiredService<InMemoryCustomerStore>())),
            o =>
            {
                o.PollInterval = pollInterval;
                o.MaxFailureBackoff = cap;
            },
            services: s => s.AddLogging(l => l.AddFakeLogging()));
        await t.ImportAsync(WithEmail("c-1"));
        var hosted = Assert.Single(t.Services.GetServices<IHostedService>());
        var logs = t.Services.GetFakeLogCollector();

        await hosted.StartAsync(Ct);
        await WaitUntilAsync(() => t.Store.OutboxSnapshot() is [{ Status: OutboxStatus.Sent }]);
        outage!.IsDown = true;
        await WaitUntilAsync(() => logs.GetSnapshot().Count(r => r.Id.Id == 1001) >= 8);
        await t.Store.UpsertCustomersAsync([WithEmail("c-2"), WithEmail("c-3")], t.Now, Ct); // written by another app while the agent cannot reach the store
        outage.IsDown = false;
        await WaitUntilAsync(() => t.Store.OutboxSnapshot().Count(r => r.Status == OutboxStatus.Sent) == 3 && logs.GetSnapshot().Any(r => r.Id.Id == 1005));
        await hosted.StopAsync(Ct);

        var failures = logs.GetSnapshot().Where(r => r.Id.Id == 1001).ToList();
        Assert.All(failures, r => Assert.Equal(nameof(TimeoutException), r.GetStructuredStateValue("ExceptionType")));
        Assert.Equal(Enumerable.Range(1, failures.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)), failures.Select(r => r.GetStructuredStateValue("Failures")));
        var delays = failures.Select(r => TimeSpan.Parse(r.GetStructuredStateValue("RetryDelay")!, CultureInfo.InvariantCulture)).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, cap));
        Assert.True(delays.Skip(4).Average(d => d.TotalMilliseconds) > 4 * pollInterval.TotalMilliseconds, string.Join(", ", delays)); // it grows
        Assert.True(delays.Skip(6).Max() >= cap / 2, string.Join(", ", delays)); // and reaches the cap region
        var recovered = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 1005);
        Assert.Equal(failures.Count.ToString(CultureInfo.InvariantCulture), recovered.GetStructuredStateValue("Failures"));

        // Nothing lost, nothing twice: one call per message in the channel's raw ledger, every customer sent to, every row sent.
        Assert.Equal(3, t.Email.Sends.Count);
        Assert.Equal(["c-1", "c-2", "c-3"], t.Email.Sends.Select(s => s.Message.CustomerId).Order(StringComparer.Ordinal));
        Assert.Equal(3, t.Email.Sends.Select(s => s.MessageId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(t.Store.OutboxSnapshot(), r => Assert.Equal(OutboxStatus.Sent, r.Status));
        Assert.True(outage.FailedCalls >= failures.Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
