namespace MarketingAutomation;

/// <summary>
/// A (successes, trials) pair packed in one byte: successes in the low nibble, trials in the high nibble, both 0 to 15.
/// When either would pass 15 both are halved first (exponential forgetting), so recent behaviour weighs most.
/// </summary>
internal static class NibbleCounts
{
    /// <summary>The largest count a nibble holds.</summary>
    public const int Max = 15;

    /// <summary>Gets the successes of a packed pair.</summary>
    /// <param name="packed">The packed byte.</param>
    /// <returns>The successes.</returns>
    public static int Successes(byte packed) => packed & 0x0F;

    /// <summary>Gets the trials of a packed pair.</summary>
    /// <param name="packed">The packed byte.</param>
    /// <returns>The trials.</returns>
    public static int Trials(byte packed) => packed >> 4;

    /// <summary>Packs a pair.</summary>
    /// <param name="successes">Successes (0 to 15, at most the trials).</param>
    /// <param name="trials">Trials (0 to 15).</param>
    /// <returns>The packed byte.</returns>
    public static byte Pack(int successes, int trials) => (byte)((trials << 4) | successes);

    /// <summary>Gets a value indicating whether a byte is a valid pair (successes never above trials).</summary>
    /// <param name="packed">The packed byte.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValid(byte packed) => Successes(packed) <= Trials(packed);

    /// <summary>Records one trial, halving both counts first when either would pass 15.</summary>
    /// <param name="packed">The packed pair.</param>
    /// <param name="success">Whether the trial succeeded.</param>
    /// <returns>The new packed pair.</returns>
    public static byte Record(byte packed, bool success)
    {
        var s = Successes(packed);
        var t = Trials(packed);
        if (t + 1 > Max || (success && s + 1 > Max))
        {
            // Halve both; rounding successes down keeps s <= t.
            s >>= 1;
            t >>= 1;
        }

        t++;
        if (success)
        {
            s++;
        }

        return Pack(s, t);
    }

    /// <summary>The posterior of a pair under a prior: Beta(prior.alpha + s, prior.beta + t - s).</summary>
    /// <param name="packed">The packed pair.</param>
    /// <param name="prior">The prior.</param>
    /// <returns>The posterior.</returns>
    public static BetaPosterior Posterior(byte packed, BetaPosterior prior)
    {
        var s = Successes(packed);
        var t = Trials(packed);
        return new BetaPosterior(prior.Alpha + s, prior.Beta + (t - s));
    }
}
