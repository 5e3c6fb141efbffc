namespace MarketingAutomation.Simulation;

/// <summary>
/// The counterfactual: the agent runs with a goal that never proposes anything, so nobody gets a message. Its revenue is what the
/// population buys on its own; every other strategy's incremental revenue is measured against it on the same random draws.
/// </summary>
public sealed class NoContactStrategy : LabStrategy
{
    /// <summary>The strategy's name.</summary>
    public const string StrategyName = "none";

    /// <inheritdoc />
    public override string Name => StrategyName;

    /// <inheritdoc />
    public override string Description => "no messages at all (the counterfactual for net value)";

    /// <inheritdoc />
    public override void Configure(IMarketingAutomationBuilder builder, SimulatedWorld world)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGoal(new DormantGoal()).UseGoalPriorityStrategy();
    }

    /// <inheritdoc />
    public override void ConfigureOptions(MarketingAutomationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Nothing can ever be proposed: look at each customer once a year rather than once a day.
        options.ReevaluationInterval = Duration.FromDays(365);
    }

    /// <summary>A goal that never proposes (the engine needs at least one goal).</summary>
    private sealed class DormantGoal : Goal
    {
        public DormantGoal()
            : base("no-contact")
        {
            Variants = [new ContentVariant("never") { Subject = "-", Body = "never sent" }];
        }

        public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
        {
        }
    }
}
