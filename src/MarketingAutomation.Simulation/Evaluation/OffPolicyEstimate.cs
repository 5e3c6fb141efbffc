using System.Globalization;

namespace MarketingAutomation.Simulation;

/// <summary>Importance-weight diagnostics w = pi(a|x) / propensity over the logged rows.</summary>
/// <param name="Rows">Logged rows.</param>
/// <param name="MeanWeight">Mean weight (close to 1 when the logs support the target policy; SNIPS divides by it).</param>
/// <param name="MaxWeight">Largest weight (one row counts this many times: large values mean high variance).</param>
/// <param name="EffectiveSampleSize">(sum w)^2 / sum w^2: roughly how many on-policy rows the estimate is worth.</param>
public sealed record WeightDiagnostics(int Rows, double MeanWeight, double MaxWeight, double EffectiveSampleSize);

/// <summary>One off-policy estimate of a target policy's value with its bootstrap interval.</summary>
/// <param name="Estimator">"replay", "ips", "snips" or "dr".</param>
/// <param name="Policy">The target policy's name.</param>
/// <param name="Value">The point estimate of the expected reward per decision under the target policy.</param>
/// <param name="Interval">The percentile bootstrap interval.</param>
/// <param name="Weights">Importance-weight diagnostics of the logs for this policy.</param>
public sealed record OffPolicyEstimate(string Estimator, string Policy, double Value, ConfidenceInterval Interval, WeightDiagnostics Weights)
{
    /// <summary>Gets the rows used: all rows, or for replay the rows whose logged action matches the target's choice.</summary>
    public int RowsUsed { get; init; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Estimator}={Value:0.0000} ci={Interval} rows={RowsUsed} ess={Weights.EffectiveSampleSize:0} max_w={Weights.MaxWeight:0.##}");
}

/// <summary>Every estimator's answer for one target policy on one log, sharing the same bootstrap resamples.</summary>
/// <param name="Policy">The target policy's name.</param>
/// <param name="Replay">Replay (null for a stochastic target).</param>
/// <param name="Ips">Inverse propensity scoring.</param>
/// <param name="Snips">Self-normalised IPS.</param>
/// <param name="DoublyRobust">Doubly robust with the chosen reward model.</param>
/// <param name="Weights">Importance-weight diagnostics.</param>
public sealed record OffPolicyReport(string Policy, OffPolicyEstimate? Replay, OffPolicyEstimate Ips, OffPolicyEstimate Snips, OffPolicyEstimate DoublyRobust, WeightDiagnostics Weights)
{
    /// <summary>Gets the estimates in the order replay (when present), IPS, SNIPS, DR.</summary>
    public IEnumerable<OffPolicyEstimate> All
    {
        get
        {
            if (Replay is not null)
            {
                yield return Replay;
            }

            yield return Ips;
            yield return Snips;
            yield return DoublyRobust;
        }
    }
}
