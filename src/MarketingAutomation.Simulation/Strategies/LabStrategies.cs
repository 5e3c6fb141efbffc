namespace MarketingAutomation.Simulation;

/// <summary>
/// The registry of lab strategies by name: the baselines are built in; others (for example the learning strategy) register a factory.
/// The console's <c>--strategies a,b,c</c> resolves names here.
/// </summary>
public static class LabStrategies
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Func<ContactCosts, LabStrategy>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        [NoContactStrategy.StrategyName] = _ => new NoContactStrategy(),
        [BatchAndBlastStrategy.StrategyName] = _ => new BatchAndBlastStrategy(),
        [RuleBasedFlowsStrategy.StrategyName] = _ => new RuleBasedFlowsStrategy(),
        [DefaultEngineStrategy.StrategyName] = _ => new DefaultEngineStrategy(),
        [OracleStrategy.StrategyName] = costs => new OracleStrategy(costs),
        [AdaptiveLabStrategy.StrategyName] = costs => new AdaptiveLabStrategy(costs),
        [OracleStrategy.StrictName] = costs => new OracleStrategy(costs, OracleStrategy.StrictName) { UnsubscribePenalty = 150, ComplaintPenalty = 300 },
    };

    private static readonly List<string> Order = [NoContactStrategy.StrategyName, BatchAndBlastStrategy.StrategyName, RuleBasedFlowsStrategy.StrategyName, DefaultEngineStrategy.StrategyName, OracleStrategy.StrategyName, AdaptiveLabStrategy.StrategyName, OracleStrategy.StrictName];

    /// <summary>Gets the strategies the console compares by default.</summary>
    public static ImmutableArray<string> DefaultComparison { get; } =
        [BatchAndBlastStrategy.StrategyName, RuleBasedFlowsStrategy.StrategyName, DefaultEngineStrategy.StrategyName, AdaptiveLabStrategy.StrategyName, OracleStrategy.StrategyName];

    /// <summary>Gets the names of every registered strategy, in registration order.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate)
            {
                return [.. Order];
            }
        }
    }

    /// <summary>Registers (or replaces) a strategy under a name.</summary>
    /// <param name="name">The name (case-insensitive; letters, digits and '-').</param>
    /// <param name="factory">Creates the strategy from the run's contact costs.</param>
    /// <exception cref="ArgumentException">The name is empty or has other characters.</exception>
    public static void Register(string name, Func<ContactCosts, LabStrategy> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        foreach (var ch in name)
        {
            if (!char.IsAsciiLetterOrDigit(ch) && ch != '-')
            {
                throw new ArgumentException($"Strategy name '{name}' may contain only letters, digits and '-' (it appears on result lines).", nameof(name));
            }
        }

        lock (Gate)
        {
            if (!Factories.ContainsKey(name))
            {
                Order.Add(name);
            }

            Factories[name] = factory;
        }
    }

    /// <summary>Creates a strategy by name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="costs">The contact costs of the run (the oracle optimises with them); defaults when null.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentException">No strategy has that name; the message lists the known ones.</exception>
    public static LabStrategy Create(string name, ContactCosts? costs = null) =>
        TryCreate(name, costs, out var strategy)
            ? strategy
            : throw new ArgumentException($"Unknown strategy '{name}'; known strategies: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Creates a strategy by name, if one is registered.</summary>
    /// <param name="name">The name.</param>
    /// <param name="costs">The contact costs of the run; defaults when null.</param>
    /// <param name="strategy">The strategy, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public static bool TryCreate(string name, ContactCosts? costs, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LabStrategy? strategy)
    {
        Func<ContactCosts, LabStrategy>? factory;
        lock (Gate)
        {
            Factories.TryGetValue(name ?? string.Empty, out factory);
        }

        strategy = factory?.Invoke(costs ?? ContactCosts.Default);
        return strategy is not null;
    }

    /// <summary>Creates every registered strategy.</summary>
    /// <param name="costs">The contact costs of the run; defaults when null.</param>
    /// <returns>The strategies, in registration order.</returns>
    public static IReadOnlyList<LabStrategy> All(ContactCosts? costs = null)
    {
        var names = Names;
        var strategies = new List<LabStrategy>(names.Count);
        foreach (var name in names)
        {
            strategies.Add(Create(name, costs));
        }

        return strategies;
    }
}
