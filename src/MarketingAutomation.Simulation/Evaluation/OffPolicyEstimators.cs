namespace MarketingAutomation.Simulation;

/// <summary>
/// Off-policy estimators of a target policy's expected reward per decision from logs of another (logging) policy with
/// recorded propensities: replay, IPS, SNIPS and doubly robust, each with a seeded percentile bootstrap interval.
/// </summary>
/// <remarks>
/// With weights w_i = pi(a_i|x_i) / p_i: IPS = mean(w r); SNIPS = sum(w r) / sum(w); DR = mean(sum_a pi(a|x) q(x,a) + w (r - q(x,a_i)));
/// replay (deterministic targets) = mean of r over the rows whose logged action is the target's choice. IPS and DR are
/// unbiased and SNIPS consistent when every action the target can take had a positive logging propensity; replay is unbiased
/// only when the logging probability of the target's choice is the same in every row (uniform logging, as in an A/B test).
/// Invalid rows throw an <see cref="ArgumentException"/> naming the row and the field.
/// </remarks>
public static class OffPolicyEstimators
{
    /// <summary>Replay: mean reward over rows where the logged action equals the deterministic target's choice.</summary>
    /// <param name="logs">The logged decisions.</param>
    /// <param name="target">A deterministic target policy.</param>
    /// <param name="bootstrap">Interval settings (defaults when null).</param>
    /// <returns>The estimate.</returns>
    public static OffPolicyEstimate Replay(IReadOnlyList<LoggedDecision> logs, TargetPolicy target, BootstrapOptions? bootstrap = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsDeterministic)
        {
            throw new ArgumentException($"Replay needs a deterministic target policy but '{target.Name}' is stochastic; use IPS, SNIPS or DR, or build the target with TargetPolicy.Deterministic.", nameof(target));
        }

