using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MarketingAutomation;

/// <summary>Built-in middleware for the steps around a message (compose, content rules, review gate).</summary>
public static partial class MiddlewareBuilderExtensions
{
    /// <summary>
    /// Shadow mode: every decision is made, composed, checked and traced, but cancelled before it reaches the outbox or the review
    /// queue. Use it to watch what the agent would do before letting it send.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseDryRun(this IMarketingAutomationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(_ => new DryRunMiddleware());
    }

    /// <summary>Holds a decision for human review when a condition holds (for example every offer above 15 %).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="condition">The condition, checked after composing and the content rules.</param>
    /// <param name="reason">The review reason recorded on the trace.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseReviewWhen(this IMarketingAutomationBuilder builder, Func<DecisionContext, bool> condition, string reason)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return builder.Use(_ => new ReviewWhenMiddleware(condition, reason));
    }

    /// <summary>Logs every decision that produces a message at Debug (decision id, customer id, goal, channel, outcome; never addresses or bodies).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseDecisionLogging(this IMarketingAutomationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(sp => new DecisionLoggingMiddleware(sp.GetRequiredService<ILoggerFactory>().CreateLogger("MarketingAutomation.Decisions")));
    }

    private sealed class DryRunMiddleware : IDecisionMiddleware
    {
        public async ValueTask InvokeAsync(DecisionContext context, DecisionHandler continuation, CancellationToken cancellationToken)
        {
            await continuation(context, cancellationToken).ConfigureAwait(false);
            context.Outcome = DecisionOutcome.Cancelled;
            context.ReasonCode = ReasonCodes.CancelledByMiddleware;
            context.AddNote("dry run: decided and composed, not sent");
        }
    }

    private sealed class ReviewWhenMiddleware(Func<DecisionContext, bool> condition, string reason) : IDecisionMiddleware
    {
        public async ValueTask InvokeAsync(DecisionContext context, DecisionHandler continuation, CancellationToken cancellationToken)
        {
            await continuation(context, cancellationToken).ConfigureAwait(false);
            if (context.Outcome == DecisionOutcome.Send && condition(context))
            {
                context.HoldForReview("ReviewRule", reason);
            }
        }
    }

    private sealed partial class DecisionLoggingMiddleware(ILogger logger) : IDecisionMiddleware
    {
        public async ValueTask InvokeAsync(DecisionContext context, DecisionHandler continuation, CancellationToken cancellationToken)
        {
            await continuation(context, cancellationToken).ConfigureAwait(false);
            LogDecision(context.DecisionId, context.Customer.Id, context.Candidate.Goal.Id, context.Candidate.Channel.Name, context.Outcome, context.ReasonCode, context.Choice.Confidence);
        }

        [LoggerMessage(EventId = 1050, EventName = "Decision", Level = LogLevel.Debug,
            Message = "Decision {DecisionId} for customer {CustomerId}: goal {GoalId} via {Channel} -> {Outcome} ({Reason}, confidence {Confidence:0.###}).")]
        private partial void LogDecision(Guid decisionId, string customerId, string goalId, string channel, DecisionOutcome outcome, string? reason, double confidence);
    }
}
