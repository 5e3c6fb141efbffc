using Microsoft.Extensions.Logging;

namespace MarketingAutomation;

/// <summary>
/// The human side of the review gate. Pending messages are never sent until approved; approving puts the message in the outbox
/// (exactly once, however often it is called); rejecting records the reason and feeds the strategy.
/// </summary>
public sealed class ReviewService
{
    private readonly MarketingPipeline _pipeline;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ReviewService"/> class.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="logger">The logger.</param>
    public ReviewService(MarketingPipeline pipeline, ILogger<ReviewService> logger)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(logger);
        _pipeline = pipeline;
        _logger = logger;
    }

    /// <summary>Lists pending reviews, oldest first.</summary>
    /// <param name="maxCount">The most to return.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The pending reviews.</returns>
    public ValueTask<IReadOnlyList<PendingReview>> ListPendingAsync(int maxCount = 100, CancellationToken cancellationToken = default) =>
        _pipeline.ReviewQueue.ListPendingAsync(maxCount, cancellationToken);

    /// <summary>
    /// Approves a pending review: the rules are checked again (the customer may have opted out, or a cap may have filled, while the
    /// message waited); if they still allow it, the message enters the outbox, due now, at its planned instant, or when a deferring rule
    /// allows, whichever is latest. If a rule now denies it, nothing is sent and the review is closed as blocked, with the rule's code.
    /// </summary>
    /// <param name="reviewId">The review id.</param>
    /// <param name="reviewer">Who approves (recorded).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>True when this call released the message; false when it was unknown, already resolved, or blocked by a rule.</returns>
    public async Task<bool> ApproveAsync(string reviewId, string reviewer, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        var now = _pipeline.Clock.GetCurrentInstant();
        var pending = await _pipeline.ReviewQueue.GetPendingAsync(reviewId, cancellationToken).ConfigureAwait(false);
        if (pending is null)
        {
            return false;
        }

        var release = pending.Message.DueAt > now ? pending.Message.DueAt : now;
        var customer = await _pipeline.Store.GetCustomerAsync(pending.CustomerId, cancellationToken).ConfigureAwait(false);
        var (blocked, allowedFrom) = CheckRules(pending, customer, release);
        if (blocked is not null)
        {
            var closed = await _pipeline.ReviewQueue.ResolveAsync(new ReviewResolution(reviewId, false, reviewer, now) { Reason = blocked }, cancellationToken).ConfigureAwait(false);
            if (closed is not null)
            {
                MarketingAutomationDiagnostics.Reviews.Add(1, new KeyValuePair<string, object?>("result", "blocked"));
                Log.ReviewResolved(_logger, reviewId, pending.CustomerId, "blocked at approval (" + blocked + ")", reviewer);
            }

            return false;
        }

        release = allowedFrom;
        var resolved = await _pipeline.ReviewQueue.ResolveAsync(new ReviewResolution(reviewId, true, reviewer, now) { ReleaseAt = release }, cancellationToken).ConfigureAwait(false);
        if (resolved is null)
        {
            return false;
        }

        Finish(resolved, FeedbackKind.ReviewApproved, reviewer, null, now);
        return true;
    }

    /// <summary>Rejects a pending review: nothing is sent; the reason is recorded and fed to the strategy.</summary>
    /// <param name="reviewId">The review id.</param>
    /// <param name="reviewer">Who rejects (recorded).</param>
    /// <param name="reason">Why (required).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>True when this call rejected it; false when it was unknown or already resolved.</returns>
    public async Task<bool> RejectAsync(string reviewId, string reviewer, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var now = _pipeline.Clock.GetCurrentInstant();
        var resolved = await _pipeline.ReviewQueue.ResolveAsync(new ReviewResolution(reviewId, false, reviewer, now) { Reason = reason }, cancellationToken).ConfigureAwait(false);
        if (resolved is null)
        {
            return false;
        }

        Finish(resolved, FeedbackKind.ReviewRejected, reviewer, reason, now);
        return true;
    }

    /// <summary>Runs every rule again on the held message, as if it were sent at <paramref name="release"/>, without the message itself in the history.</summary>
    private (string? Blocked, Instant AllowedFrom) CheckRules(PendingReview review, CustomerContext? customer, Instant release)
    {
        var m = review.Message.Message;
        var goal = _pipeline.FindGoal(m.GoalId);
        var channel = _pipeline.FindChannel(m.Channel);
        if (customer is null || goal is null || channel is null)
        {
            return (customer is null ? "the customer no longer exists" : null, release);
        }

        ContentVariant? variant = null;
        foreach (var v in goal.Variants)
        {
            if (string.Equals(v.Id, m.VariantId, StringComparison.Ordinal))
            {
                variant = v;
            }
        }

        var contact = customer.Customer.FindValidContact(channel.Kind);
        if (contact is null || !contact.IsValid)
        {
            return ($"{ReasonCodes.ContactPointInvalid}: the {channel.Kind} address is missing or disabled", release);
        }

        if (variant is null)
        {
            return (null, release);
        }

        var without = customer with { Messages = customer.Messages.RemoveAll(x => string.Equals(x.MessageId, m.MessageId, StringComparison.Ordinal)) };
        var candidate = new Candidate(goal, variant, channel, contact, m.FollowUpOf);
        for (var round = 0; round < 4; round++)
        {
            var deferredTo = release;
            foreach (var policy in _pipeline.Policies)
            {
                var verdict = policy.Evaluate(new PolicyContext(without, candidate, release));
                if (verdict.Kind == VerdictKind.Deny)
                {
                    return ($"{verdict.Code} by rule {policy.Name}: {verdict.Reason}", release);
                }

                if (verdict.Kind == VerdictKind.Defer && verdict.Until > deferredTo)
                {
                    deferredTo = verdict.Until;
                }
            }

            if (deferredTo == release)
            {
                return (null, release);
            }

            release = deferredTo;
        }

        return (null, release);
    }

    private void Finish(PendingReview review, FeedbackKind kind, string reviewer, string? reason, Instant now)
    {
        var approved = kind == FeedbackKind.ReviewApproved;
        MarketingAutomationDiagnostics.Reviews.Add(1, new KeyValuePair<string, object?>("result", approved ? "approved" : "rejected"));
        Log.ReviewResolved(_logger, review.ReviewId, review.CustomerId, approved ? "approved" : "rejected", reviewer);
        var m = review.Message.Message;
        try
        {
            _pipeline.Strategy.Learn(new DecisionFeedback(review.DecisionId, review.CustomerId, kind, now)
            {
                GoalId = m.GoalId,
                VariantId = m.VariantId,
                Channel = m.Channel,
                Reason = reason,
            });
        }
#pragma warning disable CA1031 // The review is resolved and stored; a learning failure is logged, not thrown.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.StrategyLearnFailed(_logger, ex, _pipeline.Strategy.Name, review.DecisionId);
        }
    }
}
