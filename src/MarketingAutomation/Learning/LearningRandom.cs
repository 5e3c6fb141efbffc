using System.Numerics;
using System.Runtime.CompilerServices;

namespace MarketingAutomation;

/// <summary>
/// A small, allocation-free pseudo-random generator for Thompson sampling: xoshiro256** seeded through SplitMix64.
/// A mutable struct: pass it by <c>ref</c>, never copy it by accident (a copy repeats the same draws).
/// </summary>
internal struct LearningRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Initializes a new instance of the <see cref="LearningRandom"/> struct from a seed (any value, zero included).</summary>
    /// <param name="seed">The seed.</param>
    public LearningRandom(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
    }

    /// <summary>Advances a SplitMix64 state and returns the next output (also useful to hash keys into seeds).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The next output.</returns>
    public static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns the next 64 random bits.</summary>
    /// <returns>The bits.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Returns a uniform double in [0, 1) with 53 random bits.</summary>
    /// <returns>The double.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Returns a uniform double in (0, 1), never zero (for logarithms).</summary>
    /// <returns>The double.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Returns a standard normal draw (Marsaglia polar method; the second draw is discarded to keep the struct small).</summary>
    /// <returns>The draw.</returns>
    public double NextNormal()
    {
        while (true)
        {
            var u = (2.0 * NextDouble()) - 1.0;
            var v = (2.0 * NextDouble()) - 1.0;
            var s = (u * u) + (v * v);
            if (s > 0 && s < 1)
            {
                return u * Math.Sqrt(-2.0 * Math.Log(s) / s);
            }
        }
    }

    /// <summary>Returns a Gamma(shape, 1) draw by Marsaglia and Tsang (2000); shapes below 1 use the boost Gamma(shape + 1) * U^(1/shape).</summary>
    /// <param name="shape">The shape, greater than zero.</param>
    /// <returns>The draw.</returns>
    public double NextGamma(double shape)
    {
        if (shape < 1.0)
        {
            var boosted = NextGamma(shape + 1.0);
            return boosted * Math.Pow(NextOpenDouble(), 1.0 / shape);
        }

        var d = shape - (1.0 / 3.0);
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x;
            double v;
            do
            {
                x = NextNormal();
                v = 1.0 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = NextOpenDouble();
            var x2 = x * x;
            if (u < 1.0 - (0.0331 * x2 * x2) || Math.Log(u) < (0.5 * x2) + (d * (1.0 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    /// <summary>Returns a Beta(alpha, beta) draw as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta).</summary>
    /// <param name="alpha">Alpha, greater than zero.</param>
    /// <param name="beta">Beta, greater than zero.</param>
    /// <returns>The draw in [0, 1].</returns>
    public double NextBeta(double alpha, double beta)
    {
        var x = NextGamma(alpha);
        var y = NextGamma(beta);
        var sum = x + y;

        // Both draws can underflow to zero for tiny shapes; fall back to the mean's side by a fair coin weighted by the mean.
        return sum > 0 ? x / sum : (NextDouble() < alpha / (alpha + beta) ? 1.0 : 0.0);
    }
}
