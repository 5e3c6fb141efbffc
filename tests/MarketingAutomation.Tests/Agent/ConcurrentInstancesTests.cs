using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Agent;

/// <summary>
/// Two agent instances on one store: a decision made from a customer that another instance changed before the commit is superseded,
/// so the cap holds (issue 6, "across instances"; the two-process PostgreSQL race is in the EF Core tests).
/// </summary>
public sealed class ConcurrentInstancesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_instance_that_decided_from_a_stale_page_commits_nothing_and_the_cap_holds()
    {
        var goal = new ProbeGoal { ProposeWhen = ProbeGoal.Always, Wake = (_, at) => at + Duration.FromHours(1) };
        await using var b = TestAgent.Create(x => x.AddGoal(goal).AddFrequencyCap(1, Duration.FromDays(1)));
        var shared = new InterleavingStore(b.Store);
        var emailA = new RecordingChannel("email", ChannelKind.Email, b.Clock) { Capabilities = new ChannelCapabilities { SupportsSubject = true } };
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(b.Clock);
        services.AddMarketingAutomation(o => o.Dispatch.ImmediateRetries = 0)
            .SetCustomerStore(_ => shared)
            .SetReviewQueue(_ => shared)
            .AddRecordingChannel(emailA)
            .AddGoal(_ => goal)
            .AddFrequencyCap(1, Duration.FromDays(1))
            .UseGoalPriorityStrategy();
        await using var providerA = services.BuildServiceProvider();
        var a = providerA.GetRequiredService<MarketingAgent>();
        var ids = Enumerable.Range(0, 40).Select(i => $"c-{i:D3}").ToArray();
        await b.ImportAsync([.. ids.Select(id => WithEmail(id))]);
        var now = TestAgent.Start;

        // A reads the due page; B decides, commits and sends for the same customers; then A decides from what it read.
        shared.Interleave = async () => await b.Agent.RunOnceAsync(now, Ct);
        var stale = await a.RunOnceAsync(now, Ct);

        Assert.Equal(40, stale.Decide.Evaluated);
        Assert.Equal(40, stale.Decide.Superseded);
        Assert.Equal(0, stale.Decide.Scheduled);
        Assert.Empty(emailA.Sends);
        Assert.Equal(40, b.Email.Accepted.Count);
        Assert.Equal(40, b.Store.OutboxSnapshot().Count);

        // An hour later (the goal asks to be woken), A decides from the current state: the cap holds everyone.
        var fresh = await a.RunOnceAsync(now + Duration.FromHours(1), Ct);
        Assert.Equal(40, fresh.Decide.Evaluated);
        Assert.Equal(0, fresh.Decide.Superseded);
        Assert.Equal(0, fresh.Decide.Scheduled);
        Assert.Empty(emailA.Sends);
        Assert.All(ids, id => Assert.Single(b.Store.OutboxSnapshot(), r => r.Message.CustomerId == id));
    }
}
