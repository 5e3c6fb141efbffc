namespace MarketingAutomation.Simulation;

/// <summary>
/// What one message costs the business, in the currency of revenue: the channel's price (configured per channel kind, else the channel's
/// <see cref="ChannelCapabilities.CostPerMessage"/>) plus an attention cost per message (the customer's patience is not free). Net value
/// subtracts these costs; the oracle maximises net value with the same costs.
/// </summary>
public sealed class ContactCosts
{
    /// <summary>Gets the default costs: channel prices from the channels, 0.02 attention cost per message.</summary>
    public static ContactCosts Default { get; } = new();

    /// <summary>Gets the attention cost added to every message.</summary>
    /// <value>The default value is 0.02.</value>
    public double AttentionCost { get; init; } = 0.02;

    /// <summary>Gets per-channel-kind prices that replace the channel's own <see cref="ChannelCapabilities.CostPerMessage"/>.</summary>
    public ImmutableDictionary<ChannelKind, double> PerMessage { get; init; } = ImmutableDictionary<ChannelKind, double>.Empty;

    /// <summary>Checks the costs.</summary>
    /// <returns>Every problem, naming the property and the fix; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!double.IsFinite(AttentionCost) || AttentionCost < 0)
        {
            problems.Add($"ContactCosts.AttentionCost is {AttentionCost}; it must be a finite number >= 0 (default 0.02).");
        }

        foreach (var (kind, cost) in PerMessage)
        {
            if (!double.IsFinite(cost) || cost < 0)
            {
                problems.Add($"ContactCosts.PerMessage[{kind}] is {cost}; it must be a finite number >= 0.");
            }
        }

        return problems;
    }

    /// <summary>The full cost of one message on a channel: its price plus <see cref="AttentionCost"/>.</summary>
    /// <param name="kind">The channel kind.</param>
    /// <param name="channelCostPerMessage">The channel's own price, used when <see cref="PerMessage"/> has none for the kind.</param>
    /// <returns>The cost.</returns>
    public double CostOf(ChannelKind kind, double channelCostPerMessage) =>
        (PerMessage.TryGetValue(kind, out var configured) ? configured : channelCostPerMessage) + AttentionCost;

    /// <summary>The full cost of one message on a channel: its price plus <see cref="AttentionCost"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <returns>The cost.</returns>
    public double CostOf(IChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return CostOf(channel.Kind, channel.Capabilities.CostPerMessage);
    }
}
