using MarketingAutomation.Tests.Shared;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>
/// Crash-point injection on a real SQLite file through the EF Core store (RL-01 test sketch, RL-04 chaos strategies, reliability
/// figure 2): 10,000 agent instances killed at the boundaries of decide -> commit -> claim -> send -> record, each followed by a new
/// instance that opens the same file at a later clock. The raw ledger of provider calls shows no message sent twice, and every
/// committed message ends sent exactly once or in an explained terminal state.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    // A real file, in memory-backed storage where the machine has it (/dev/shm): the test is about process crashes, which a file
    // survives the same way there, and it spends its time on 10,000 restarts rather than on disk flushes.
    private readonly SqliteTempDatabase _database = new(System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Ten_thousand_crashes_at_every_step_boundary_on_a_sqlite_file_send_no_message_twice_and_lose_none()
    {
        var harness = new CrashHarness(() => _database.CreateStore());

        var report = await harness.RunAsync(10_000, seed: 6, Ct);
        output.WriteLine(report.ToString());
        CrashAssertions.Publish(report, "sqlite");

        CrashAssertions.Holds(report, 10_000);
    }
}
