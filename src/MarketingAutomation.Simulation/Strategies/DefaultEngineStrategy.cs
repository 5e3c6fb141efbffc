namespace MarketingAutomation.Simulation;

/// <summary>
/// The engine out of the box, as the Quickstart configures it: welcome sequence, win-back (important, with a follow-up on another
/// channel), cross-sell on the simulated catalog, renewal reminder and VIP recommendation, chosen by <see cref="GoalPriorityStrategy"/>
/// and sent at once.
/// </summary>
public sealed class DefaultEngineStrategy : LabStrategy
{
    /// <summary>The strategy's name.</summary>
    public const string StrategyName = "default";

    /// <inheritdoc />
    public override string Name => StrategyName;

    /// <inheritdoc />
    public override string Description => "the engine's built-in goals + goal-priority strategy (as the Quickstart)";

    /// <inheritdoc />
    public override void Configure(IMarketingAutomationBuilder builder, SimulatedWorld world)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddDefaultGoals(builder).UseGoalPriorityStrategy();
    }

    /// <summary>Adds the engine's built-in goals with the Quickstart's settings (also used by the oracle).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    internal static IMarketingAutomationBuilder AddDefaultGoals(IMarketingAutomationBuilder builder) =>
        builder
            .AddWelcomeSequence()
            .AddWinBack(new WinBackGoal { InactiveFor = Duration.FromDays(45), Important = true, FollowUpAfter = Duration.FromDays(2) })
            .AddCrossSell(new CrossSellGoal(SimulatedCatalog.CrossSellRules))
            .AddRenewalReminder()
            .AddVipRecommendation(new VipRecommendationGoal { MinimumLifetimeValue = 600m });
}
