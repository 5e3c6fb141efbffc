using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace MarketingAutomation;

/// <summary>What one decide pass did.</summary>
/// <param name="Evaluated">Customers evaluated.</param>
/// <param name="Scheduled">Messages put in the outbox.</param>
/// <param name="HeldForReview">Messages held for review.</param>
/// <param name="NoAction">Customers who got no action.</param>
/// <param name="Errors">Customers whose evaluation failed (recorded on their trace).</param>
/// <param name="Cancelled">Decisions cancelled by middleware.</param>
public readonly record struct DecideResult(int Evaluated, int Scheduled, int HeldForReview, int NoAction, int Errors, int Cancelled)
{
    /// <summary>Gets how many decisions ended with each reason code (see <see cref="ReasonCodes"/>), all outcomes together.</summary>
    public ImmutableDictionary<string, int> ByReason { get; init; } = ImmutableDictionary<string, int>.Empty;

    /// <summary>Gets, for customers whose every candidate a rule held, how many each rule held, keyed <c>rule: code</c> (for example <c>consent: NoConsent</c>).</summary>
    public ImmutableDictionary<string, int> HeldByRule { get; init; } = ImmutableDictionary<string, int>.Empty;

    /// <summary>
    /// Gets how many decisions the store refused because their customer changed between reading and committing (another agent instance
    /// committed first, or an event arrived); they are not counted in <see cref="Scheduled"/> and the others, and their customers are
    /// decided again on the next pass (<see cref="DecisionRecord.BasedOnVersion"/>).
    /// </summary>
    public int Superseded { get; init; }
}

/// <summary>What one agent tick did.</summary>
/// <param name="Now">The tick's instant.</param>
/// <param name="Decide">The decide pass.</param>
/// <param name="Dispatch">The dispatch pass.</param>
public readonly record struct AgentRunResult(Instant Now, DecideResult Decide, DispatchResult Dispatch);

/// <summary>
/// The continuously running agent. As a hosted service it ticks every <see cref="MarketingAutomationOptions.PollInterval"/>: decide for
/// every due customer (in keyset-paged batches, decided in parallel), then dispatch due outbox rows. Feedback arrives through
/// <see cref="IngestAsync"/>; reviews through <see cref="Reviews"/>. <see cref="RunOnceAsync(Instant, CancellationToken)"/> runs one tick
/// at a given instant, so tests and simulations drive the real pipeline deterministically (for example with NodaTime's <c>FakeClock</c>).
/// </summary>
public sealed class MarketingAgent : BackgroundService
{
    private readonly MarketingPipeline _pipeline;
    private readonly DecisionEngine _engine;
    private readonly DecisionProcessor _processor;
    private readonly OutboxDispatcher _dispatcher;
    private readonly CustomerImporter _importer;
    private readonly ILogger _logger;
    private readonly IDecisionLog[] _decisionLogs;
    private readonly SemaphoreSlim _tickLock = new(1, 1);
    private readonly AgentStateKeeper _state;

    /// <summary>Initializes a new instance of the <see cref="MarketingAgent"/> class.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="engine">The decision engine.</param>
    /// <param name="dispatcher">The outbox dispatcher.</param>
    /// <param name="feedback">The feedback ingestor.</param>
    /// <param name="reviews">The review service.</param>
    /// <param name="importer">The customer importer.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="decisionLogs">The logs that receive every decision with its propensity (see <see cref="IDecisionLog"/>).</param>
    public MarketingAgent(
        MarketingPipeline pipeline,
        DecisionEngine engine,
        OutboxDispatcher dispatcher,
        FeedbackIngestor feedback,
        ReviewService reviews,
        CustomerImporter importer,
        ILogger<MarketingAgent> logger,
        IEnumerable<IDecisionLog>? decisionLogs = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentNullException.ThrowIfNull(importer);
        ArgumentNullException.ThrowIfNull(logger);
        _pipeline = pipeline;
        _engine = engine;
        _processor = new DecisionProcessor(pipeline);
        _dispatcher = dispatcher;
        Feedback = feedback;
        Reviews = reviews;
        _importer = importer;
        _logger = logger;
        _decisionLogs = decisionLogs is null ? [] : [.. decisionLogs];
        DataRights = new CustomerDataRights(pipeline, logger);
        _state = new AgentStateKeeper(pipeline, DataRights, logger);
    }

