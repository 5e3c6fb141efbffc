namespace MarketingAutomation;

/// <summary>What a rule can check its configuration against when the pipeline is built.</summary>
/// <param name="Goals">The registered goals.</param>
/// <param name="Channels">The registered channels.</param>
public sealed record RuleValidationContext(ImmutableArray<Goal> Goals, ImmutableArray<IChannel> Channels);

/// <summary>
/// A rule (<see cref="IPolicy"/> or <see cref="IContentRule"/>) that can find contradictions in its own configuration: a window
/// that never opens, a cap of zero on the only channel a goal may use. Problems are reported at startup together with every other
/// configuration problem.
/// </summary>
public interface IValidatableRule
{
    /// <summary>Checks the rule's configuration.</summary>
    /// <param name="context">The goals and channels of the pipeline.</param>
    /// <returns>Every problem, each naming the rule and the fix; empty when valid.</returns>
    IEnumerable<string> Validate(RuleValidationContext context);
}

/// <summary>
/// A learned frequency tolerance for one customer (from the learning strategy). Frequency rules use it only to tighten their cap:
/// the cap in force is <c>min(user cap, learned)</c>, so nothing learned can ever loosen a cap a person set.
/// </summary>
public interface ICapTolerance
{
    /// <summary>Returns the most messages the customer tolerates in a window, or null when nothing is learned.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="window">The cap's window.</param>
    /// <param name="channel">The cap's channel kind, or null for all channels.</param>
    /// <returns>The learned maximum, or null.</returns>
    int? MaxMessages(CustomerContext customer, Duration window, ChannelKind? channel);
}
