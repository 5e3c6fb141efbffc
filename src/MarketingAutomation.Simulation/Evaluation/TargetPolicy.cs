namespace MarketingAutomation.Simulation;

/// <summary>Fills <paramref name="probabilities"/> with the target policy's action probabilities pi(a|x) for one logged row.</summary>
/// <param name="row">The logged row (its context, context id and features describe x).</param>
/// <param name="probabilities">One slot per action; the values must be in [0, 1] and sum to 1.</param>
public delegate void PolicyProbabilities(in LoggedDecision row, Span<double> probabilities);

/// <summary>Chooses one action for one logged row (a deterministic policy).</summary>
/// <param name="row">The logged row.</param>
/// <returns>The action index, from 0 to the number of actions minus 1.</returns>
public delegate int PolicyChoice(in LoggedDecision row);

/// <summary>
/// The policy to evaluate, given as action probabilities pi(a|x) over a fixed number of actions. Build one with
/// <see cref="FromProbabilities"/>, <see cref="Deterministic"/>, <see cref="Always"/>, <see cref="Uniform"/> or
/// <see cref="FromTable"/>.
/// </summary>
public sealed class TargetPolicy
{
    private readonly PolicyProbabilities _probabilities;

    private TargetPolicy(string name, int actionCount, PolicyProbabilities probabilities, PolicyChoice? choice)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actionCount, 1);
        Name = name;
        ActionCount = actionCount;
        _probabilities = probabilities;
        Choice = choice;
    }

    /// <summary>Gets the policy's name (used in reports).</summary>
    public string Name { get; }

    /// <summary>Gets the number of actions.</summary>
    public int ActionCount { get; }

    /// <summary>Gets a value indicating whether the policy is deterministic (one action per context), which replay requires.</summary>
    public bool IsDeterministic => Choice is not null;

    /// <summary>Gets the choice function of a deterministic policy, or null for a stochastic one.</summary>
    public PolicyChoice? Choice { get; }

    /// <summary>Creates a stochastic policy from a probability function.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="actionCount">The number of actions.</param>
    /// <param name="probabilities">Fills pi(.|x) for a row.</param>
    /// <returns>The policy.</returns>
    public static TargetPolicy FromProbabilities(string name, int actionCount, PolicyProbabilities probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return new TargetPolicy(name, actionCount, probabilities, null);
    }

    /// <summary>Creates a deterministic policy: pi(a|x) = 1 for the chosen action, 0 otherwise.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="actionCount">The number of actions.</param>
    /// <param name="choose">Chooses the action for a row.</param>
    /// <returns>The policy.</returns>
    public static TargetPolicy Deterministic(string name, int actionCount, PolicyChoice choose)
    {
        ArgumentNullException.ThrowIfNull(choose);
        return new TargetPolicy(
            name,
            actionCount,
            (in LoggedDecision row, Span<double> p) =>
            {
                p.Clear();
                p[choose(row)] = 1.0;
            },
            choose);
    }

    /// <summary>Creates the policy that always takes <paramref name="action"/>.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="actionCount">The number of actions.</param>
    /// <param name="action">The action.</param>
    /// <returns>The policy.</returns>
    public static TargetPolicy Always(string name, int actionCount, int action)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(action);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(action, actionCount);
        return Deterministic(name, actionCount, (in LoggedDecision _) => action);
    }

    /// <summary>Creates the uniform-random policy over <paramref name="actionCount"/> actions.</summary>
    /// <param name="actionCount">The number of actions.</param>
    /// <returns>The policy, named "uniform".</returns>
    public static TargetPolicy Uniform(int actionCount)
    {
        var p = 1.0 / actionCount;
        return FromProbabilities("uniform", actionCount, (in LoggedDecision _, Span<double> probs) => probs.Fill(p));
    }

    /// <summary>Creates a policy from a table of probabilities per context bucket: <c>table[context][action]</c>.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="table">One probability row per context (each summing to 1).</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentException">A row has the wrong length or does not sum to 1.</exception>
    public static TargetPolicy FromTable(string name, IReadOnlyList<IReadOnlyList<double>> table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Count == 0)
        {
            throw new ArgumentException("table has no context rows; pass one probability row per context bucket.", nameof(table));
        }

        var k = table[0].Count;
        var flat = new double[table.Count * k];
        for (var c = 0; c < table.Count; c++)
        {
            if (table[c].Count != k)
            {
                throw new ArgumentException($"table[{c}] has {table[c].Count} probabilities but table[0] has {k}; give every context the same actions.", nameof(table));
            }

            var sum = 0.0;
            for (var a = 0; a < k; a++)
            {
                var v = table[c][a];
                if (!(v >= 0 && v <= 1))
                {
                    throw new ArgumentException($"table[{c}][{a}] is {v}; a probability must be in [0, 1].", nameof(table));
                }

                flat[(c * k) + a] = v;
                sum += v;
            }

            if (Math.Abs(sum - 1) > 1e-6)
            {
                throw new ArgumentException($"table[{c}] sums to {sum}; the probabilities of one context must sum to 1.", nameof(table));
            }
        }

        var contexts = table.Count;
        return FromProbabilities(
            name,
            k,
            (in LoggedDecision row, Span<double> p) =>
            {
                if ((uint)row.Context >= (uint)contexts)
                {
                    throw new ArgumentException($"Context {row.Context} has no row in the policy table of {contexts} contexts.", nameof(row));
                }

                flat.AsSpan(row.Context * k, k).CopyTo(p);
            });
    }

    /// <summary>Fills pi(.|x) for one row.</summary>
    /// <param name="row">The logged row.</param>
    /// <param name="probabilities">One slot per action.</param>
    public void Probabilities(in LoggedDecision row, Span<double> probabilities)
    {
        if (probabilities.Length != ActionCount)
        {
            throw new ArgumentException($"probabilities has {probabilities.Length} slots for {ActionCount} actions.", nameof(probabilities));
        }

        _probabilities(row, probabilities);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
