namespace MarketingAutomation;

/// <summary>Registers the learning strategy.</summary>
public static class AdaptiveBuilderExtensions
{
    /// <summary>
    /// Sets the learning strategy (<see cref="AdaptiveStrategy"/>) as the decision strategy and its engaged-hours model
    /// (<see cref="AdaptiveSendTimeStrategy"/>) as the send-time strategy.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the options (exploration budget, control group, contact costs, priors...).</param>
    /// <returns>The builder.</returns>
    /// <remarks>Invalid options are reported when the agent is built, with every problem named. The strategy instance (and what it learns) is shared by every service provider built from this registration.</remarks>
    public static IMarketingAutomationBuilder UseAdaptiveStrategy(this IMarketingAutomationBuilder builder, Action<AdaptiveStrategyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new AdaptiveStrategyOptions();
        configure?.Invoke(options);
        // Invalid options surface in the aggregated configuration error (a failing factory is reported with its message).
        var strategy = new Lazy<AdaptiveStrategy>(() => new AdaptiveStrategy(options));
        return builder.SetDecisionStrategy(_ => strategy.Value).SetSendTimeStrategy(_ => new AdaptiveSendTimeStrategy(strategy.Value));
    }
}
