namespace MarketingAutomation.Simulation;

/// <summary>
/// Contextual Beta-Bernoulli Thompson sampling over discrete context buckets with hierarchical shrinkage: each arm has a
/// global Beta posterior (all buckets pooled) and each (bucket, arm) a Beta posterior whose prior is centred on a draw from
/// the arm's global posterior with a number of pseudo-observations (the prior strength), so buckets with little data follow
/// the global arm and well-observed buckets follow their own data. The prior strength is either fixed or, by default,
/// estimated per arm by empirical Bayes (method of moments on the between-bucket spread of the observed rates, refreshed
/// every 128 updates and clamped to [2, 5000]): buckets that really differ get a weak prior, buckets that do not get a
/// strong one. Rewards in [0, 1] are used as fractional successes. No allocation per call.
/// </summary>
public sealed class ContextualThompsonLearner : IReplayLearner<int>
{
    private readonly int _arms;
    private readonly int _buckets;
    private readonly double[] _globalSuccess;
    private readonly double[] _globalFailure;
    private readonly double[] _success;
    private readonly double[] _failure;
    private readonly double[] _strength;
    private readonly bool _empiricalBayes;
    private int _pendingUpdates;

    /// <summary>Initializes a new instance of the <see cref="ContextualThompsonLearner"/> class.</summary>
    /// <param name="arms">The number of arms (at least 1).</param>
    /// <param name="buckets">The number of context buckets (at least 1); contexts are bucket indexes in [0, buckets).</param>
    /// <param name="priorStrength">
    /// Fixed pseudo-observations of the bucket prior taken from the global arm (positive), or null (default) to estimate them
    /// per arm by empirical Bayes.
    /// </param>
    public ContextualThompsonLearner(int arms, int buckets, double? priorStrength = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(arms, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        if (priorStrength is { } m && (!(m > 0) || double.IsInfinity(m)))
        {
            throw new ArgumentOutOfRangeException(nameof(priorStrength), priorStrength, "priorStrength must be positive and finite.");
        }

        _arms = arms;
        _buckets = buckets;
        _empiricalBayes = priorStrength is null;
        _strength = new double[arms];
        Array.Fill(_strength, priorStrength ?? MaxStrength);
        _globalSuccess = new double[arms];
        _globalFailure = new double[arms];
        _success = new double[arms * buckets];
        _failure = new double[arms * buckets];
    }

    /// <summary>The smallest empirical-Bayes prior strength.</summary>
    public const double MinStrength = 2;

    /// <summary>The largest empirical-Bayes prior strength (also its value before any data).</summary>
    public const double MaxStrength = 5000;

    /// <summary>Gets the current prior strength (pseudo-observations) of an arm's bucket priors.</summary>
    /// <param name="arm">The arm.</param>
    /// <returns>The strength.</returns>
    public double PriorStrength(int arm) => _strength[arm];

    /// <inheritdoc/>
    public int Choose(int context, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckContext(context);
        var best = 0;
        var bestDraw = double.NegativeInfinity;
        var offset = context * _arms;
        for (var a = 0; a < _arms; a++)
        {
            var global = BetaSampler.Sample(random, 1 + _globalSuccess[a], 1 + _globalFailure[a]);
            var draw = BetaSampler.Sample(
                random,
                (_strength[a] * global) + _success[offset + a],
                (_strength[a] * (1 - global)) + _failure[offset + a]);
            if (draw > bestDraw)
            {
                bestDraw = draw;
                best = a;
            }
        }

        return best;
    }

    /// <inheritdoc/>
    public void Update(int context, int arm, double reward)
    {
        CheckContext(context);
        ArgumentOutOfRangeException.ThrowIfNegative(arm);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(arm, _arms);
        if (!(reward >= 0 && reward <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, "reward must be in [0, 1] for a Beta-Bernoulli learner.");
        }

        _globalSuccess[arm] += reward;
        _globalFailure[arm] += 1 - reward;
        _success[(context * _arms) + arm] += reward;
        _failure[(context * _arms) + arm] += 1 - reward;
        if (_empiricalBayes && ++_pendingUpdates >= 128)
        {
            _pendingUpdates = 0;
            for (var a = 0; a < _arms; a++)
            {
                _strength[a] = EstimateStrength(a);
            }
        }
    }

    /// <summary>The context bucket of a Hillstrom row: mens flag, womens flag, newbie and history band (segments 1-2, 3-4, 5-7).</summary>
    /// <param name="row">The row.</param>
    /// <returns>A bucket in [0, <see cref="HillstromBucketCount"/>).</returns>
    public static int HillstromBucket(HillstromRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var segment = row.HistorySegment.Length > 0 && char.IsDigit(row.HistorySegment[0]) ? row.HistorySegment[0] - '0' : 1;
        var history = segment <= 2 ? 0 : segment <= 4 ? 1 : 2;
        return (row.Mens ? 1 : 0) + (row.Womens ? 2 : 0) + (row.Newbie ? 4 : 0) + (8 * history);
    }

    /// <summary>The number of buckets <see cref="HillstromBucket"/> produces (24).</summary>
    public const int HillstromBucketCount = 24;

    // Method of moments: E[sum_b n_b (p_b - p)^2] = (k - 1) p (1 - p) + tau^2 (N - sum_b n_b^2 / N); the Beta prior with
    // mean p and variance tau^2 has strength p (1 - p) / tau^2 - 1.
    private double EstimateStrength(int arm)
    {
        var total = _globalSuccess[arm] + _globalFailure[arm];
        if (total < 2)
        {
            return MaxStrength;
        }

        var p = _globalSuccess[arm] / total;
        double spread = 0, sumSq = 0;
        var k = 0;
        for (var b = 0; b < _buckets; b++)
        {
            var i = (b * _arms) + arm;
            var n = _success[i] + _failure[i];
            if (n <= 0)
            {
                continue;
            }

            var d = (_success[i] / n) - p;
            spread += n * d * d;
            sumSq += n * n;
            k++;
        }

        var noise = (k - 1) * p * (1 - p);
        var denominator = total - (sumSq / total);
        if (k < 2 || denominator <= 0 || spread <= noise)
        {
            return MaxStrength;
        }

        var tau2 = (spread - noise) / denominator;
        return Math.Clamp((p * (1 - p) / tau2) - 1, MinStrength, MaxStrength);
    }

    private void CheckContext(int context)
    {
        if ((uint)context >= (uint)_buckets)
        {
            throw new ArgumentOutOfRangeException(nameof(context), context, $"context must be a bucket in [0, {_buckets}).");
        }
    }
}

/// <summary>Beta and Gamma variates (Marsaglia and Tsang, 2000) from a <see cref="Random"/>.</summary>
internal static class BetaSampler
{
#pragma warning disable CA5394 // Simulation randomness, not security.
    public static double Sample(Random random, double alpha, double beta)
    {
        var x = Gamma(random, alpha);
        var y = Gamma(random, beta);
        var s = x + y;
        return s > 0 ? x / s : 0.5;
    }

    public static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            var u = random.NextDouble();
            return Gamma(random, shape + 1) * Math.Pow(1 - u, 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    private static double Normal(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
#pragma warning restore CA5394
}
