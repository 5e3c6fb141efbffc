using MathNet.Numerics.LinearAlgebra;

namespace MarketingAutomation.Simulation;

/// <summary>
/// A simple uplift model (two-model / T-learner): one ridge-regularised logistic regression for the treated rows and one
/// for the control rows; the predicted uplift is P(outcome | x, treated) - P(outcome | x, control). Features are
/// standardised internally. Outcomes must be 0/1.
/// </summary>
public sealed class TwoModelUplift
{
    private readonly LogisticModel _treated;
    private readonly LogisticModel _control;

    private TwoModelUplift(LogisticModel treated, LogisticModel control)
    {
        _treated = treated;
        _control = control;
    }

    /// <summary>Fits both models.</summary>
    /// <param name="features">One feature vector per row (all the same length).</param>
    /// <param name="treated">Treatment flag per row.</param>
    /// <param name="outcome">0/1 outcome per row.</param>
    /// <param name="ridge">L2 penalty on the standardised coefficients (default 1).</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a feature is not finite, an outcome is not 0/1, or a group is empty.</exception>
    public static TwoModelUplift Fit(IReadOnlyList<double[]> features, IReadOnlyList<bool> treated, IReadOnlyList<double> outcome, double ridge = 1.0)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(treated);
        ArgumentNullException.ThrowIfNull(outcome);
        if (features.Count != treated.Count || features.Count != outcome.Count)
        {
            throw new ArgumentException($"features ({features.Count}), treated ({treated.Count}) and outcome ({outcome.Count}) must have one entry per row.", nameof(features));
        }

        var t = new List<int>();
        var c = new List<int>();
        for (var i = 0; i < features.Count; i++)
        {
            if (outcome[i] is not (0.0 or 1.0))
            {
                throw new ArgumentException($"outcome[{i}] is {outcome[i]}; the two-model uplift learner needs 0/1 outcomes.", nameof(outcome));
            }

            (treated[i] ? t : c).Add(i);
        }

        if (t.Count == 0 || c.Count == 0)
        {
            throw new ArgumentException($"{t.Count} treated and {c.Count} control rows; both groups are needed.", nameof(treated));
        }

        return new TwoModelUplift(LogisticModel.Fit(features, outcome, t, ridge), LogisticModel.Fit(features, outcome, c, ridge));
    }

    /// <summary>The predicted uplift for one feature vector.</summary>
    /// <param name="x">The features.</param>
    /// <returns>P(treated) - P(control).</returns>
    public double Score(ReadOnlySpan<double> x) => _treated.Predict(x) - _control.Predict(x);

    /// <summary>The predicted outcome probability under treatment.</summary>
    /// <param name="x">The features.</param>
    /// <returns>The probability.</returns>
    public double PredictTreated(ReadOnlySpan<double> x) => _treated.Predict(x);

    /// <summary>The predicted outcome probability without treatment.</summary>
    /// <param name="x">The features.</param>
    /// <returns>The probability.</returns>
    public double PredictControl(ReadOnlySpan<double> x) => _control.Predict(x);

    private sealed class LogisticModel(double[] mean, double[] scale, double[] beta)
    {
        public static LogisticModel Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, List<int> rows, double ridge)
        {
            var d = x[rows[0]].Length;
            var mean = new double[d];
            var scale = new double[d];
            foreach (var i in rows)
            {
                if (x[i].Length != d)
                {
                    throw new ArgumentException($"features[{i}] has {x[i].Length} values but features[{rows[0]}] has {d}.", nameof(x));
                }

                for (var j = 0; j < d; j++)
                {
                    if (!double.IsFinite(x[i][j]))
                    {
                        throw new ArgumentException($"features[{i}][{j}] is {x[i][j]}; features must be finite.", nameof(x));
                    }

                    mean[j] += x[i][j];
                }
            }

            for (var j = 0; j < d; j++)
            {
                mean[j] /= rows.Count;
            }

            foreach (var i in rows)
            {
                for (var j = 0; j < d; j++)
                {
                    scale[j] += (x[i][j] - mean[j]) * (x[i][j] - mean[j]);
                }
            }

            for (var j = 0; j < d; j++)
            {
                var sd = Math.Sqrt(scale[j] / rows.Count);
                scale[j] = sd > 1e-12 ? 1 / sd : 0;
            }

            // Newton / IRLS on [1, z] with ridge on the slopes.
            var p = d + 1;
            var beta = new double[p];
            var z = new double[p];
            for (var iter = 0; iter < 25; iter++)
            {
                var h = Matrix<double>.Build.Dense(p, p);
                var g = Vector<double>.Build.Dense(p);
                foreach (var i in rows)
                {
                    Standardise(x[i], mean, scale, z);
                    var mu = Sigmoid(Dot(beta, z));
                    var wgt = Math.Max(mu * (1 - mu), 1e-10);
                    var resid = y[i] - mu;
                    for (var a = 0; a < p; a++)
                    {
                        g[a] += resid * z[a];
                        for (var b = 0; b <= a; b++)
                        {
                            h[a, b] += wgt * z[a] * z[b];
                        }
                    }
                }

                for (var a = 0; a < p; a++)
                {
                    for (var b = 0; b < a; b++)
                    {
                        h[b, a] = h[a, b];
                    }

                    if (a > 0)
                    {
                        h[a, a] += ridge;
                        g[a] -= ridge * beta[a];
                    }
                    else
                    {
                        h[a, a] += 1e-9;
                    }
                }

                var step = h.Cholesky().Solve(g);
                var change = 0.0;
                for (var a = 0; a < p; a++)
                {
                    beta[a] += step[a];
                    change = Math.Max(change, Math.Abs(step[a]));
                }

                if (change < 1e-8)
                {
                    break;
                }
            }

            return new LogisticModel(mean, scale, beta);
        }

        public double Predict(ReadOnlySpan<double> x)
        {
            var s = beta[0];
            for (var j = 0; j < mean.Length; j++)
            {
                s += beta[j + 1] * (x[j] - mean[j]) * scale[j];
            }

            return Sigmoid(s);
        }

        private static void Standardise(double[] x, double[] mean, double[] scale, double[] z)
        {
            z[0] = 1;
            for (var j = 0; j < x.Length; j++)
            {
                z[j + 1] = (x[j] - mean[j]) * scale[j];
            }
        }

        private static double Dot(double[] a, double[] b)
        {
            var s = 0.0;
            for (var i = 0; i < a.Length; i++)
            {
                s += a[i] * b[i];
            }

            return s;
        }

        private static double Sigmoid(double s) => 1 / (1 + Math.Exp(-s));
    }
}
