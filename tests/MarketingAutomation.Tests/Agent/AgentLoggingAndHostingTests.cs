using MarketingAutomation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Agent;

/// <summary>What the agent logs about failures, and the agent as a hosted service.</summary>
public sealed class AgentLoggingAndHostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failed_evaluation_is_logged_as_a_warning_naming_the_customer()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal { ThrowFor = "c-bad" }), services: s => s.AddLogging(l => l.AddFakeLogging()));
        await t.ImportAsync(WithEmail("c-1"), WithEmail("c-bad"));

        await t.RunAsync();

        var record = Assert.Single(t.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1002);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal("c-bad", record.GetStructuredStateValue("CustomerId"));
        var tick = Assert.Single(t.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1000);
        Assert.Equal("1", tick.GetStructuredStateValue("Errors"));
    }

    [Fact]
    public async Task A_failed_evaluation_logs_only_the_exception_type()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal { ThrowFor = "c-bad" }), services: s => s.AddLogging(l => l.AddFakeLogging()));
        await t.ImportAsync(WithEmail("c-bad"));

        await t.RunAsync();

        var record = Assert.Single(t.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1002);
        Assert.Equal(nameof(InvalidOperationException), record.GetStructuredStateValue("ExceptionType"));
    }

    [Fact]
    public async Task A_failed_composition_is_logged()
    {
        await using var t = TestAgent.Create(
            b => b.AddGoal(new ProbeGoal()).SetContentComposer(new FailingComposer("c-bad")),
            services: s => s.AddLogging(l => l.AddFakeLogging()));
        await t.ImportAsync(WithEmail("c-bad"));

        var tick = await t.RunAsync();

        Assert.Equal(1, tick.Decide.Errors);
        var logged = t.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.Contains(logged, r => r.GetStructuredStateValue("CustomerId") == "c-bad");
    }

    [Fact]
    public async Task Logs_never_carry_addresses_or_bodies_at_information_and_above()
    {
        await using var t = TestAgent.Create(
            b => b.AddGoal(new ProbeGoal { ThrowFor = "c-bad" }).AddConsentPolicy(),
            services: s => s.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddFakeLogging()));
        t.Sms.Behavior = (_, _) => SendResult.Rejected(permanent: true, "unknown subscriber");
        await t.ImportAsync(WithEmail("c-1"), WithEmail("c-bad"), WithoutConsent("c-3").AndSms());

        await t.RunAsync();
        await t.RunAtAsync(TestAgent.Start + Duration.FromDays(1));

        var records = t.Services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(records);
        foreach (var record in records.Where(r => r.Level >= LogLevel.Information))
        {
            Assert.DoesNotContain("@example.com", record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("+1415555", record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Hello from the probe goal", record.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_provider_reason_quoting_the_address_is_logged_only_at_trace_with_sensitive_data_on()
    {
        foreach (var sensitive in new[] { false, true })
        {
            await using var t = TestAgent.Create(
                b => b.AddGoal(new ProbeGoal()),
                o => o.EnableSensitiveData = sensitive,
                services: s => s.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddFakeLogging()));
            t.Email.Behavior = (m, _) => SendResult.Rejected(permanent: true, $"550 5.1.1 <{m.Recipient}>: user unknown");
            await t.ImportAsync(WithEmail("c-1"));

            await t.RunAsync();

            var records = t.Services.GetFakeLogCollector().GetSnapshot();
            var failed = Assert.Single(records, r => r.Id.Id == 1012);
            Assert.DoesNotContain("@example.com", failed.Message, StringComparison.Ordinal);
            var quoting = records.Where(r => r.Message.Contains("@example.com", StringComparison.Ordinal)).ToList();
            Assert.All(quoting, r => Assert.Equal(LogLevel.Trace, r.Level));
            Assert.Equal(sensitive, quoting.Any(r => r.Id.Id == 1016));
        }
    }

    [Fact]
    public async Task As_a_hosted_service_the_agent_ticks_on_its_own_and_stops_cleanly()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()), o => o.PollInterval = TimeSpan.FromMilliseconds(20));
        await t.ImportAsync(WithEmail("c-1"));
        var hosted = Assert.Single(t.Services.GetServices<IHostedService>());

        await hosted.StartAsync(Ct);
        await WaitUntilSentAsync(t).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await hosted.StopAsync(Ct);

        var send = Assert.Single(t.Email.Sends);
        Assert.Equal("c-1", send.Message.CustomerId);
        Assert.Equal(OutboxStatus.Sent, Assert.Single(t.Store.OutboxSnapshot()).Status);
    }

    private static async Task WaitUntilSentAsync(TestAgent t)
    {
        while (t.Store.OutboxSnapshot() is not [{ Status: OutboxStatus.Sent }])
        {
            await Task.Delay(10, Ct);
        }
    }
}
