using System.Globalization;

namespace MarketingAutomation;

/// <summary>
/// Turns a "wants to send" result into what gets committed: runs the middleware chain around compose, content rules and the review
/// gate, then builds the outbox row or the pending review and the final trace. Runs only for customers who get a message.
/// </summary>
internal sealed class DecisionProcessor
{
    private readonly MarketingPipeline _pipeline;
    private readonly DecisionHandler _handler;

    public DecisionProcessor(MarketingPipeline pipeline)
    {
        _pipeline = pipeline;
        DecisionHandler handler = CoreAsync;
        for (var i = pipeline.Middleware.Length - 1; i >= 0; i--)
        {
            var middleware = pipeline.Middleware[i];
            var next = handler;
            handler = (context, ct) => middleware.InvokeAsync(context, next, ct);
        }

        _handler = handler;
    }

    public async ValueTask<DecisionRecord> ProcessAsync(DecisionResult result, Instant now, CancellationToken cancellationToken)
    {
        var trace = result.Trace ?? new DecisionTrace(result.DecisionId, result.Customer.Id, now, DecisionOutcome.Send, result.ReasonCode);
        if (result.Outcome == DecisionOutcome.Error)
        {
            return new DecisionRecord(result.DecisionId, result.Customer.Id, now, DecisionOutcome.Error, result.ReasonCode, result.NextEvaluationAt) { Trace = trace };
        }

        if (result.Outcome != DecisionOutcome.Send)
        {
            return new DecisionRecord(result.DecisionId, result.Customer.Id, now, result.Outcome, result.ReasonCode, result.NextEvaluationAt) { Trace = trace };
        }

        var context = new DecisionContext(result.DecisionId, result.Customer, result.Chosen, result.Choice, result.SendAt, now, _pipeline.Services)
        {
            ReasonCode = result.ReasonCode,
        };
        try
        {
            await _handler(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failure composing one customer's message is recorded on its trace; the batch goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var next = now + _pipeline.Options.ErrorRetryInterval;
            return new DecisionRecord(result.DecisionId, result.Customer.Id, now, DecisionOutcome.Error, ReasonCodes.EvaluationError, next)
            {
                Trace = trace with
                {
                    Outcome = DecisionOutcome.Error,
                    ReasonCode = ReasonCodes.EvaluationError,
                    Error = $"{ex.GetType().Name} while composing or checking the message: {ex.Message}",
                    ErrorType = ex.GetType().Name,
                    NextEvaluationAt = next,
                    Notes = [.. context.Notes],
                },
            };
        }

        if (context.Outcome == DecisionOutcome.Send && context.Message is null)
        {
            context.Outcome = DecisionOutcome.Cancelled;
            context.ReasonCode = ReasonCodes.CancelledByMiddleware;
        }

        var candidate = context.Candidate;
        OutboxMessage? outbox = null;
        if (context.Message is { } composed)
        {
            var message = new OutboundMessage(result.DecisionId.ToString("N", CultureInfo.InvariantCulture), result.DecisionId, result.Customer.Id, candidate.Channel.Name, candidate.Contact.Address, composed.Body)
            {
                Kind = candidate.Channel.Kind,
                Subject = composed.Subject,
                Purpose = candidate.Purpose,
                GoalId = candidate.Goal.Id,
                VariantId = candidate.Variant.Id,
                Step = candidate.Variant.Step,
                OfferId = candidate.Offer?.Id,
                Headers = composed.Headers,
                Important = candidate.Goal.Important && candidate.FollowUpOf is null,
                FollowUpAfter = candidate.Goal.FollowUpAfter,
                FollowUpOf = candidate.FollowUpOf,
            };
            outbox = new OutboxMessage(message, context.SendAt);
        }

        var outcome = context.Outcome;
        var reason = context.ReasonCode ?? result.ReasonCode;
        var finalTrace = trace with
        {
            Outcome = outcome,
            ReasonCode = reason,
            SendAt = context.SendAt,
            ContentVerdicts = context.ContentVerdicts,
            ReviewReason = context.ReviewReason,
            MessageId = outcome is DecisionOutcome.Send or DecisionOutcome.Review ? outbox?.Id : null,
            Notes = [.. context.Notes],
        };
        var record = new DecisionRecord(result.DecisionId, result.Customer.Id, now, outcome, reason, result.NextEvaluationAt) { Trace = finalTrace };
        return outcome switch
        {
            DecisionOutcome.Send => record with { Outbox = outbox },
            DecisionOutcome.Review => record with
            {
                Review = new PendingReview("rev-" + outbox!.Id, outbox, reason, now) { Confidence = context.Choice.Confidence },
            },
            _ => record,
        };
    }

    private async ValueTask CoreAsync(DecisionContext context, CancellationToken cancellationToken)
    {
        var candidate = context.Candidate;
        var message = await _pipeline.Composer.ComposeAsync(new ComposeRequest(context.DecisionId, context.Customer, candidate, context.SendAt), cancellationToken).ConfigureAwait(false);
        context.Message = message;

        var rules = _pipeline.ContentRules;
        var verdicts = ImmutableArray.CreateBuilder<VerdictTrace>(rules.Length);
        var ruleContext = new ContentRuleContext(context.Customer, candidate, message, context.Now);
        string? violation = null;
        foreach (var rule in rules)
        {
            var v = rule.Evaluate(in ruleContext);
            verdicts.Add(new VerdictTrace(rule.Name, v.Kind, v.Code, v.Reason, v.Kind == VerdictKind.Defer ? v.Until : null));
            if (!v.IsAllowed)
            {
                violation ??= $"{rule.Name}: {v.Reason}";
            }
        }

        context.ContentVerdicts = verdicts.MoveToImmutable();
        if (violation is not null)
        {
            context.HoldForReview(ReasonCodes.ContentViolation, "content rule " + violation);
        }

        if (candidate.Goal.RequiresReview)
        {
            context.HoldForReview(ReasonCodes.GoalRequiresReview, $"goal '{candidate.Goal.Id}' requires review");
        }

        var threshold = _pipeline.Options.ReviewConfidenceThreshold;
        if (threshold > 0 && context.Choice.Confidence < threshold)
        {
            context.HoldForReview(
                ReasonCodes.LowConfidence,
                string.Create(CultureInfo.InvariantCulture, $"confidence {context.Choice.Confidence:0.###} is below the review threshold {threshold:0.###}"));
        }
    }
}
