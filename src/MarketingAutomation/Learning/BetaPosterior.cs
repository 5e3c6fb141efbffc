namespace MarketingAutomation;

/// <summary>
/// A Beta(alpha, beta) posterior over a response probability, with fractional updates (a machine open can count 0.1 of a success),
/// decay toward a prior (forgetting) and allocation-free Thompson draws.
/// </summary>
internal readonly record struct BetaPosterior
{
    /// <summary>The uniform prior Beta(1, 1).</summary>
    public static readonly BetaPosterior Uniform = new(1, 1);

    /// <summary>Initializes a new instance of the <see cref="BetaPosterior"/> struct.</summary>
    /// <param name="alpha">Alpha (prior successes plus observed successes), finite and greater than zero.</param>
    /// <param name="beta">Beta (prior failures plus observed failures), finite and greater than zero.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not finite or not positive.</exception>
    public BetaPosterior(double alpha, double beta)
    {
        if (!(alpha > 0) || !double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Beta posterior alpha must be finite and greater than zero.");
        }

        if (!(beta > 0) || !double.IsFinite(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "Beta posterior beta must be finite and greater than zero.");
        }

        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>Gets alpha.</summary>
    public double Alpha { get; }

    /// <summary>Gets beta.</summary>
    public double Beta { get; }

    /// <summary>Gets the mean alpha / (alpha + beta).</summary>
    public double Mean => Alpha / (Alpha + Beta);

    /// <summary>Gets the variance alpha beta / ((alpha + beta)^2 (alpha + beta + 1)).</summary>
    public double Variance
    {
        get
        {
            var n = Alpha + Beta;
            return Alpha * Beta / (n * n * (n + 1));
        }
    }

    /// <summary>Gets the evidence alpha + beta (pseudo-observations, prior included).</summary>
    public double Evidence => Alpha + Beta;

    /// <summary>Returns the posterior after one (possibly fractional) observation.</summary>
    /// <param name="success">Whether the observation was a success.</param>
    /// <param name="weight">How much it counts (1 for a click, about 0.1 for a machine open); zero or negative leaves the posterior unchanged.</param>
    /// <returns>The updated posterior.</returns>
    public BetaPosterior Update(bool success, double weight = 1.0)
    {
        if (!(weight > 0) || !double.IsFinite(weight))
        {
            return this;
        }

        return success ? new BetaPosterior(Alpha + weight, Beta) : new BetaPosterior(Alpha, Beta + weight);
    }

    /// <summary>Moves the posterior toward a prior: keeps <paramref name="factor"/> of the evidence gathered beyond the prior (exponential forgetting).</summary>
    /// <param name="factor">How much of the learned evidence to keep, in [0, 1] (clamped): 1 keeps everything, 0 returns the prior.</param>
    /// <param name="prior">The prior to move toward (segment or population).</param>
    /// <returns>The decayed posterior.</returns>
    public BetaPosterior Decay(double factor, BetaPosterior prior)
    {
        var f = double.IsNaN(factor) ? 1.0 : Math.Clamp(factor, 0.0, 1.0);
        var alpha = prior.Alpha + (f * (Alpha - prior.Alpha));
        var beta = prior.Beta + (f * (Beta - prior.Beta));

        // Evidence below the prior's (possible after shrinking the prior) must stay positive.
        return new BetaPosterior(Math.Max(alpha, double.Epsilon), Math.Max(beta, double.Epsilon));
    }

    /// <summary>Decays toward the uniform prior Beta(1, 1).</summary>
    /// <param name="factor">How much of the learned evidence to keep, in [0, 1].</param>
    /// <returns>The decayed posterior.</returns>
    public BetaPosterior Decay(double factor) => Decay(factor, Uniform);

    /// <summary>Scales the posterior down so its evidence is at most <paramref name="maxEvidence"/>, keeping the mean (bounds how confident it can get).</summary>
    /// <param name="maxEvidence">The largest alpha + beta allowed.</param>
    /// <returns>The capped posterior.</returns>
    public BetaPosterior CapEvidence(double maxEvidence)
    {
        var n = Alpha + Beta;
        if (n <= maxEvidence || !(maxEvidence > 0))
        {
            return this;
        }

        var scale = maxEvidence / n;
        return new BetaPosterior(Alpha * scale, Beta * scale);
    }

    /// <summary>Draws a response probability from the posterior (Thompson sampling).</summary>
    /// <param name="random">The generator.</param>
    /// <returns>The draw in [0, 1].</returns>
    public double Sample(ref LearningRandom random) => random.NextBeta(Alpha, Beta);

    /// <summary>Estimates P(X &gt; Y) for X from this posterior and Y from another, by Monte Carlo (the confidence that this one is better).</summary>
    /// <param name="other">The other posterior.</param>
    /// <param name="samples">How many paired draws (at least 1).</param>
    /// <param name="random">The generator.</param>
    /// <returns>The estimated probability (ties count half).</returns>
    public double ProbabilityGreaterThan(BetaPosterior other, int samples, ref LearningRandom random)
    {
        var n = Math.Max(1, samples);
        var wins = 0.0;
        for (var i = 0; i < n; i++)
        {
            var x = Sample(ref random);
            var y = other.Sample(ref random);
            wins += x > y ? 1.0 : x == y ? 0.5 : 0.0;
        }

        return wins / n;
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"Beta({Alpha:0.###}, {Beta:0.###})");
}
