using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MarketingAutomation.Simulation;

/// <summary>Settings of a bootstrap interval.</summary>
public sealed record BootstrapOptions
{
    /// <summary>Gets the number of resamples (at least 10; default 1,000). 200 is enough for a rough 95 % interval.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Gets the confidence level, strictly between 0 and 1 (default 0.95).</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>Gets the seed: the same seed and data give the same interval, whatever the parallelism.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the maximum number of threads (default: all processors).</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    internal void Validate()
    {
        if (Resamples < 10)
        {
            throw new ArgumentException($"BootstrapOptions.Resamples is {Resamples}; use at least 10 (200 for a rough interval, 1000 or more for a report).", nameof(Resamples));
        }

        if (!(Level > 0 && Level < 1))
        {
            throw new ArgumentException($"BootstrapOptions.Level is {Level}; use a level strictly between 0 and 1, e.g. 0.95.", nameof(Level));
        }
    }
}

/// <summary>A confidence interval.</summary>
/// <param name="Lower">The lower bound.</param>
/// <param name="Upper">The upper bound.</param>
/// <param name="Level">The confidence level.</param>
public readonly record struct ConfidenceInterval(double Lower, double Upper, double Level)
{
    /// <summary>Gets a value indicating whether <paramref name="value"/> lies in the interval (bounds included).</summary>
    /// <param name="value">The value.</param>
    /// <returns>True when Lower &lt;= value &lt;= Upper.</returns>
    public bool Contains(double value) => value >= Lower && value <= Upper;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Lower:0.0000},{Upper:0.0000}]");
}

/// <summary>
/// Percentile bootstrap intervals for ratio statistics sum(b*x)/sum(b*y) over rows, with Poisson(1) resampling weights b
/// (the large-sample equivalent of drawing rows with replacement). Tight array code, parallel over resamples, seeded per
/// resample so the result does not depend on the number of threads.
/// </summary>
public static class Bootstrap
{
    // Poisson(1) draw from 16 uniform bits (quantisation error below 2e-5 per probability).
    private static readonly byte[] PoissonTable = BuildPoissonTable();

    /// <summary>Bootstrap interval of the mean of <paramref name="values"/>.</summary>
    /// <param name="values">One value per row.</param>
    /// <param name="options">Resamples, level and seed (defaults when null).</param>
    /// <returns>The percentile interval.</returns>
    public static ConfidenceInterval Mean(IReadOnlyList<double> values, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var x = new double[values.Count];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = values[i];
        }

