using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace MarketingAutomation;

/// <summary>What one dispatch round did.</summary>
/// <param name="Claimed">Outbox rows claimed.</param>
/// <param name="Sent">Accepted by a channel.</param>
/// <param name="Failed">Failed for good (permanent rejection, out of attempts, unknown channel).</param>
/// <param name="Retrying">Transient failures put back with a retry instant.</param>
/// <param name="Unknown">Outcome unknown; not retried, needs a lookup or review.</param>
public readonly record struct DispatchResult(int Claimed, int Sent, int Failed, int Retrying, int Unknown);

/// <summary>
/// Sends due outbox rows through their channels. Every send goes through a per-channel Polly pipeline: immediate retries with jitter for
/// transient results only, a circuit breaker, an optional rate limiter, and a timeout. A timeout or an exception after the request may
/// have left is <see cref="SendStatus.Unknown"/> and is never retried blindly. Transient failures that outlast the immediate retries go
/// back to the outbox with an exponential, jittered retry instant, so a crash never loses them. A row taken over after another
/// dispatcher's lease ended (<see cref="OutboxMessage.Reclaimed"/>: that dispatcher died between claim and record) is looked up at the
/// provider (<see cref="IMessageLookup"/>) or becomes Unknown; it is never sent a second time blindly.
/// </summary>
public sealed class OutboxDispatcher
{
    private readonly MarketingPipeline _pipeline;
    private readonly FeedbackIngestor _feedback;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ResiliencePipeline<SendResult>> _resilience = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="OutboxDispatcher"/> class.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="feedback">Where send outcomes are reported.</param>
    /// <param name="logger">The logger.</param>
    public OutboxDispatcher(MarketingPipeline pipeline, FeedbackIngestor feedback, ILogger<OutboxDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentNullException.ThrowIfNull(logger);
        _pipeline = pipeline;
        _feedback = feedback;
        _logger = logger;
        Owner = "dispatcher-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..12];
    }

    /// <summary>Gets this dispatcher's lease owner id.</summary>
    public string Owner { get; }

