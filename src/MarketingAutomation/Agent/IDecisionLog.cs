using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation;

/// <summary>
/// Receives every decision the agent makes, "no action" included, with the strategy's score, confidence and the propensity of its
/// choice (<see cref="DecisionResult.Choice"/>): the log off-policy evaluation needs to score another strategy on this history.
/// Register one with <see cref="DecisionLogBuilderExtensions.AddDecisionLog"/>.
/// </summary>
/// <remarks>
/// Called once per decided batch, on the agent's loop, after deciding and before committing; keep it fast and do not throw (an
/// exception is logged and the batch goes on). Results are borrowed: copy what you keep. Traces exist only for decisions that send
/// or wait for review (and in explain mode); a no-action result has <see cref="DecisionResult.DecisionId"/> <see cref="Guid.Empty"/>.
/// </remarks>
public interface IDecisionLog
{
    /// <summary>Records a batch of decisions made at <paramref name="now"/>.</summary>
    /// <param name="results">The decisions, one per customer evaluated.</param>
    /// <param name="now">The instant they were made.</param>
    void Record(ReadOnlySpan<DecisionResult> results, Instant now);
}

/// <summary>Builder shortcut for decision logs.</summary>
public static class DecisionLogBuilderExtensions
{
    /// <summary>Adds a log that receives every decision with its propensity (several logs may be added).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="log">The log.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddDecisionLog(this IMarketingAutomationBuilder builder, IDecisionLog log)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(log);
        builder.Services.AddSingleton(log);
        return builder;
    }
}
