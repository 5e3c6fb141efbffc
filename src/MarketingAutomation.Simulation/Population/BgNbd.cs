using MathNet.Numerics.Distributions;

namespace MarketingAutomation.Simulation;

/// <summary>
/// The BG/NBD purchase process (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): while alive a customer buys at
/// rate lambda ~ Gamma(r, alpha) (time unit: weeks); after every repeat purchase they drop out for good with probability
/// p ~ Beta(a, b). Spend per purchase follows the Gamma-Gamma model (Fader, Hardie and Lee 2005b): z ~ Gamma(p, nu), nu ~ Gamma(q, v).
/// </summary>
/// <param name="R">Shape of the purchase-rate distribution.</param>
/// <param name="Alpha">Rate (scale in weeks) of the purchase-rate distribution.</param>
/// <param name="A">First shape of the dropout-probability distribution.</param>
/// <param name="B">Second shape of the dropout-probability distribution.</param>
public sealed record BgNbdParameters(double R, double Alpha, double A, double B)
{
    /// <summary>Gets the published fit on the CDNOW sample: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 (weeks).</summary>
    public static BgNbdParameters Cdnow { get; } = new(0.243, 4.414, 0.793, 2.426);

    /// <summary>Gets the expected number of repeat purchases of a new customer in the first <paramref name="weeks"/> weeks.</summary>
    /// <param name="weeks">The time since the first purchase, in weeks.</param>
    /// <returns>E[X(t)].</returns>
    public double ExpectedRepeatPurchases(double weeks) => BgNbd.ExpectedRepeatPurchases(this, weeks);
}

/// <summary>Closed forms and sampling for the BG/NBD and Gamma-Gamma models.</summary>
public static class BgNbd
{
    /// <summary>
    /// E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r * 2F1(r, b; a+b-1; t/(alpha+t))]: the expected number of repeat purchases of a
    /// customer picked at random, t weeks after their first purchase.
    /// </summary>
    /// <param name="parameters">The model.</param>
    /// <param name="weeks">t, in weeks.</param>
    /// <returns>The expectation.</returns>
    public static double ExpectedRepeatPurchases(BgNbdParameters parameters, double weeks)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(weeks);
        var (r, alpha, a, b) = parameters;
        var z = weeks / (alpha + weeks);
        return (a + b - 1) / (a - 1) * (1 - (Math.Pow(alpha / (alpha + weeks), r) * Hypergeometric2F1(r, b, a + b - 1, z)));
    }

    /// <summary>The Gauss hypergeometric function 2F1(a, b; c; z) by its power series, for 0 &lt;= z &lt; 1.</summary>
    /// <param name="a">a.</param>
    /// <param name="b">b.</param>
    /// <param name="c">c (not 0 or a negative integer).</param>
    /// <param name="z">z in [0, 1).</param>
    /// <returns>The sum of the series to double precision.</returns>
    public static double Hypergeometric2F1(double a, double b, double c, double z)
    {
        if (z is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "The series needs 0 <= z < 1.");
        }

        var term = 1.0;
        var sum = 1.0;
        for (var n = 0; n < 1_000_000; n++)
        {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            sum += term;
            if (Math.Abs(term) < 1e-16 * Math.Abs(sum) && n > 10)
            {
                break;
            }
        }

        return sum;
    }

    /// <summary>The mean spend per purchase of a population under the Gamma-Gamma model: p * v / (q - 1).</summary>
    /// <param name="p">Shape of spend per purchase.</param>
    /// <param name="q">Shape of the spend-rate distribution (must exceed 1).</param>
    /// <param name="v">Rate of the spend-rate distribution.</param>
    /// <returns>The expected mean spend.</returns>
    public static double ExpectedMeanSpend(double p, double q, double v) => p * v / (q - 1);

    /// <summary>Draws one customer's purchase rate (per week) and dropout probability.</summary>
    internal static (double Lambda, double Dropout) SampleCustomer(BgNbdParameters parameters, Random random)
    {
        var lambda = Gamma.Sample(random, parameters.R, parameters.Alpha);
        var dropout = Beta.Sample(random, parameters.A, parameters.B);
        return (Math.Max(lambda, 1e-9), Math.Clamp(dropout, 1e-9, 1 - 1e-9));
    }
}
