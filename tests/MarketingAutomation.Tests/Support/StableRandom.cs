namespace MarketingAutomation.Tests.Support;

/// <summary>
/// Deterministic pseudo-random draws keyed by text (FNV-1a), so simulated responses do not depend on the order in which a parallel
/// dispatcher happened to send, nor on decision ids (which carry random bits).
/// </summary>
public static class StableRandom
{
    /// <summary>Returns a number in [0, 1) determined by the key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The number.</returns>
    public static double Unit(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var h = 14695981039346656037UL;
        foreach (var ch in key)
        {
            h = unchecked((h ^ ch) * 1099511628211UL);
        }

        // Finalize (splitmix64) so that similar keys spread evenly.
        h ^= h >> 30;
        h = unchecked(h * 0xbf58476d1ce4e5b9UL);
        h ^= h >> 27;
        h = unchecked(h * 0x94d049bb133111ebUL);
        h ^= h >> 31;
        return (h >> 11) * (1.0 / (1UL << 53));
    }
}
