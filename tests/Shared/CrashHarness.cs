using System.Diagnostics;
using MarketingAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Fault;

namespace MarketingAutomation.Tests.Shared;

/// <summary>The step boundaries of decide -> commit -> claim -> send -> record at which an agent instance is killed.</summary>
internal enum CrashPoint
{
    /// <summary>Decisions made in memory, not yet committed.</summary>
    AfterDecide = 0,

    /// <summary>Decision, trace and outbox row committed; nothing dispatched.</summary>
    AfterCommit = 1,

    /// <summary>Outbox rows claimed under a lease; nothing sent.</summary>
    AfterClaim = 2,

    /// <summary>The channel accepted the message; the outcome not recorded (the hard case).</summary>
    AfterSend = 3,

    /// <summary>The outcome recorded; the feedback event and the rest of the tick not done.</summary>
    AfterRecord = 4,
}

/// <summary>Thrown by the chaos fault strategy: the agent instance "dies" here.</summary>
internal sealed class SimulatedCrashException(CrashPoint point) : Exception($"simulated crash {point}")
{
    public CrashPoint Point { get; } = point;
}

/// <summary>
/// One agent instance's kill switch. Built on Polly's chaos fault strategy (Simmy, RL-04): at each boundary the instance passes through
/// <see cref="AtAsync"/>, and the strategy injects a <see cref="SimulatedCrashException"/> at the chosen boundary's n-th passage. From
/// then on the instance is dead: every store and channel call it makes throws before touching the database or the provider, as if the
/// process had gone away (whatever it had in memory is lost).
/// </summary>
internal sealed class CrashSwitch
{
    private static readonly ResiliencePropertyKey<CrashPoint> PointKey = new("crash-point");
    private readonly ResiliencePipeline _chaos;
    private readonly CrashPoint _target;
    private int _countdown;
    private volatile bool _dead;

