namespace MarketingAutomation;

/// <summary>Builder shortcuts for the built-in goals and the default strategy.</summary>
public static class GoalBuilderExtensions
{
    /// <summary>Adds the welcome sequence (default: three steps on day 0, 2 and 5).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="goal">A configured goal, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddWelcomeSequence(this IMarketingAutomationBuilder builder, WelcomeSequenceGoal? goal = null) =>
        builder.AddGoal(goal ?? new WelcomeSequenceGoal());

    /// <summary>Adds win-back (default: after 60 days without purchase).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="goal">A configured goal, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddWinBack(this IMarketingAutomationBuilder builder, WinBackGoal? goal = null) =>
        builder.AddGoal(goal ?? new WinBackGoal());

    /// <summary>Adds cross-sell from a related-products map.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="goal">The configured goal.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddCrossSell(this IMarketingAutomationBuilder builder, CrossSellGoal goal)
    {
        ArgumentNullException.ThrowIfNull(goal);
        return builder.AddGoal(goal);
    }

    /// <summary>Adds the renewal reminder (default: 7 days before).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="goal">A configured goal, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddRenewalReminder(this IMarketingAutomationBuilder builder, RenewalReminderGoal? goal = null) =>
        builder.AddGoal(goal ?? new RenewalReminderGoal());

    /// <summary>Adds the VIP recommendation (default: lifetime value 1,000, every 30 days).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="goal">A configured goal, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddVipRecommendation(this IMarketingAutomationBuilder builder, VipRecommendationGoal? goal = null) =>
        builder.AddGoal(goal ?? new VipRecommendationGoal());

    /// <summary>Sets the simple default strategy (<see cref="GoalPriorityStrategy"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseGoalPriorityStrategy(this IMarketingAutomationBuilder builder) =>
        builder.SetDecisionStrategy(new GoalPriorityStrategy());
}
