using Microsoft.Extensions.DependencyInjection;

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
    /// <remarks>
    /// <para>Invalid options are reported when the agent is built, with every problem named. The strategy instance (and what it learns) is
    /// shared by every service provider built from this registration, and is registered as a service.</para>
    /// <para>The strategy already holds marketing for a customer at their learned tolerance. To make a cap rule tighten by it too:
    /// <c>builder.AddPolicy(sp =&gt; new FrequencyCapPolicy(3, Duration.FromDays(7)) { Tolerance = sp.GetRequiredService&lt;AdaptiveStrategy&gt;() })</c>.</para>
    /// </remarks>
    public static IMarketingAutomationBuilder UseAdaptiveStrategy(this IMarketingAutomationBuilder builder, Action<AdaptiveStrategyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new AdaptiveStrategyOptions();
        configure?.Invoke(options);
        // Invalid options surface in the aggregated configuration error (a failing factory is reported with its message).
        var strategy = new Lazy<AdaptiveStrategy>(() => new AdaptiveStrategy(options));
        builder.Services.AddSingleton(_ => strategy.Value);
        return builder.SetDecisionStrategy(_ => strategy.Value).SetSendTimeStrategy(_ => new AdaptiveSendTimeStrategy(strategy.Value));
    }
}
