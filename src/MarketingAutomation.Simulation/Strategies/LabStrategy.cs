namespace MarketingAutomation.Simulation;

/// <summary>
/// One way of running the agent in the lab: a name and how to configure it (goals, decision strategy, send-time strategy). The rules
/// never come from the strategy: the runner adds the same <see cref="LabRules"/> to every strategy, so results compare like with like.
/// </summary>
/// <remarks>Register new strategies (for example the learning one) with <see cref="LabStrategies.Register"/>.</remarks>
public abstract class LabStrategy
{
    /// <summary>Gets the strategy's name (lower-case, used by <c>--strategies</c> and on result lines).</summary>
    public abstract string Name { get; }

    /// <summary>Gets a one-line description for tables and help.</summary>
    public virtual string Description => Name;

    /// <summary>Adds goals, the decision strategy and optionally a send-time strategy to the agent. Must not add rules.</summary>
    /// <param name="builder">The agent's builder (store, channels and rules are already set).</param>
    /// <param name="world">The simulated world of this run (only the oracle may look at its hidden truth).</param>
    public abstract void Configure(IMarketingAutomationBuilder builder, SimulatedWorld world);

    /// <summary>Adjusts the agent's options (for example how often a customer is re-evaluated). The runner has set lab defaults before.</summary>
    /// <param name="options">The options.</param>
    public virtual void ConfigureOptions(MarketingAutomationOptions options)
    {
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