        return Ratios([x], [null], options ?? new BootstrapOptions())[0];
    }

    /// <summary>Bootstrap interval of sum(x)/sum(y) (for example SNIPS, or a rate within a subgroup).</summary>
    /// <param name="numerator">x per row.</param>
    /// <param name="denominator">y per row.</param>
    /// <param name="options">Resamples, level and seed (defaults when null).</param>
    /// <returns>The percentile interval.</returns>
    public static ConfidenceInterval Ratio(IReadOnlyList<double> numerator, IReadOnlyList<double> denominator, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(numerator);
        ArgumentNullException.ThrowIfNull(denominator);
        if (numerator.Count != denominator.Count)
        {
            throw new ArgumentException($"numerator has {numerator.Count} rows but denominator has {denominator.Count}; pass one value of each per row.", nameof(denominator));
        }

        return Ratios([[.. numerator]], [[.. denominator]], options ?? new BootstrapOptions())[0];
    }

    /// <summary>
    /// Intervals of several ratio statistics sharing the same resampling weights: statistic j is
    /// sum(b*num[j])/sum(b*den[j]) (den[j] null means sum(b)).
    /// </summary>
    internal static ConfidenceInterval[] Ratios(double[][] numerators, double[]?[] denominators, BootstrapOptions options)
    {
        options.Validate();
        var stats = numerators.Length;
        var n = numerators[0].Length;
        var resamples = options.Resamples;
        var values = new double[stats][];
        for (var j = 0; j < stats; j++)
        {
            values[j] = new double[resamples];
        }

        var baseSeed = unchecked((ulong)(uint)options.Seed * 0xA24BAED4963EE407UL);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
        if (TryGroup(numerators, denominators, out var groupCounts, out var groupNum, out var groupDen))
        {
            // Rows with identical values are exchangeable: the sum of m Poisson(1) weights is one Poisson(m) weight, so the
            // grouped bootstrap has exactly the distribution of the per-row one at a fraction of the cost (binary rewards and
            // few contexts and actions give a few dozen groups for any number of rows).
            var groups = groupCounts.Length;
            Parallel.For(
                0,
                resamples,
                parallel,
                () => new double[groups],
                (b, _, weights) =>
                {
                    var rng = new MathNet.Numerics.Random.Xoshiro256StarStar(unchecked((int)(baseSeed >> 32) ^ (b * 7919) ^ (int)baseSeed), threadSafe: false);
                    var sumB = 0.0;
                    for (var g = 0; g < groups; g++)
                    {
                        weights[g] = MathNet.Numerics.Distributions.Poisson.Sample(rng, groupCounts[g]);
                        sumB += weights[g];
                    }

                    for (var j = 0; j < stats; j++)
                    {
                        var num = Dot(weights, groupNum[j]);
                        var den = groupDen[j] is { } d ? Dot(weights, d) : sumB;
                        values[j][b] = den != 0 ? num / den : double.NaN;
                    }

                    return weights;
                },
                _ => { });
        }
        else
        {
            Parallel.For(
                0,
                resamples,
                parallel,
                () => new double[n],
                (b, _, weights) =>
                {
                    FillPoisson(baseSeed ^ unchecked((ulong)(b + 1) * 0x9E3779B97F4A7C15UL), weights);
                    var sumB = Sum(weights);
                    for (var j = 0; j < stats; j++)
                    {
                        var num = Dot(weights, numerators[j]);
                        var den = denominators[j] is { } d ? Dot(weights, d) : sumB;
                        values[j][b] = den != 0 ? num / den : double.NaN;
                    }

                    return weights;
                },
                _ => { });
        }

        var result = new ConfidenceInterval[stats];
        var alpha = (1 - options.Level) / 2;
        for (var j = 0; j < stats; j++)
        {
            result[j] = Percentile(values[j], alpha, options.Level);
        }

        return result;
    }

    /// <summary>Groups identical rows (same value in every column) when that shrinks the data at least fourfold.</summary>
    private static bool TryGroup(double[][] numerators, double[]?[] denominators, out double[] counts, out double[][] groupNum, out double[]?[] groupDen)
    {
        var n = numerators[0].Length;
        var columns = new List<double[]>(numerators);
        foreach (var d in denominators)
        {
            if (d is not null)
            {
                columns.Add(d);
            }
        }

        var cols = columns.ToArray();
        var limit = n / 4;
        var index = new Dictionary<int, int>(new RowComparer(cols));
        var firstRow = new List<int>();
        var count = new List<double>();
        for (var i = 0; i < n; i++)
        {
            if (index.TryGetValue(i, out var g))
            {
                count[g]++;
                continue;
            }

            if (firstRow.Count >= limit)
            {
                counts = [];
                groupNum = [];
                groupDen = [];
                return false;
            }

            index.Add(i, firstRow.Count);
            firstRow.Add(i);
            count.Add(1);
        }

        counts = [.. count];
        groupNum = new double[numerators.Length][];
        groupDen = new double[denominators.Length][];
        for (var j = 0; j < numerators.Length; j++)
        {
            groupNum[j] = Gather(numerators[j], firstRow);
            groupDen[j] = denominators[j] is { } d ? Gather(d, firstRow) : null;
        }

        return true;
    }

    private static double[] Gather(double[] column, List<int> rows)
    {
        var result = new double[rows.Count];
        for (var g = 0; g < result.Length; g++)
        {
            result[g] = column[rows[g]];
        }

        return result;
    }

    private static ConfidenceInterval Percentile(double[] draws, double alpha, double level)
    {
        var finite = 0;
        for (var i = 0; i < draws.Length; i++)
        {
            if (double.IsFinite(draws[i]))
            {
                draws[finite++] = draws[i];
            }
        }

        if (finite == 0)
        {
            return new ConfidenceInterval(double.NaN, double.NaN, level);
        }

        var span = draws.AsSpan(0, finite);
        span.Sort();
        return new ConfidenceInterval(Quantile(span, alpha), Quantile(span, 1 - alpha), level);
    }

    private static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    // The generator is inlined by hand and the method asks for full optimisation, so the loop stays fast in Debug builds too.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillPoisson(ulong seed, double[] weights)
    {
        var rng = new Xoshiro256(seed);
        rng.GetState(out var s0, out var s1, out var s2, out var s3);
        var table = PoissonTable;
        var n = weights.Length;
        for (var i = 0; i < n; i += 4)
        {
            var r = BitOperations.RotateLeft(s1 * 5, 7) * 9;
            var t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = BitOperations.RotateLeft(s3, 45);
            if (i + 4 <= n)
            {
                weights[i] = table[(int)(r & 0xFFFF)];
                weights[i + 1] = table[(int)((r >> 16) & 0xFFFF)];
                weights[i + 2] = table[(int)((r >> 32) & 0xFFFF)];
                weights[i + 3] = table[(int)(r >> 48)];
            }
            else
            {
                for (var j = i; j < n; j++)
                {
                    weights[j] = table[(int)(r & 0xFFFF)];
                    r >>= 16;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Sum(double[] x)
    {
        var acc = Vector<double>.Zero;
        var v = MemoryMarshal.Cast<double, Vector<double>>(x.AsSpan());
        for (var i = 0; i < v.Length; i++)
        {
            acc += v[i];
        }

        var s = Vector.Sum(acc);
        for (var i = v.Length * Vector<double>.Count; i < x.Length; i++)
        {
            s += x[i];
        }

        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Dot(double[] a, double[] b)
    {
        var acc = Vector<double>.Zero;
        var va = MemoryMarshal.Cast<double, Vector<double>>(a.AsSpan());
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b.AsSpan(0, a.Length));
        for (var i = 0; i < va.Length; i++)
        {
            acc += va[i] * vb[i];
        }

        var s = Vector.Dot(acc, Vector<double>.One);
        for (var i = va.Length * Vector<double>.Count; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static byte[] BuildPoissonTable()
    {
        var table = new byte[65536];
        var k = 0;
        var pk = Math.Exp(-1);
        var cdf = pk;
        for (var v = 0; v < table.Length; v++)
        {
            var u = (v + 0.5) / 65536.0;
            while (u > cdf && k < 20)
            {
                k++;
                pk /= k;
                cdf += pk;
            }

            table[v] = (byte)k;
        }

        return table;
    }

    private sealed class RowComparer(double[][] columns) : IEqualityComparer<int>
    {
        public bool Equals(int x, int y)
        {
            foreach (var c in columns)
            {
                if (c[x] != c[y])
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(int obj)
        {
            var h = default(HashCode);
            foreach (var c in columns)
            {
                h.Add(c[obj]);
            }

            return h.ToHashCode();
        }
    }
}
