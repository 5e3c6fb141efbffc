namespace MarketingAutomation.Simulation;

/// <summary>
/// The learning agent as a user would configure it: the engine's built-in goals plus the always-available promotion (the same goals the
/// oracle chooses from), <see cref="AdaptiveStrategy"/> and its engaged-hours send-time model, with the run's contact costs. It sees only
/// what the engine sees (customer facts, history and feedback), never the hidden truth.
/// </summary>
/// <remarks>
/// The strategy's own control group is switched off here because the lab runner already holds out a global control group of the same
/// kind (a 5 % hash bucket, never imported); holding out a second one would only shrink the treated population.
/// </remarks>
public sealed class AdaptiveLabStrategy : LabStrategy
{
    /// <summary>The strategy's name.</summary>
    public const string StrategyName = AdaptiveStrategy.StrategyName;

    /// <summary>Initializes a new instance of the <see cref="AdaptiveLabStrategy"/> class.</summary>
    /// <param name="costs">The run's contact costs (the agent pays them, like the oracle); defaults when null.</param>
    public AdaptiveLabStrategy(ContactCosts? costs = null)
    {
        Costs = costs ?? ContactCosts.Default;
    }

    /// <inheritdoc />
    public override string Name => StrategyName;

    /// <inheritdoc />
    public override string Description => "learns per customer and context: Thompson sampling over allowed candidates, engaged hours, uplift-aware no action";

    /// <summary>Gets the contact costs.</summary>
    public ContactCosts Costs { get; }

    /// <summary>Gets how often a customer is re-evaluated when the agent chose nothing.</summary>
    /// <value>The default value is 24 hours (the send-time model looks 24 hours ahead).</value>
    public Duration ReevaluationInterval { get; init; } = Duration.FromHours(24);

    /// <summary>Gets a hook to change the strategy's options (for experiments).</summary>
    public Action<AdaptiveStrategyOptions>? ConfigureStrategy { get; init; }

    /// <inheritdoc />
    public override void Configure(IMarketingAutomationBuilder builder, SimulatedWorld world)
    {
        ArgumentNullException.ThrowIfNull(builder);
        DefaultEngineStrategy.AddDefaultGoals(builder)
            .AddGoal(new PromotionGoal())
            .UseAdaptiveStrategy(o =>
            {
                o.ControlGroupShare = 0;
                o.AttentionCost = Costs.AttentionCost;
                foreach (var (kind, price) in Costs.PerMessage)
                {
                    o.ContactCost[kind] = price + Costs.AttentionCost;
                }

                ConfigureStrategy?.Invoke(o);
            });
    }

    /// <inheritdoc />
    public override void ConfigureOptions(MarketingAutomationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ReevaluationInterval = ReevaluationInterval;
    }
}