    /// <summary>Gets the data-subject rights entry point: export, erase, consent ledger, suppression (GDPR GD-01 to GD-04).</summary>
    public CustomerDataRights DataRights { get; }

    /// <summary>Gets the composed pipeline.</summary>
    public MarketingPipeline Pipeline => _pipeline;

    /// <summary>Gets the review service (approve, reject, list pending).</summary>
    public ReviewService Reviews { get; }

    /// <summary>Gets the feedback ingestor.</summary>
    public FeedbackIngestor Feedback { get; }

    /// <summary>Runs one tick at the clock's current instant.</summary>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>What the tick did.</returns>
    public Task<AgentRunResult> RunOnceAsync(CancellationToken cancellationToken = default) =>
        RunOnceAsync(_pipeline.Clock.GetCurrentInstant(), cancellationToken);

    /// <summary>Runs one tick at <paramref name="now"/>: decide for every due customer, then dispatch every due message.</summary>
    /// <param name="now">The tick's instant.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>What the tick did.</returns>
    public async Task<AgentRunResult> RunOnceAsync(Instant now, CancellationToken cancellationToken = default)
    {
        await _tickLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var activity = MarketingAutomationDiagnostics.ActivitySource.StartActivity(MarketingAutomationDiagnostics.RunActivity);
            await _state.EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
            var decide = await DecideDueAsync(now, cancellationToken).ConfigureAwait(false);
            var dispatch = await _dispatcher.DispatchDueAsync(now, cancellationToken).ConfigureAwait(false);
            await _state.SaveIfDueAsync(now, cancellationToken).ConfigureAwait(false);
            Log.RunCompleted(_logger, now, decide.Evaluated, decide.Scheduled, decide.HeldForReview, decide.Errors, dispatch.Sent, dispatch.Failed);
            return new AgentRunResult(now, decide, dispatch);
        }
        finally
        {
            _tickLock.Release();
        }
    }

    /// <summary>Decides for every customer due at <paramref name="now"/> and commits the decisions (no dispatch).</summary>
    /// <param name="now">The instant.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>What the pass did.</returns>
    public async Task<DecideResult> DecideDueAsync(Instant now, CancellationToken cancellationToken = default)
    {
        var options = _pipeline.Options;
        var store = _pipeline.Store;
        var buffer = new CustomerContext[options.BatchSize];
        var results = new DecisionResult[options.BatchSize];
        var schedules = new ScheduleUpdate[options.BatchSize];
        var counts = new Dictionary<(DecisionOutcome, string), int>();
        var heldByRule = new Dictionary<(string Rule, string? Code), int>();
        int evaluated = 0, scheduled = 0, reviews = 0, noAction = 0, errors = 0, cancelled = 0, superseded = 0;
        DueCursor? cursor = null;
        Task<CustomerBatch>? readAhead = null;
        try
        {
            do
            {
                // The page read ahead while the previous one committed, or else a read now.
                var batch = readAhead is not null
                    ? await readAhead.ConfigureAwait(false)
                    : await store.GetDueCustomersAsync(now, cursor, options.BatchSize, cancellationToken).ConfigureAwait(false);
                readAhead = null;
                var n = Math.Min(batch.Customers.Count, buffer.Length);
                if (n == 0)
                {
                    break;
                }

                for (var i = 0; i < n; i++)
                {
                    buffer[i] = batch.Customers[i];
                }

                if (options.ReadAhead && batch.Next is { } next && !cancellationToken.IsCancellationRequested)
                {
                    // The next page holds only customers after this one's last (keyset order), so committing this page cannot change it.
                    // On the thread pool: a store whose asynchronous read completes synchronously (SQLite) would otherwise read here.
                    readAhead = Task.Run(() => store.GetDueCustomersAsync(now, next, options.BatchSize, cancellationToken).AsTask(), cancellationToken);
                }

                using (var activity = MarketingAutomationDiagnostics.ActivitySource.StartActivity(MarketingAutomationDiagnostics.DecideBatchActivity))
                {
                    var started = Stopwatch.GetTimestamp();
                    _engine.DecideParallel(buffer, n, now, results, options.MaxDegreeOfParallelism);
                    MarketingAutomationDiagnostics.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    activity?.SetTag("marketing_automation.customers", n);
                }

                RecordDecisions(results.AsSpan(0, n), now);

                var records = new List<DecisionRecord>();
                var scheduleCount = 0;
                for (var i = 0; i < n; i++)
                {
                    var r = results[i];
                    if (r.Outcome == DecisionOutcome.NoAction)
                    {
                        schedules[scheduleCount++] = new ScheduleUpdate(r.Customer.Id, r.NextEvaluationAt);
                        noAction++;
                        Count(counts, r.Outcome, r.ReasonCode);
                        if (r.HeldByRule is { } rule)
                        {
                            heldByRule[(rule, r.HeldByCode)] = heldByRule.GetValueOrDefault((rule, r.HeldByCode)) + 1;
                        }

                        continue;
                    }

                    if (r.Outcome == DecisionOutcome.Error)
                    {
                        Log.CustomerEvaluationFailed(_logger, r.Customer?.Id ?? "(null)", r.Trace?.ErrorType ?? "unknown");
                    }

                    var record = await _processor.ProcessAsync(r, now, cancellationToken).ConfigureAwait(false);
                    if (record.Outcome == DecisionOutcome.Error && r.Outcome != DecisionOutcome.Error)
                    {
                        Log.DecisionComposeFailed(_logger, record.DecisionId, record.CustomerId, record.Trace?.ErrorType ?? "unknown");
                    }

                    records.Add(record with { BasedOnVersion = buffer[i].Version });
                    Count(counts, record.Outcome, record.ReasonCode);
                    switch (record.Outcome)
                    {
                        case DecisionOutcome.Send: scheduled++; break;
                        case DecisionOutcome.Review: reviews++; break;
                        case DecisionOutcome.Cancelled: cancelled++; break;
                        default: errors++; break;
                    }
                }

                if (records.Count > 0)
                {
                    var commit = await store.CommitDecisionsAsync(records, cancellationToken).ConfigureAwait(false);
                    if (!commit.Superseded.IsDefaultOrEmpty)
                    {
                        // Another instance (or an event) changed these customers after they were read: nothing of these decisions was
                        // written, the customers stay due and are decided again from their current state on the next pass.
                        superseded += commit.Superseded.Length;
                        var ids = new HashSet<Guid>(commit.Superseded);
                        foreach (var record in records)
                        {
                            if (!ids.Contains(record.DecisionId))
                            {
                                continue;
                            }

                            counts[(record.Outcome, record.ReasonCode)]--;
                            switch (record.Outcome)
                            {
                                case DecisionOutcome.Send: scheduled--; break;
                                case DecisionOutcome.Review: reviews--; break;
                                case DecisionOutcome.Cancelled: cancelled--; break;
                                default: errors--; break;
                            }
                        }

                        MarketingAutomationDiagnostics.SupersededDecisions.Add(commit.Superseded.Length);
                        Log.DecisionsSuperseded(_logger, commit.Superseded.Length, records.Count);
                    }
                }

                if (scheduleCount > 0)
                {
                    await store.ScheduleAsync(schedules.AsMemory(0, scheduleCount), cancellationToken).ConfigureAwait(false);
                }

                evaluated += n;
                Array.Clear(buffer, 0, n);
                Array.Clear(results, 0, n);
                cursor = batch.Next;
            }
            while (cursor is not null && !cancellationToken.IsCancellationRequested);
        }
        finally
        {
            if (readAhead is not null)
            {
                // The pass ended early (a failed commit, cancellation): the read ahead is not needed, but it is awaited so that it
                // neither outlives the pass nor leaves an unobserved exception.
                await ObserveAsync(readAhead).ConfigureAwait(false);
            }
        }

        var byReason = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        foreach (var ((outcome, reason), count) in counts)
        {
            if (count == 0)
            {
                continue;
            }

            MarketingAutomationDiagnostics.Decisions.Add(count, new KeyValuePair<string, object?>("outcome", outcome.ToString()), new KeyValuePair<string, object?>("reason", reason));
            byReason[reason] = byReason.GetValueOrDefault(reason) + count;
        }

        var held = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        foreach (var ((rule, code), count) in heldByRule)
        {
            held[$"{rule}: {code}"] = count;
        }

        return new DecideResult(evaluated, scheduled, reviews, noAction, errors, cancelled)
        {
            Superseded = superseded,
            ByReason = byReason.ToImmutable(),
            HeldByRule = held.ToImmutable(),
        };
    }

    private void RecordDecisions(ReadOnlySpan<DecisionResult> results, Instant now)
    {
        foreach (var log in _decisionLogs)
        {
            try
            {
                log.Record(results, now);
            }
#pragma warning disable CA1031 // A failing decision log must not stop the agent.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.DecisionLogFailed(_logger, log.GetType().Name, ex.GetType().Name);
            }
        }
    }

    /// <summary>Dispatches every outbox row due at <paramref name="now"/> (no deciding).</summary>
    /// <param name="now">The instant.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>What the pass did.</returns>
    public Task<DispatchResult> DispatchDueAsync(Instant now, CancellationToken cancellationToken = default) =>
        _dispatcher.DispatchDueAsync(now, cancellationToken);

    /// <summary>Validates and imports customers; bad ones are reported with field and reason and skipped, the rest proceed.</summary>
    /// <param name="customers">The customers.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The report.</returns>
    public Task<CustomerImportReport> ImportCustomersAsync(IEnumerable<Customer?> customers, CancellationToken cancellationToken = default) =>
        _importer.ImportAsync(customers, cancellationToken);

    /// <summary>Ingests events (idempotently) and feeds new outcomes to the strategy.</summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>What happened.</returns>
    public Task<FeedbackResult> IngestAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default) =>
        Feedback.IngestAsync(events, cancellationToken);

    /// <summary>
    /// Explains what the agent would do for a customer now ("why nothing now?"): runs the whole pipeline in explain mode (goals, every
    /// rule's verdict, strategy, timing, compose, content rules, review gate), records every step, and sends and stores nothing.
    /// </summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="now">The instant to explain at (default: the clock's now).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The trace, or null when the customer is unknown.</returns>
    public async Task<DecisionTrace?> ExplainAsync(string customerId, Instant? now = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        var at = now ?? _pipeline.Clock.GetCurrentInstant();
        var customer = await _pipeline.Store.GetCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        if (customer is null)
        {
            return null;
        }

        var result = _engine.Explain(customer, at);
        if (result.Outcome != DecisionOutcome.Send)
        {
            return result.Trace;
        }

        var record = await _processor.ProcessAsync(result, at, cancellationToken).ConfigureAwait(false);
        return record.Trace! with { Notes = record.Trace!.Notes.Add("explain mode: nothing was sent or stored") };
    }

    /// <summary>Answers "why did this customer get this message?" from the store.</summary>
    /// <param name="decisionId">The decision id (on every message and message event).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The trace, or null.</returns>
    public ValueTask<DecisionTrace?> WhyAsync(Guid decisionId, CancellationToken cancellationToken = default) =>
        _pipeline.Store.GetTraceAsync(decisionId, cancellationToken);

    /// <summary>Answers "why did this customer get this message?" by message id.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The trace, or null.</returns>
    public async ValueTask<DecisionTrace?> WhyMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        var row = await _pipeline.Store.GetOutboxMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
        if (row is not null)
        {
            return await _pipeline.Store.GetTraceAsync(row.Message.DecisionId, cancellationToken).ConfigureAwait(false);
        }

        // A message held for review has no outbox row yet; its id is its decision id.
        return Guid.TryParseExact(messageId, "N", out var decisionId)
            ? await _pipeline.Store.GetTraceAsync(decisionId, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>Answers "why did customer X get message Y" (<see cref="ICustomerStore.GetMessageTraceAsync"/>): null when the message is not theirs.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="messageId">The message (outbox) id.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The trace, or null.</returns>
    public ValueTask<DecisionTrace?> WhyMessageAsync(string customerId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        return _pipeline.Store.GetMessageTraceAsync(customerId, messageId, cancellationToken);
    }

    /// <summary>
    /// Settles a message whose outcome was <see cref="OutboxStatus.Unknown"/> once a provider lookup or a person has established it.
    /// Unknown messages are never retried blindly; this is how they leave that state.
    /// </summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="wasSent">Whether the provider did accept it.</param>
    /// <param name="providerMessageId">The provider's id, when it was sent.</param>
    /// <param name="note">What the lookup found.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>True when the message was unknown and is now settled.</returns>
    public ValueTask<bool> SettleUnknownAsync(string messageId, bool wasSent, string? providerMessageId = null, string? note = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        return _pipeline.Store.ResolveOutboxAsync(messageId, wasSent ? OutboxStatus.Sent : OutboxStatus.Failed, _pipeline.Clock.GetCurrentInstant(), providerMessageId, note, cancellationToken);
    }

    /// <summary>Cancels a message that waits in the outbox (for example a stopped campaign). Messages already claimed or sent are not affected.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>True when the message was pending and is now cancelled.</returns>
    public ValueTask<bool> CancelPendingAsync(string messageId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return _pipeline.Store.ResolveOutboxAsync(messageId, OutboxStatus.Cancelled, _pipeline.Clock.GetCurrentInstant(), note: reason, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Loads what outlives the process before deciding: the store's durable suppression entries into the suppression rule, and the
    /// strategy's model snapshot (an <see cref="IPersistentModel"/> from an <see cref="IModelStateStore"/>). The first tick does this
    /// itself; call it to restore earlier. Failures are logged, not thrown, and retried at the next tick.
    /// </summary>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>True once restored.</returns>
    public Task<bool> RestoreStateAsync(CancellationToken cancellationToken = default) => _state.EnsureRestoredAsync(cancellationToken);

    /// <summary>
    /// Saves the strategy's model snapshot now (it is also saved every <see cref="MarketingAutomationOptions.ModelSaveInterval"/> and when
    /// the agent stops). Nothing is saved before the stored snapshot was restored.
    /// </summary>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The stored version, or null when the strategy or store keeps no snapshot, the state is not restored yet, or saving failed.</returns>
    public async Task<long?> SaveModelStateAsync(CancellationToken cancellationToken = default)
    {
        await _state.EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
        return await _state.SaveAsync(_pipeline.Clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>After the loop has stopped, the strategy's model snapshot is saved.</remarks>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _state.SaveAsync(_pipeline.Clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _tickLock.Dispose();
        _state.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Reads one page of due customers to check that the store is reachable before the hosted agent starts, so that a database that is
    /// down or misconfigured at startup stops the host with one clear message instead of failing every tick.
    /// </summary>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>A task that completes when the store answered.</returns>
    /// <exception cref="MarketingAutomationException">The store could not be read; the message names the store and the fix.</exception>
    internal async Task CheckStoreAsync(CancellationToken cancellationToken)
    {
        var store = _pipeline.Store;
        try
        {
            await store.GetDueCustomersAsync(_pipeline.Clock.GetCurrentInstant(), null, 1, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StoreUnreachableAtStartup(_logger, ex, store.GetType().Name);

            // Stores that know their data source (the EF Core store) already say which one and how to fix it.
            throw ex as MarketingAutomationException ?? new MarketingAutomationException(
                $"The customer store ({store.GetType().Name}) could not be read at startup: {ex.Message} Fix: check that its database is running and "
                + "reachable and that its connection settings are right; the agent starts once the store answers.",
                ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A tick that fails (the database dropped, a provider bug) is logged and retried by a Polly retry pipeline with exponential,
    /// jittered backoff from <see cref="MarketingAutomationOptions.PollInterval"/> up to <see cref="MarketingAutomationOptions.MaxFailureBackoff"/>,
    /// without end; the first tick that succeeds logs the recovery and the loop goes back to the poll interval. Nothing is lost meanwhile:
    /// decisions and sends are durable in the outbox, and rows whose lease a failed tick left behind are taken over safely later.
    /// </remarks>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _pipeline.Options;
        var failures = 0;
        var firstFailure = 0L;
        var retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.PollInterval,
                MaxDelay = options.MaxFailureBackoff > options.PollInterval ? options.MaxFailureBackoff : options.PollInterval,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested),
                OnRetry = args =>
                {
                    if (failures++ == 0)
                    {
                        firstFailure = Stopwatch.GetTimestamp();
                    }

                    var exception = args.Outcome.Exception!;
                    Log.TickFailed(_logger, exception, exception.GetType().Name, failures, args.RetryDelay);
                    return default;
                },
            })
            .Build();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await retry.ExecuteAsync(async ct => await RunOnceAsync(ct).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            if (failures > 0)
            {
                var downtime = Stopwatch.GetElapsedTime(firstFailure);
                Log.TicksRecovered(_logger, failures, downtime);
                failures = 0;
            }

            try
            {
                await Task.Delay(options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The pass already failed or was cancelled; the read ahead's own outcome does not matter.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static void Count(Dictionary<(DecisionOutcome, string), int> counts, DecisionOutcome outcome, string reason)
    {
        var key = (outcome, reason);
        counts[key] = counts.GetValueOrDefault(key) + 1;
    }
}
