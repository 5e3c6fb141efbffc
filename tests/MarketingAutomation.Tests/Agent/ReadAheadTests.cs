using System.Collections.Concurrent;
using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Agent;

/// <summary><see cref="MarketingAutomationOptions.ReadAhead"/>: the next page is read while the current one commits, and a pass that
/// fails never leaves that read running.</summary>
public sealed class ReadAheadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_next_page_is_read_before_the_current_page_commits_only_with_read_ahead(bool readAhead)
    {
        var (agent, store, provider) = await CreateAsync(readAhead, failCommits: false);
        await using (provider)
        {
            var result = await agent.DecideDueAsync(TestAgent.Start, Ct);

            Assert.Equal(30, result.Evaluated);
            Assert.Equal(30, result.Scheduled);

            // Pages of 10: reads of pages 1-3 (and the empty 4th with the in-memory store's cursor), three commits.
            var log = store.Log.ToArray();
            var secondRead = Array.IndexOf(log, "read-start 2");
            var firstCommitEnd = Array.IndexOf(log, "commit-end 1");
            Assert.True(secondRead >= 0 && firstCommitEnd >= 0, string.Join(", ", log));
            Assert.Equal(readAhead, secondRead < firstCommitEnd);
        }
    }

    [Fact]
    public async Task A_failed_commit_ends_the_pass_with_its_error_after_the_read_ahead_finished()
    {
        var (agent, store, provider) = await CreateAsync(readAhead: true, failCommits: true);
        await using (provider)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => agent.DecideDueAsync(TestAgent.Start, Ct));

            Assert.Equal("commit failed", error.Message);
            var log = store.Log.ToArray();
            Assert.Contains("read-start 2", log);
            Assert.Contains("read-end 2", log);
            Assert.DoesNotContain("read-start 3", log);
        }
    }

    private static async Task<(MarketingAgent Agent, OrderingStore Store, ServiceProvider Provider)> CreateAsync(bool readAhead, bool failCommits)
    {
        var clock = new FakeClock(TestAgent.Start);
        var store = new OrderingStore(new InMemoryCustomerStore()) { FailCommits = failCommits };
        var email = new RecordingChannel("email", ChannelKind.Email, clock) { Capabilities = new ChannelCapabilities { SupportsSubject = true } };
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(clock);
        services.AddMarketingAutomation(o => (o.BatchSize, o.ReadAhead) = (10, readAhead))
            .SetCustomerStore(_ => store)
            .SetReviewQueue(_ => store)
            .AddRecordingChannel(email)
            .AddGoal(_ => new ProbeGoal { ProposeWhen = ProbeGoal.Always })
            .UseGoalPriorityStrategy();
        var provider = services.BuildServiceProvider();
        await store.UpsertCustomersAsync([.. Enumerable.Range(0, 30).Select(i => WithEmail($"c-{i:D2}"))], TestAgent.Start, Ct);
        return (provider.GetRequiredService<MarketingAgent>(), store, provider);
    }

    /// <summary>Logs when each page read and commit starts and ends; the first commit waits for the second read (at most 2 s).</summary>
    private sealed class OrderingStore(InMemoryCustomerStore inner) : DelegatingStore(inner)
    {
        private readonly TaskCompletionSource _secondReadStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;
        private int _commits;

        public ConcurrentQueue<string> Log { get; } = new();

        public bool FailCommits { get; init; }

        public override async ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default)
        {
            var page = Interlocked.Increment(ref _reads);
            Log.Enqueue($"read-start {page}");
            if (page == 2)
            {
                _secondReadStarted.TrySetResult();
            }

            await Task.Delay(page == 1 ? 0 : 50, cancellationToken);
            var batch = await Inner.GetDueCustomersAsync(dueBy, after, maxCount, cancellationToken);
            Log.Enqueue($"read-end {page}");
            return batch;
        }

        public override async ValueTask<DecisionCommitResult> CommitDecisionsAsync(IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default)
        {
            var commit = Interlocked.Increment(ref _commits);
            Log.Enqueue($"commit-start {commit}");

            // The first commit lasts until the second read has started, or 2 s: a read ahead (started on the thread pool, maybe late on
            // a busy machine) then always shows inside it, and without read ahead the second read cannot start before it ends.
            if (commit == 1)
            {
                await Task.WhenAny(_secondReadStarted.Task, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken));
            }

            if (FailCommits)
            {
                throw new InvalidOperationException("commit failed");
            }

            var result = await Inner.CommitDecisionsAsync(decisions, cancellationToken);
            Log.Enqueue($"commit-end {commit}");
            return result;
        }
    }
}
