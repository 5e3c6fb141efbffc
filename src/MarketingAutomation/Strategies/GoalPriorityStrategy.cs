namespace MarketingAutomation;

/// <summary>
/// The simple default strategy: the highest goal priority wins; among equal priorities the highest value
/// (goal value x variant weight x channel preference) wins; ties go to the earlier candidate. Deterministic (propensity 1).
/// </summary>
/// <remarks>
/// Confidence measures how clearly one goal beats the others: 1 when the winning goal has a strictly higher priority than every other
/// goal with an allowed candidate, otherwise 1 - (best other goal's value / winning value). Two goals of the same priority and similar
/// value give a low confidence, which the review gate holds for a person. Channel alternatives of the same goal do not lower confidence:
/// the channel order is a configured preference, not a guess. The learning strategy replaces this one.
/// </remarks>
public sealed class GoalPriorityStrategy : IDecisionStrategy
{
    /// <summary>Initializes a new instance of the <see cref="GoalPriorityStrategy"/> class.</summary>
    public GoalPriorityStrategy()
    {
    }

    /// <summary>Gets the multiplier per channel kind (index = <see cref="ChannelKind"/> value).</summary>
    /// <value>The defaults prefer e-mail (1.0), then in-app (0.95), push (0.9), SMS (0.85) and webhook (0.8).</value>
    public ImmutableArray<double> ChannelPreference { get; init; } = [1.0, 0.85, 0.9, 0.95, 0.8];

    /// <inheritdoc />
    public string Name => "goal-priority";

    /// <inheritdoc />
    public StrategyChoice Choose(StrategyContext context)
    {
        var candidates = context.Candidates;
        var scores = context.Scores;
        var best = -1;
        var bestPriority = int.MinValue;
        var bestValue = double.NegativeInfinity;
        for (var i = 0; i < candidates.Length; i++)
        {
            var c = candidates[i];
            var value = Value(c);
            scores[i] = value;
            var priority = c.Goal.Priority;
            if (priority > bestPriority || (priority == bestPriority && value > bestValue))
            {
                best = i;
                bestPriority = priority;
                bestValue = value;
            }
        }

        if (best < 0)
        {
            return StrategyChoice.None(ReasonCodes.StrategyChoseNoAction);
        }

        // Confidence: how clearly the winning goal beats the best other goal.
        var winner = candidates[best].Goal;
        var rivalValue = 0.0;
        for (var i = 0; i < candidates.Length; i++)
        {
            var g = candidates[i].Goal;
            if (ReferenceEquals(g, winner))
            {
                continue;
            }

            if (g.Priority == bestPriority && scores[i] > rivalValue)
            {
                rivalValue = scores[i];
            }
        }

        var confidence = bestValue <= 0 ? (rivalValue > 0 ? 0 : 1) : Math.Clamp(1 - (rivalValue / bestValue), 0, 1);
        return new StrategyChoice(best, bestValue, confidence, 1.0);
    }

    /// <inheritdoc />
    public void Learn(DecisionFeedback feedback)
    {
        // This strategy does not learn; the learning strategy does.
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    private double Value(in Candidate c)
    {
        var kind = (int)c.ChannelKind;
        var channelWeight = kind < ChannelPreference.Length ? ChannelPreference[kind] : 1.0;
        return c.Goal.Value * c.Variant.Weight * channelWeight;
    }
}

/// <summary>The default send-time strategy: send as soon as the decision is made.</summary>
public sealed class ImmediateSendTimeStrategy : ISendTimeStrategy
{
    /// <summary>The reason recorded on traces.</summary>
    public const string Reason = "immediate: no send-time model configured";

    /// <inheritdoc />
    public SendTimeChoice ChooseSendTime(in TimingContext context) => new(context.Now, Reason);
}