    public CrashSwitch(CrashPoint target, int passages)
    {
        _target = target;
        _countdown = passages;
        _chaos = new ResiliencePipelineBuilder()
            .AddChaosFault(new ChaosFaultStrategyOptions
            {
                InjectionRate = 1.0,
                EnabledGenerator = args => ValueTask.FromResult(
                    !_dead && args.Context.Properties.GetValue(PointKey, CrashPoint.AfterDecide) == _target && Interlocked.Decrement(ref _countdown) == 0),
                FaultGenerator = args => ValueTask.FromResult<Exception?>(new SimulatedCrashException(args.Context.Properties.GetValue(PointKey, _target))),
                OnFaultInjected = _ =>
                {
                    _dead = true;
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Gets the boundary where this instance crashed, or null while it is alive.</summary>
    public CrashPoint? CrashedAt => _dead ? _target : null;

    public void ThrowIfDead()
    {
        if (_dead)
        {
            throw new SimulatedCrashException(_target);
        }
    }

    public async ValueTask AtAsync(CrashPoint point)
    {
        ThrowIfDead();
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            context.Properties.Set(PointKey, point);
            await _chaos.ExecuteAsync(static _ => ValueTask.CompletedTask, context).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}

/// <summary>A store seen through one agent instance: every call passes the instance's kill switch; commit, claim and complete are boundaries.</summary>
internal sealed class CrashingStore(ICustomerStore inner, CrashSwitch crash, CrashOracle oracle, bool forgetReclaimed) : ICustomerStore
{
    public async ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        return await inner.GetDueCustomersAsync(dueBy, after, maxCount, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CustomerContext?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        return await inner.GetCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> UpsertCustomersAsync(IReadOnlyList<Customer> customers, Instant dueAt, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        return await inner.UpsertCustomersAsync(customers, dueAt, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        return await inner.AppendEventsAsync(events, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<DecisionCommitResult> CommitDecisionsAsync(IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default)
    {
        await crash.AtAsync(CrashPoint.AfterDecide).ConfigureAwait(false);
        var result = await inner.CommitDecisionsAsync(decisions, cancellationToken).ConfigureAwait(false);
        oracle.Committed(decisions, result.Superseded);
        await crash.AtAsync(CrashPoint.AfterCommit).ConfigureAwait(false);
        return result;
    }

    public async ValueTask ScheduleAsync(ReadOnlyMemory<ScheduleUpdate> updates, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        await inner.ScheduleAsync(updates, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> SaveLearnedStatesAsync(IReadOnlyList<LearnedStateUpdate> updates, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        return await inner.SaveLearnedStatesAsync(updates, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(Instant now, int maxCount, string owner, Duration lease, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        var rows = await inner.ClaimOutboxAsync(now, maxCount, owner, lease, cancellationToken).ConfigureAwait(false);
        if (rows.Count > 0)
        {
            await crash.AtAsync(CrashPoint.AfterClaim).ConfigureAwait(false);
        }

        // The mutation check: a store that loses the "taken over" flag makes the dispatcher re-send blindly, which the ledger must catch.
        return forgetReclaimed ? [.. rows.Select(r => r with { Reclaimed = false })] : rows;
    }

    public async ValueTask<bool> CompleteOutboxAsync(OutboxCompletion completion, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        var applied = await inner.CompleteOutboxAsync(completion, cancellationToken).ConfigureAwait(false);
        await crash.AtAsync(CrashPoint.AfterRecord).ConfigureAwait(false);
        return applied;
    }

    public async ValueTask<bool> ResolveOutboxAsync(string messageId, OutboxStatus status, Instant at, string? providerMessageId = null, string? note = null, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        return await inner.ResolveOutboxAsync(messageId, status, at, providerMessageId, note, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<OutboxMessage?> GetOutboxMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        return await inner.GetOutboxMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<DecisionTrace?> GetTraceAsync(Guid decisionId, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        return await inner.GetTraceAsync(decisionId, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<DecisionTrace>> GetTracesAsync(string customerId, int maxCount, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        return await inner.GetTracesAsync(customerId, maxCount, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A channel seen through one agent instance: the provider (the recording channel's ledger) outlives the instance.</summary>
internal sealed class CrashingChannel(IChannel provider, CrashSwitch crash) : DelegatingChannel(provider)
{
    public override async ValueTask<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        crash.ThrowIfDead();
        var result = await Inner.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await crash.AtAsync(CrashPoint.AfterSend).ConfigureAwait(false);
        return result;
    }
}

/// <summary>What the test knows independently of the store: every outbox row whose commit returned (so is durable).</summary>
internal sealed class CrashOracle
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _committed = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> CommittedMessageIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _committed];
            }
        }
    }

    public void Committed(IReadOnlyList<DecisionRecord> decisions, ImmutableArray<Guid> superseded)
    {
        lock (_gate)
        {
            foreach (var d in decisions)
            {
                if (d.Outbox is { } row && !superseded.Contains(d.DecisionId))
                {
                    _committed.Add(row.Id);
                }
            }
        }
    }
}

/// <summary>The numbers of one crash run.</summary>
internal sealed record CrashRunReport
{
    public required int Instances { get; init; }

    public required IReadOnlyDictionary<CrashPoint, int> CrashesByPoint { get; init; }

    public int Crashes => CrashesByPoint.Values.Sum();

    public required int Customers { get; init; }

    public required int OutboxRows { get; init; }

    /// <summary>Message ids the provider received more than one send call for (from the raw ledger of calls).</summary>
    public required IReadOnlyList<string> Duplicates { get; init; }

    /// <summary>Every invariant breach other than duplicates, with the message or customer it concerns.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    public required IReadOnlyDictionary<OutboxStatus, int> RowsByStatus { get; init; }

    public required int SentThroughLookup { get; init; }

    public required int Lookups { get; init; }

    public required int LedgerCalls { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public override string ToString() =>
        $"{Instances} instances, {Crashes} crashes ({string.Join(", ", CrashesByPoint.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}), "
        + $"{Customers} customers, {OutboxRows} outbox rows ({string.Join(", ", RowsByStatus.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}), "
        + $"{LedgerCalls} provider calls, {Lookups} lookups, {Duplicates.Count} duplicates, {Problems.Count} problems, {Elapsed.TotalSeconds:F1} s";
}

/// <summary>
/// Crash-point injection (RL-01, RL-04; figure 2 of the reliability goals): agent instances over one database, each killed at one
/// boundary of decide -> commit -> claim -> send -> record, each followed by a brand-new instance (new service provider, engine,
/// dispatcher and store object; the same database; a clock past the lease). The provider is two recording channels that outlive every
/// instance: <c>email</c> offers a lookup by idempotency key, <c>sms</c> does not. Afterwards a clean instance recovers, and the raw
/// ledger of provider calls is compared with the outbox.
/// </summary>
internal sealed class CrashHarness
{
    private static readonly Instant Start = Instant.FromUtc(2026, 1, 5, 9, 0);
    private static readonly Duration Lease = Duration.FromSeconds(10);
    private static readonly CrashPoint[] Points = Enum.GetValues<CrashPoint>();

    private readonly Func<ICustomerStore> _openDatabase;
    private readonly CrashOracle _oracle = new();
    private readonly List<string> _customerIds = [];

    /// <param name="openDatabase">Opens the shared database as a new store object (what a restarted process does).</param>
    public CrashHarness(Func<ICustomerStore> openDatabase)
    {
        _openDatabase = openDatabase;
        Email = new RecordingChannel("email", ChannelKind.Email) { SupportsLookup = true, Capabilities = new ChannelCapabilities { SupportsSubject = true } };
        Sms = new RecordingChannel("sms", ChannelKind.Sms);
    }

    /// <summary>Gets the provider behind the email channel (with a lookup).</summary>
    public RecordingChannel Email { get; }

    /// <summary>Gets the provider behind the SMS channel (no lookup).</summary>
    public RecordingChannel Sms { get; }

    /// <summary>Gets or sets a value indicating whether the store view drops <see cref="OutboxMessage.Reclaimed"/> (the mutation check).</summary>
    public bool ForgetReclaimed { get; init; }

    public async Task<CrashRunReport> RunAsync(int crashesWanted, int seed, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var random = new Random(seed);
        var crashes = Points.ToDictionary(p => p, _ => 0);
        var now = Start;
        var instances = 0;
        var total = 0;
        while (total < crashesWanted)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // New customers arrive before every fifth instance (an import by the application, outside the agent), so every boundary has work.
            var database = _openDatabase();
            try
            {
                var point = Points[instances % Points.Length];
                if (point == CrashPoint.AfterDecide)
                {
                    // Decided by this instance (lost in its crash), then by the next (committed, then it crashes), then dispatched.
                    await AddCustomersAsync(database, now, instances, cancellationToken).ConfigureAwait(false);
                }

                var crash = new CrashSwitch(point, point switch
                {
                    // Decide and commit pass once per tick; claims once per claim batch of two rows; sends and records once per row.
                    CrashPoint.AfterDecide or CrashPoint.AfterCommit => 1,
                    _ => random.Next(1, 3),
                });
                await using (var provider = BuildInstance(database, crash))
                {
                    var agent = provider.GetRequiredService<MarketingAgent>();
                    try
                    {
                        await agent.RunOnceAsync(now, cancellationToken).ConfigureAwait(false);
                    }
                    catch (SimulatedCrashException)
                    {
                        // The instance died; the assertions below check that its crash point really fired.
                    }

                    if (crash.CrashedAt is { } at)
                    {
                        crashes[at]++;
                        total++;
                    }
                }
            }
            finally
            {
                (database as IDisposable)?.Dispose();
            }

            instances++;

            // The next instance starts later than the dead one's leases.
            now += Lease + Duration.FromSeconds(random.Next(1, 10));
        }

        // Recovery: a clean instance (no crash) decides for whoever the last crash left due and sends what is due; then clean instances
        // take over every expired lease and send whatever was scheduled later, until nothing is left to claim.
        {
            var database = _openDatabase();
            try
            {
                await using var provider = BuildInstance(database, new CrashSwitch(CrashPoint.AfterDecide, int.MaxValue));
                await provider.GetRequiredService<MarketingAgent>().RunOnceAsync(now, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                (database as IDisposable)?.Dispose();
            }
        }

        var recovery = now + Duration.FromDays(30);
        for (var round = 0; round < 100; round++)
        {
            var database = _openDatabase();
            try
            {
                await using var provider = BuildInstance(database, new CrashSwitch(CrashPoint.AfterDecide, int.MaxValue));
                var result = await provider.GetRequiredService<MarketingAgent>().DispatchDueAsync(recovery, cancellationToken).ConfigureAwait(false);
                if (result.Claimed == 0)
                {
                    break;
                }
            }
            finally
            {
                (database as IDisposable)?.Dispose();
            }

            recovery += Lease + Duration.FromMinutes(1);
        }

        return await CheckAsync(instances, crashes, Stopwatch.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
    }

    private ServiceProvider BuildInstance(ICustomerStore database, CrashSwitch crash)
    {
        var view = new CrashingStore(database, crash, _oracle, ForgetReclaimed);
        var services = new ServiceCollection();
        services.AddMarketingAutomation(o =>
            {
                o.Dispatch.ImmediateRetries = 0;
                o.Dispatch.Lease = Lease;
                o.Dispatch.SendTimeout = TimeSpan.FromSeconds(2);
                o.Dispatch.MaxConcurrentSends = 2;
                o.Dispatch.ClaimBatchSize = 2;
                o.BatchSize = 64;
            })
            .SetCustomerStore(_ => view)
            .SetReviewQueue(_ => (IReviewQueue)database)
            .AddChannel(new CrashingChannel(Email, crash))
            .AddChannel(new CrashingChannel(Sms, crash))
            .AddWelcomeSequence()
            .AddConsentPolicy()
            .UseGoalPriorityStrategy();
        return services.BuildServiceProvider();
    }

    private async Task AddCustomersAsync(ICustomerStore database, Instant now, int instance, CancellationToken cancellationToken)
    {
        var customers = new List<Customer>(4);
        for (var k = 0; k < 4; k++)
        {
            var id = $"c{instance:D5}-{k}";
            var kind = k % 2 == 0 ? ChannelKind.Email : ChannelKind.Sms;
            var address = kind == ChannelKind.Email ? $"{id}@example.com" : $"+1202555{(instance + k) % 10000:D4}";
            customers.Add(new Customer(id)
            {
                TimeZoneId = "Europe/Berlin",
                SignedUpAt = now - Duration.FromHours(1),
                ContactPoints = [new ContactPoint(kind, address)],
                Consents = [new ConsentRecord(kind, MessagePurpose.Marketing, ConsentStatus.Granted, kind == ChannelKind.Sms ? ConsentBasis.ExpressWritten : ConsentBasis.Express, now - Duration.FromHours(1))],
            });
            _customerIds.Add(id);
        }

        await database.UpsertCustomersAsync(customers, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CrashRunReport> CheckAsync(int instances, Dictionary<CrashPoint, int> crashes, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var database = _openDatabase();
        try
        {
            // Every outbox row: those whose commit returned (the oracle) plus those in the customers' histories.
            var ids = new HashSet<string>(_oracle.CommittedMessageIds, StringComparer.Ordinal);
            foreach (var customerId in _customerIds)
            {
                var customer = await database.GetCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
                if (customer is null)
                {
                    problems.Add($"customer {customerId} is missing");
                    continue;
                }

                if (customer.Messages.Length == 0)
                {
                    problems.Add($"customer {customerId} never got a decided message (lost decision)");
                }

                foreach (var m in customer.Messages)
                {
                    ids.Add(m.MessageId);
                }
            }

            // The raw ledgers: every physical call each provider received, not a de-duplicated view.
            var calls = Email.Sends.Concat(Sms.Sends).GroupBy(s => s.MessageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var duplicates = calls.Where(c => c.Value.Count > 1).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
            var byStatus = new Dictionary<OutboxStatus, int>();
            var viaLookup = 0;
            foreach (var id in ids)
            {
                var row = await database.GetOutboxMessageAsync(id, cancellationToken).ConfigureAwait(false);
                if (row is null)
                {
                    problems.Add($"{id}: committed but no outbox row");
                    continue;
                }

                byStatus[row.Status] = byStatus.GetValueOrDefault(row.Status) + 1;
                var received = calls.GetValueOrDefault(id) ?? [];
                switch (row.Status)
                {
                    case OutboxStatus.Sent:
                        if (received.Count != 1 || received[0].Result.Status != SendStatus.Accepted)
                        {
                            problems.Add($"{id}: Sent but the provider received {received.Count} call(s)");
                        }
                        else if (!string.Equals(received[0].Result.ProviderMessageId, row.ProviderMessageId, StringComparison.Ordinal))
                        {
                            problems.Add($"{id}: Sent with provider id {row.ProviderMessageId}, the provider says {received[0].Result.ProviderMessageId}");
                        }

                        if (row.Attempts > 1 && row.Message.Channel == "email")
                        {
                            viaLookup++;
                        }

                        break;

                    case OutboxStatus.Unknown:
                        // At most once on the wire; explained for the person or the provider lookup that settles it.
                        if (string.IsNullOrEmpty(row.LastError))
                        {
                            problems.Add($"{id}: Unknown without an explanation");
                        }

                        if (row.Message.Channel == "email")
                        {
                            problems.Add($"{id}: Unknown on a channel with a lookup (should have been resolved)");
                        }

                        break;

                    case OutboxStatus.Failed:
                    case OutboxStatus.Cancelled:
                        if (received.Any(r => r.Result.Status == SendStatus.Accepted))
                        {
                            problems.Add($"{id}: {row.Status} but the provider accepted it");
                        }

                        if (string.IsNullOrEmpty(row.LastError))
                        {
                            problems.Add($"{id}: {row.Status} without an explanation");
                        }

                        break;

                    default:
                        problems.Add($"{id}: left {row.Status} (not terminal)");
                        break;
                }
            }

            foreach (var id in calls.Keys)
            {
                if (!ids.Contains(id))
                {
                    problems.Add($"{id}: the provider received it, but no committed decision has it");
                }
            }

            return new CrashRunReport
            {
                Instances = instances,
                CrashesByPoint = crashes,
                Customers = _customerIds.Count,
                OutboxRows = ids.Count,
                Duplicates = duplicates,
                Problems = problems,
                RowsByStatus = byStatus,
                SentThroughLookup = viaLookup,
                Lookups = Email.Lookups,
                LedgerCalls = Email.Sends.Count + Sms.Sends.Count,
                Elapsed = elapsed,
            };
        }
        finally
        {
            (database as IDisposable)?.Dispose();
        }
    }
}

/// <summary>The assertions of a crash run: every boundary crashed, 0 duplicates from the raw ledger, 0 lost, every row terminal.</summary>
internal static class CrashAssertions
{
    /// <summary>Where to append each run's numbers (for CI to publish them), when the environment variable is set.</summary>
    public const string ReportVariable = "MARKETINGAUTOMATION_CRASH_REPORT";

    public static void Publish(CrashRunReport report, string name)
    {
        if (Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } file)
        {
            File.AppendAllText(file, $"{name}: {report}{Environment.NewLine}");
        }
    }

    public static void Holds(CrashRunReport report, int crashesWanted)
    {
        Xunit.Assert.True(report.Crashes >= crashesWanted, report.ToString());
        foreach (var point in Enum.GetValues<CrashPoint>())
        {
            // Round-robin targets: each boundary gets about a fifth of the crashes.
            Xunit.Assert.True(report.CrashesByPoint[point] >= crashesWanted / 10, $"{point}: {report}");
        }

        Xunit.Assert.Empty(report.Duplicates);
        Xunit.Assert.Empty(report.Problems);
        Xunit.Assert.True(report.RowsByStatus.GetValueOrDefault(OutboxStatus.Sent) > 0, report.ToString());

        // The hard case is exercised on both kinds of channel: the lookup resolved taken-over email rows; SMS rows ended Unknown.
        Xunit.Assert.True(report.Lookups > 0, report.ToString());
        Xunit.Assert.True(report.RowsByStatus.GetValueOrDefault(OutboxStatus.Unknown) > 0, report.ToString());
    }
}