        return Evaluate(logs, target, RewardModel.Zero, bootstrap).Replay!;
    }

    /// <summary>Inverse propensity scoring: mean of w r.</summary>
    /// <param name="logs">The logged decisions.</param>
    /// <param name="target">The target policy.</param>
    /// <param name="bootstrap">Interval settings (defaults when null).</param>
    /// <returns>The estimate.</returns>
    public static OffPolicyEstimate Ips(IReadOnlyList<LoggedDecision> logs, TargetPolicy target, BootstrapOptions? bootstrap = null) =>
        Evaluate(logs, target, RewardModel.Zero, bootstrap).Ips;

    /// <summary>Self-normalised IPS: sum(w r) / sum(w).</summary>
    /// <param name="logs">The logged decisions.</param>
    /// <param name="target">The target policy.</param>
    /// <param name="bootstrap">Interval settings (defaults when null).</param>
    /// <returns>The estimate.</returns>
    public static OffPolicyEstimate Snips(IReadOnlyList<LoggedDecision> logs, TargetPolicy target, BootstrapOptions? bootstrap = null) =>
        Evaluate(logs, target, RewardModel.Zero, bootstrap).Snips;

    /// <summary>Doubly robust: the reward model's value of the target plus the IPS-weighted residual.</summary>
    /// <param name="logs">The logged decisions.</param>
    /// <param name="target">The target policy.</param>
    /// <param name="model">The reward model q-hat (default: <see cref="RewardModel.ContextActionMeans"/> with 2 folds).</param>
    /// <param name="bootstrap">Interval settings (defaults when null).</param>
    /// <returns>The estimate.</returns>
    public static OffPolicyEstimate DoublyRobust(IReadOnlyList<LoggedDecision> logs, TargetPolicy target, RewardModel? model = null, BootstrapOptions? bootstrap = null) =>
        Evaluate(logs, target, model, bootstrap).DoublyRobust;

    /// <summary>Every estimator at once (one pass, one set of bootstrap resamples shared by all).</summary>
    /// <param name="logs">The logged decisions.</param>
    /// <param name="target">The target policy.</param>
    /// <param name="model">The reward model for DR (default: <see cref="RewardModel.ContextActionMeans"/> with 2 folds, seeded by the bootstrap seed).</param>
    /// <param name="bootstrap">Interval settings (defaults when null).</param>
    /// <returns>The report (replay only for deterministic targets).</returns>
    /// <exception cref="ArgumentException">A row is invalid (the message names the row and the field), or the logs are empty.</exception>
    public static OffPolicyReport Evaluate(IReadOnlyList<LoggedDecision> logs, TargetPolicy target, RewardModel? model = null, BootstrapOptions? bootstrap = null)
    {
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(target);
        bootstrap ??= new BootstrapOptions();
        bootstrap.Validate();
        model ??= RewardModel.ContextActionMeans(seed: bootstrap.Seed);
        var n = logs.Count;
        if (n == 0)
        {
            throw new ArgumentException("logs is empty; off-policy estimates need at least one logged decision.", nameof(logs));
        }

        var k = target.ActionCount;
        Validate(logs, k);

        var q = new double[n * k];
        model.PredictAll(logs, k, q);

        var w = new double[n];
        var wr = new double[n];
        var dr = new double[n];
        var match = new double[n];
        var matchR = new double[n];
        Span<double> pi = k <= 256 ? stackalloc double[k] : new double[k];
        double sumW = 0, sumW2 = 0, maxW = 0, sumWr = 0, sumDr = 0, sumMatch = 0, sumMatchR = 0;
        var deterministic = target.IsDeterministic;
        for (var i = 0; i < n; i++)
        {
            var row = logs[i];
            target.Probabilities(row, pi);
            var total = 0.0;
            var direct = 0.0;
            for (var a = 0; a < k; a++)
            {
                var p = pi[a];
                if (!(p >= 0 && p <= 1))
                {
                    throw new ArgumentException($"Target policy '{target.Name}' gave pi({a}|row {i}) = {p}; probabilities must be in [0, 1].", nameof(target));
                }

                total += p;
                var qa = q[(i * k) + a];
                if (!double.IsFinite(qa))
                {
                    throw new ArgumentException($"Reward model '{model.Name}' predicted {qa} for row {i}, action {a}; predictions must be finite.", nameof(model));
                }

                direct += p * qa;
            }

            if (Math.Abs(total - 1) > 1e-6)
            {
                throw new ArgumentException($"Target policy '{target.Name}' gave probabilities summing to {total} for row {i}; they must sum to 1.", nameof(target));
            }

            var weight = pi[row.Action] / row.Propensity;
            w[i] = weight;
            wr[i] = weight * row.Reward;
            dr[i] = direct + (weight * (row.Reward - q[(i * k) + row.Action]));
            sumW += weight;
            sumW2 += weight * weight;
            maxW = Math.Max(maxW, weight);
            sumWr += wr[i];
            sumDr += dr[i];
            if (deterministic && pi[row.Action] == 1.0)
            {
                match[i] = 1;
                matchR[i] = row.Reward;
                sumMatch++;
                sumMatchR += row.Reward;
            }
        }

        var diag = new WeightDiagnostics(n, sumW / n, maxW, sumW2 > 0 ? sumW * sumW / sumW2 : 0);
        var ci = deterministic
            ? Bootstrap.Ratios([wr, wr, dr, matchR], [null, w, null, match], bootstrap)
            : Bootstrap.Ratios([wr, wr, dr], [null, w, null], bootstrap);

        var name = target.Name;
        var ips = new OffPolicyEstimate("ips", name, sumWr / n, ci[0], diag) { RowsUsed = n };
        var snips = new OffPolicyEstimate("snips", name, sumW > 0 ? sumWr / sumW : double.NaN, ci[1], diag) { RowsUsed = n };
        var dre = new OffPolicyEstimate("dr", name, sumDr / n, ci[2], diag) { RowsUsed = n };
        var replay = deterministic
            ? new OffPolicyEstimate("replay", name, sumMatch > 0 ? sumMatchR / sumMatch : double.NaN, ci[3], diag) { RowsUsed = (int)sumMatch }
            : null;
        return new OffPolicyReport(name, replay, ips, snips, dre, diag);
    }

    /// <summary>Checks every row: action in range, propensity in (0, 1], finite reward.</summary>
    /// <param name="logs">The rows.</param>
    /// <param name="actionCount">The number of actions.</param>
    /// <exception cref="ArgumentException">The first invalid row, naming the row index and field.</exception>
    public static void Validate(IReadOnlyList<LoggedDecision> logs, int actionCount)
    {
        ArgumentNullException.ThrowIfNull(logs);
        for (var i = 0; i < logs.Count; i++)
        {
            var r = logs[i];
            if (!(r.Propensity > 0 && r.Propensity <= 1))
            {
                throw new ArgumentException($"logs[{i}].Propensity is {r.Propensity}; a logging propensity must be in (0, 1]. Log the probability with which the logging policy chose the action (rows with propensity 0 cannot be reweighted: drop them).", nameof(logs));
            }

            if (!double.IsFinite(r.Reward))
            {
                throw new ArgumentException($"logs[{i}].Reward is {r.Reward}; rewards must be finite numbers (drop or impute rows without an observed reward).", nameof(logs));
            }

            if ((uint)r.Action >= (uint)actionCount)
            {
                throw new ArgumentException($"logs[{i}].Action is {r.Action}; actions must be in [0, {actionCount - 1}] for a target policy over {actionCount} actions.", nameof(logs));
            }
        }
    }
}
