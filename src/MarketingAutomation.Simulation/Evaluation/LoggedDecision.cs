namespace MarketingAutomation.Simulation;

/// <summary>
/// One logged decision for off-policy evaluation: the context it was made in, the action the logging policy took, the
/// probability with which it took that action, and the reward observed afterwards.
/// </summary>
/// <param name="Context">
/// An integer context key: a context bucket (for example a segment or a slot position), used by table policies and by the
/// built-in reward model. Use 0 when every row shares one context.
/// </param>
/// <param name="Action">The logged action, an index from 0 to the number of actions minus 1.</param>
/// <param name="Propensity">The probability with which the logging policy chose <paramref name="Action"/>, in (0, 1].</param>
/// <param name="Reward">The observed reward (finite; often 0/1 for a click, visit or conversion).</param>
public readonly record struct LoggedDecision(int Context, int Action, double Propensity, double Reward)
{
    /// <summary>Gets an optional identifier of the context (for example the customer id); estimators ignore it.</summary>
    public string? ContextId { get; init; }

    /// <summary>Gets optional context features a target policy or reward model may read; estimators ignore them.</summary>
    public ReadOnlyMemory<double> Features { get; init; }
}
