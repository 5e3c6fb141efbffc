using System.Runtime.CompilerServices;

namespace MarketingAutomation;

/// <summary>
/// Standard normal draws from a table of 4,096 quantiles (Acklam's inverse normal approximation at (i + 0.5) / 4096): one 64-bit random
/// number per draw, no logarithm or square root on the hot path. Tails are cut at about +/-3.5; ample for Thompson sampling.
/// </summary>
internal static class NormalTable
{
    private const int Bits = 12;
    private static readonly double[] Quantiles = Build();

    /// <summary>Draws a standard normal value.</summary>
    /// <param name="random">The generator.</param>
    /// <returns>The draw.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Next(ref LearningRandom random) => Quantiles[(int)(random.NextUInt64() >> (64 - Bits))];

    /// <summary>The inverse of the standard normal distribution function (Acklam, relative error below 1.15e-9).</summary>
    /// <param name="p">A probability in (0, 1).</param>
    /// <returns>The quantile.</returns>
    public static double InverseCdf(double p)
    {
        ReadOnlySpan<double> a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        ReadOnlySpan<double> b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        ReadOnlySpan<double> c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        ReadOnlySpan<double> d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return Horner(c, q) / ((Horner(d, q) * q) + 1);
        }

        if (p > 1 - low)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -Horner(c, q) / ((Horner(d, q) * q) + 1);
        }

        var r = p - 0.5;
        var t = r * r;
        return Horner(a, t) * r / ((Horner(b, t) * t) + 1);
    }

    private static double Horner(ReadOnlySpan<double> coefficients, double x)
    {
        var result = 0.0;
        for (var i = 0; i < coefficients.Length; i++)
        {
            result = (result * x) + coefficients[i];
        }

        return result;
    }

    private static double[] Build()
    {
        var table = new double[1 << Bits];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = InverseCdf((i + 0.5) / table.Length);
        }

        return table;
    }
}