    /// <summary>Claims and sends every outbox row due at <paramref name="now"/>.</summary>
    /// <param name="now">The current instant.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>What happened.</returns>
    public async Task<DispatchResult> DispatchDueAsync(Instant now, CancellationToken cancellationToken = default)
    {
        using var activity = MarketingAutomationDiagnostics.ActivitySource.StartActivity(MarketingAutomationDiagnostics.DispatchActivity);
        var options = _pipeline.Options.Dispatch;
        int claimed = 0, sent = 0, failed = 0, retrying = 0, unknown = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var rows = await _pipeline.Store.ClaimOutboxAsync(now, options.ClaimBatchSize, Owner, options.Lease, cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                break;
            }

            claimed += rows.Count;
            var claimedAt = Stopwatch.GetTimestamp();
            var outcomes = new OutboxStatus[rows.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, rows.Count),
                new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrentSends, CancellationToken = cancellationToken },
                async (i, ct) => outcomes[i] = await DispatchOneAsync(rows[i], now, claimedAt, ct).ConfigureAwait(false)).ConfigureAwait(false);
            foreach (var o in outcomes)
            {
                switch (o)
                {
                    case OutboxStatus.Sent: sent++; break;
                    case OutboxStatus.Failed: failed++; break;
                    case OutboxStatus.Pending: retrying++; break;
                    case OutboxStatus.Unknown: unknown++; break;
                }
            }

            if (rows.Count < options.ClaimBatchSize)
            {
                break;
            }
        }

        activity?.SetTag("marketing_automation.claimed", claimed);
        return new DispatchResult(claimed, sent, failed, retrying, unknown);
    }

    private async Task<OutboxStatus> DispatchOneAsync(OutboxMessage row, Instant now, long claimedAt, CancellationToken cancellationToken)
    {
        var message = row.Message;
        var options = _pipeline.Options.Dispatch;
        var channel = _pipeline.FindChannel(message.Channel);
        if (channel is null)
        {
            Log.UnknownChannel(_logger, message.MessageId, message.Channel);
            await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Failed, now) { Error = $"channel '{message.Channel}' is not registered" }, cancellationToken).ConfigureAwait(false);
            return OutboxStatus.Failed;
        }

        if (row.Reclaimed && await SettleReclaimedAsync(row, channel, now, cancellationToken).ConfigureAwait(false) is { } settled)
        {
            return settled;
        }

        if (row.Attempts > options.MaxAttempts)
        {
            await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Failed, now) { Error = $"out of attempts ({options.MaxAttempts})" }, cancellationToken).ConfigureAwait(false);
            return OutboxStatus.Failed;
        }

        if (await WithdrawnSinceDecisionAsync(message, channel, now, cancellationToken).ConfigureAwait(false) is { } withdrawn)
        {
            // Rules always win: consent withdrawn (or an address disabled) after the decision cancels a message not yet sent.
            Log.MessageWithdrawn(_logger, message.MessageId, channel.Name, withdrawn);
            await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Failed, now) { Error = withdrawn }, cancellationToken).ConfigureAwait(false);
            return OutboxStatus.Failed;
        }

        // A row must not be sent when the lease could end before the send (with its immediate retries) finishes: another dispatcher
        // might take it over meanwhile and, finding nothing at the provider yet, send it too. Put back unsent (provably not at the provider).
        if (Stopwatch.GetElapsedTime(claimedAt) >= options.Lease.ToTimeSpan() - (options.SendTimeout * (options.ImmediateRetries + 1)))
        {
            Log.LeaseTooShortToSend(_logger, message.MessageId, channel.Name);
            await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Pending, now) { Error = "put back unsent: the lease would have ended during the send", RetryAt = now }, CancellationToken.None).ConfigureAwait(false);
            return OutboxStatus.Pending;
        }

        SendResult result;
        try
        {
            result = await SendAsync(channel, message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped mid-send: the provider may have accepted it. Unknown, never re-sent after the lease ends.
            await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Unknown, now) { Error = "the dispatcher stopped while sending; the provider may have accepted it" }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        // From here the send has happened: record it even if the host is stopping, or it would be sent again after the lease.
        cancellationToken = CancellationToken.None;
        switch (result.Status)
        {
            case SendStatus.Accepted:
                await RecordSentAsync(message, channel, result.ProviderMessageId, now, cancellationToken).ConfigureAwait(false);
                return OutboxStatus.Sent;

            case SendStatus.Rejected:
                LogFailure(message.MessageId, channel.Name, OutboxStatus.Failed, row.Attempts, result.Reason);
                if (await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Failed, now) { Error = result.Reason }, cancellationToken).ConfigureAwait(false))
                {
                    var rejected = new MessageEvent(message.MessageId + ":rejected", message.CustomerId, now, message.DecisionId, result.IsPermanent ? MessageEventKind.Bounced : MessageEventKind.Failed)
                    {
                        Channel = channel.Kind,
                        IsHardBounce = result.IsPermanent,
                        Reason = result.Reason,
                    };
                    await _feedback.IngestAsync([rejected], cancellationToken).ConfigureAwait(false);
                }

                return OutboxStatus.Failed;

            case SendStatus.Transient when row.Attempts < options.MaxAttempts:
                var retryAt = now + RetryDelay(message.MessageId, row.Attempts, result.RetryAfter);
                await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Pending, now) { Error = result.Reason, RetryAt = retryAt }, cancellationToken).ConfigureAwait(false);
                return OutboxStatus.Pending;

            case SendStatus.Transient:
                LogFailure(message.MessageId, channel.Name, OutboxStatus.Failed, row.Attempts, result.Reason);
                await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Failed, now) { Error = $"out of attempts: {result.Reason}" }, cancellationToken).ConfigureAwait(false);
                return OutboxStatus.Failed;

            default:
                Log.MessageOutcomeUnknown(_logger, message.MessageId, channel.Name);
                LogReason(message.MessageId, result.Reason);
                await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Unknown, now) { Error = result.Reason }, cancellationToken).ConfigureAwait(false);
                return OutboxStatus.Unknown;
        }
    }

    private async Task RecordSentAsync(OutboundMessage message, IChannel channel, string? providerMessageId, Instant now, CancellationToken cancellationToken)
    {
        if (await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Sent, now) { ProviderMessageId = providerMessageId }, cancellationToken).ConfigureAwait(false))
        {
            Log.MessageSent(_logger, message.MessageId, message.CustomerId, channel.Name);
            if (_pipeline.Options.EnableSensitiveData)
            {
                Log.MessageSentSensitive(_logger, message.MessageId, message.Recipient, message.Body);
            }

            await _feedback.IngestAsync(
                [new MessageEvent(message.MessageId + ":sent", message.CustomerId, now, message.DecisionId, MessageEventKind.Sent) { Channel = channel.Kind, ProviderMessageId = providerMessageId }],
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A row taken over from a dispatcher whose lease ended during its attempt (it died between claiming and recording): that attempt
    /// may have reached the provider. The row is never sent again blindly. With an <see cref="IMessageLookup"/> on the channel, the
    /// provider is asked by idempotency key: found is recorded as sent without a new send, not found goes on to a normal send. Without
    /// a lookup, or when the lookup cannot answer, the row becomes <see cref="OutboxStatus.Unknown"/> for a provider check or review
    /// (<see cref="MarketingAgent.SettleUnknownAsync"/>): a missed message costs less than a duplicate.
    /// </summary>
    /// <returns>The row's new status when settled here; null when the message was not accepted earlier and may be sent now.</returns>
    private async Task<OutboxStatus?> SettleReclaimedAsync(OutboxMessage row, IChannel channel, Instant now, CancellationToken cancellationToken)
    {
        var message = row.Message;
        MessageLookupResult found;
        if (channel.GetService(typeof(IMessageLookup)) is not IMessageLookup lookup)
        {
            found = MessageLookupResult.Unavailable($"channel '{channel.Name}' cannot look messages up by idempotency key");
        }
        else
        {
            try
            {
                found = await lookup.LookupAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A failed lookup leaves the outcome unknown; it never becomes a blind re-send.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                found = MessageLookupResult.Unavailable($"the lookup threw {ex.GetType().Name}");
            }
        }

        switch (found.Status)
        {
            case MessageLookupStatus.Found:
                Log.ReclaimedFoundAtProvider(_logger, message.MessageId, channel.Name, row.Attempts);
                await RecordSentAsync(message, channel, found.ProviderMessageId, now, CancellationToken.None).ConfigureAwait(false);
                return OutboxStatus.Sent;

            case MessageLookupStatus.NotFound:
                Log.ReclaimedNotFoundAtProvider(_logger, message.MessageId, channel.Name, row.Attempts);
                return null;

            default:
                Log.ReclaimedOutcomeUnknown(_logger, message.MessageId, channel.Name, row.Attempts);
                var error = $"a dispatcher's lease ended during attempt {row.Attempts - 1}, which may have reached the provider, and {found.Reason ?? "the lookup could not answer"}; "
                    + "not re-sent: check with the provider by the message id, then settle it with MarketingAgent.SettleUnknownAsync";
                await CompleteAsync(new OutboxCompletion(message.MessageId, Owner, OutboxStatus.Unknown, now) { Error = error }, CancellationToken.None).ConfigureAwait(false);
                return OutboxStatus.Unknown;
        }
    }

    /// <summary>
    /// Re-checks, just before sending, what can change between the decision and the send: the contact point is still valid and the
    /// consent and suppression rules still allow the message (an unsubscribe, STOP reply or complaint may have arrived meanwhile, for
    /// example while the message waited for the customer's best hour).
    /// </summary>
    /// <returns>Null when the message may go; otherwise the reason code and why.</returns>
    private async ValueTask<string?> WithdrawnSinceDecisionAsync(OutboundMessage message, IChannel channel, Instant now, CancellationToken cancellationToken)
    {
        var goal = _pipeline.FindGoal(message.GoalId);
        if (goal is null)
        {
            return null;
        }

        ContentVariant? variant = null;
        foreach (var v in goal.Variants)
        {
            if (string.Equals(v.Id, message.VariantId, StringComparison.Ordinal))
            {
                variant = v;
                break;
            }
        }

        var customer = await _pipeline.Store.GetCustomerAsync(message.CustomerId, cancellationToken).ConfigureAwait(false);
        if (customer is null || variant is null)
        {
            return null;
        }

        if (customer.Customer.FindValidContact(channel.Kind) is not { } contact)
        {
            return ReasonCodes.ContactPointInvalid + ": the customer's address on this channel was disabled after the decision";
        }

        var context = new PolicyContext(customer, new Candidate(goal, variant, channel, contact), now);
        foreach (var policy in _pipeline.Policies)
        {
            if (policy is ConsentPolicy or SuppressionPolicy && policy.Evaluate(in context) is { Kind: VerdictKind.Deny } verdict)
            {
                return verdict.Code + ": " + verdict.Reason + " (changed after the decision)";
            }
        }

        return null;
    }

    private void LogFailure(string messageId, string channel, OutboxStatus status, int attempt, string? reason)
    {
        Log.MessageFailed(_logger, messageId, channel, status, attempt);
        LogReason(messageId, reason);
    }

    /// <summary>Provider reasons can quote the address ("550 user@example.com unknown"): Trace only, and only with sensitive data on.</summary>
    private void LogReason(string messageId, string? reason)
    {
        if (_pipeline.Options.EnableSensitiveData)
        {
            Log.ProviderReasonSensitive(_logger, messageId, reason);
        }
    }

    private async Task<bool> CompleteAsync(OutboxCompletion completion, CancellationToken cancellationToken)
    {
        var applied = await _pipeline.Store.CompleteOutboxAsync(completion, cancellationToken).ConfigureAwait(false);
        if (!applied)
        {
            Log.CompletionRefused(_logger, completion.MessageId);
        }

        return applied;
    }

    private async Task<SendResult> SendAsync(IChannel channel, OutboundMessage message, CancellationToken cancellationToken)
    {
        using var activity = MarketingAutomationDiagnostics.ActivitySource.StartActivity(MarketingAutomationDiagnostics.SendActivity);
        activity?.SetTag("marketing_automation.channel", channel.Name);
        activity?.SetTag("marketing_automation.decision_id", message.DecisionId);
        var started = Stopwatch.GetTimestamp();
        SendResult result;
        try
        {
            var resilience = _resilience.GetOrAdd(channel.Name, _ => BuildResilience());
            result = await resilience.ExecuteAsync(static (state, ct) => state.channel.SendAsync(state.message, ct), (channel, message), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            result = SendResult.Unknown("the send timed out; the provider may have accepted it");
        }
        catch (BrokenCircuitException)
        {
            result = SendResult.Transient("the channel's circuit breaker is open");
        }
        catch (RateLimiterRejectedException ex)
        {
            result = SendResult.Transient("the channel's rate limit is reached", ex.RetryAfter is { } after ? Duration.FromTimeSpan(after) : null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A channel that throws may have sent the message: unknown, never retried blindly.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            result = SendResult.Unknown($"the channel threw {ex.GetType().Name}: {ex.Message}");
        }

        var tags = new TagList { { "channel", channel.Name }, { "status", result.Status.ToString() } };
        MarketingAutomationDiagnostics.Sends.Add(1, tags);
        MarketingAutomationDiagnostics.SendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("channel", channel.Name));
        return result;
    }

    private ResiliencePipeline<SendResult> BuildResilience()
    {
        var options = _pipeline.Options.Dispatch;
        var builder = new ResiliencePipelineBuilder<SendResult>();
        if (options.ImmediateRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<SendResult>
            {
                MaxRetryAttempts = options.ImmediateRetries,
                Delay = options.ImmediateRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is null && args.Outcome.Result.Status == SendStatus.Transient),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<SendResult>
        {
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            BreakDuration = options.CircuitBreakerBreakDuration,
            SamplingDuration = TimeSpan.FromSeconds(30),
            ShouldHandle = static args => ValueTask.FromResult(
                args.Outcome.Exception is not null and not OperationCanceledException || (args.Outcome.Exception is null && args.Outcome.Result.Status is SendStatus.Transient or SendStatus.Unknown)),
        });
        if (options.MaxSendsPerSecondPerChannel > 0)
        {
            builder.AddRateLimiter(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.MaxSendsPerSecondPerChannel,
                TokensPerPeriod = options.MaxSendsPerSecondPerChannel,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = options.MaxSendsPerSecondPerChannel * 10,
                AutoReplenishment = true,
            }));
        }

        builder.AddTimeout(options.SendTimeout);
        return builder.Build();
    }

    /// <summary>Exponential backoff from <see cref="DispatchOptions.RetryBaseDelay"/> with deterministic jitter (0.8x to 1.2x) per message and attempt.</summary>
    private Duration RetryDelay(string messageId, int attempt, Duration? retryAfter)
    {
        var baseDelay = _pipeline.Options.Dispatch.RetryBaseDelay;
        var exponent = Math.Min(attempt - 1, 16);
        var hash = (uint)StableHash(messageId, attempt);
        var jitter = 0.8 + (0.4 * (hash / (double)uint.MaxValue));
        var delay = Duration.FromTicks((long)(baseDelay.BclCompatibleTicks * Math.Pow(2, Math.Max(0, exponent)) * jitter));
        return retryAfter is { } after && after > delay ? after : delay;
    }

    private static int StableHash(string text, int salt)
    {
        var h = unchecked((int)2166136261) ^ salt;
        foreach (var ch in text)
        {
            h = unchecked((h ^ ch) * 16777619);
        }

        return h;
    }
}
