namespace MarketingAutomation.Simulation;

/// <summary>
/// Turns the engine's <see cref="DecisionTrace"/>s plus an observed reward into <see cref="LoggedDecision"/>s, assigning
/// each distinct chosen action ("goal/variant@channel", or "none" for no action) an action index, so a user can score a new
/// strategy on their own history.
/// </summary>
/// <example>
/// <code>
/// var converter = new DecisionLogConverter();
/// var logs = traces.Select(t => converter.Convert(t, reward: conversions.Contains(t.DecisionId) ? 1 : 0)).ToList();
/// var target = TargetPolicy.Always("always-welcome", converter.Actions.Count, converter.IndexOf("welcome/v2@email"));
/// var report = OffPolicyEstimators.Evaluate(logs, target);
/// </code>
/// </example>
public sealed class DecisionLogConverter
{
    /// <summary>The action key of "no action" (a trace with no chosen candidate).</summary>
    public const string NoAction = "none";

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _actions = [];

    /// <summary>Initializes a new instance of the <see cref="DecisionLogConverter"/> class.</summary>
    /// <param name="knownActions">Action keys to register first, in index order (so indices are stable across runs).</param>
    public DecisionLogConverter(IEnumerable<string>? knownActions = null)
    {
        foreach (var a in knownActions ?? [])
        {
            Register(a);
        }
    }

    /// <summary>Gets the action keys by index.</summary>
    public IReadOnlyList<string> Actions => _actions;

    /// <summary>The action key of a candidate: "goal/variant@channel" (plus "+offer" when it carries an offer), or "none".</summary>
    /// <param name="candidate">The chosen candidate, or null.</param>
    /// <returns>The key.</returns>
    public static string ActionKey(CandidateTrace? candidate) => candidate is null
        ? NoAction
        : candidate.OfferId is null ? $"{candidate.GoalId}/{candidate.VariantId}@{candidate.Channel}" : $"{candidate.GoalId}/{candidate.VariantId}@{candidate.Channel}+{candidate.OfferId}";

    /// <summary>Gets the index of an action key, registering it if new.</summary>
    /// <param name="actionKey">The key.</param>
    /// <returns>The index.</returns>
    public int IndexOf(string actionKey) => Register(actionKey);

    /// <summary>Converts one trace and its observed reward.</summary>
    /// <param name="trace">The decision trace (its <see cref="DecisionTrace.Propensity"/> is the logging propensity).</param>
    /// <param name="reward">The reward observed after the decision (for example 1 for a conversion within the window, else 0).</param>
    /// <param name="context">The context bucket (for table policies and the built-in reward model; default 0).</param>
    /// <returns>The logged decision, with <see cref="LoggedDecision.ContextId"/> set to the customer id.</returns>
    /// <exception cref="ArgumentException">The trace's propensity is not in (0, 1] or the reward is not finite.</exception>
    public LoggedDecision Convert(DecisionTrace trace, double reward, int context = 0)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (!(trace.Propensity > 0 && trace.Propensity <= 1))
        {
            throw new ArgumentException($"DecisionTrace {trace.DecisionId} has Propensity {trace.Propensity}; off-policy evaluation needs the probability of the logged choice in (0, 1]. Log decisions from a strategy that records propensities, or drop this trace.", nameof(trace));
        }

        if (!double.IsFinite(reward))
        {
            throw new ArgumentException($"The reward for DecisionTrace {trace.DecisionId} is {reward}; rewards must be finite.", nameof(reward));
        }

        var action = Register(ActionKey(trace.Chosen));
        return new LoggedDecision(context, action, trace.Propensity, reward) { ContextId = trace.CustomerId };
    }

    private int Register(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (!_index.TryGetValue(key, out var i))
        {
            i = _actions.Count;
            _index.Add(key, i);
            _actions.Add(key);
        }

        return i;
    }
}
