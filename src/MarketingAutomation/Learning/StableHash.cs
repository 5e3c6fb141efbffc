using System.Runtime.CompilerServices;

namespace MarketingAutomation;

/// <summary>
/// A stable 64-bit string hash (FNV-1a over UTF-16 code units, finished with a SplitMix64 mix), the same in every process and on every
/// platform, unlike <see cref="string.GetHashCode()"/>: control-group buckets, goal slots and decision seeds must survive restarts.
/// </summary>
internal static class StableHash
{
    /// <summary>Hashes a string with a seed.</summary>
    /// <param name="value">The string.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The hash.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(string value, ulong seed)
    {
        var h = 14695981039346656037UL ^ seed;
        foreach (var ch in value)
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        return LearningRandom.SplitMix64(ref h);
    }
}
