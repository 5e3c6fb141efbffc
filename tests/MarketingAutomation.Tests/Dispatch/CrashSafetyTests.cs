using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Shared;

namespace MarketingAutomation.Tests.Dispatch;

/// <summary>
/// Crash-point injection on the in-memory reference store (RL-01 test sketch, RL-04 chaos strategies, reliability figure 2): agent
/// instances killed at every boundary of decide -> commit -> claim -> send -> record, each followed by a new instance; the raw ledger
/// of provider calls must show no message sent twice and no message lost. The same harness runs on a SQLite file in the EF Core tests.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ten_thousand_crashes_at_every_step_boundary_send_no_message_twice_and_lose_none()
    {
        var store = new InMemoryCustomerStore();
        var harness = new CrashHarness(() => store);

        var report = await harness.RunAsync(10_000, seed: 6, Ct);
        output.WriteLine(report.ToString());
        CrashAssertions.Publish(report, "in-memory");

        CrashAssertions.Holds(report, 10_000);
    }

    /// <summary>
    /// The check can fail: with a store view that loses the "taken over" flag, the dispatcher re-sends rows whose earlier attempt
    /// reached the provider, and the ledger counts the duplicates.
    /// </summary>
    [Fact]
    public async Task The_duplicate_count_catches_a_dispatcher_that_resends_taken_over_rows_blindly()
    {
        var store = new InMemoryCustomerStore();
        var harness = new CrashHarness(() => store) { ForgetReclaimed = true };

        var report = await harness.RunAsync(500, seed: 6, Ct);
        output.WriteLine(report.ToString());
        CrashAssertions.Publish(report, "in-memory, mutation (flag dropped)");

        Assert.NotEmpty(report.Duplicates);
        Assert.True(report.CrashesByPoint[CrashPoint.AfterSend] > 0);
    }
}
