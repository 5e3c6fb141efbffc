namespace MarketingAutomation.Simulation;

/// <summary>What a random draw is for: part of every draw's key, so draws for different purposes never share a number.</summary>
internal enum DrawPurpose : byte
{
    Customer = 1,
    OrganicGap = 2,
    OrganicDropout = 3,
    OrganicSpend = 4,
    OrganicCategory = 5,
    Delivery = 10,
    Bounce = 11,
    MachineOpen = 12,
    Open = 13,
    OpenTime = 14,
    Click = 15,
    Conversion = 16,
    Incremental = 17,
    Unsubscribe = 18,
    Complaint = 19,
    Stop = 20,
    DogChurn = 21,
    UnsubscribeChurn = 22,
    Revive = 23,
    ResponseTime = 24,
    ConversionSpend = 25,
    Renewal = 30,
}

/// <summary>
/// Counter-based random numbers: every draw is a hash of its key (seed, customer, a sub-key such as a day, a purchase number or a
/// message, and the purpose), so a draw never depends on how many draws came before it. Two runs with the same seed share every draw
/// that has the same key (common random numbers).
/// </summary>
internal static class Keyed
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The SplitMix64 finaliser: a bijective 64-bit mix.</summary>
    public static ulong Mix(ulong z)
    {
        z += Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The key of one draw.</summary>
    public static ulong Key(int seed, int customer, ulong sub, DrawPurpose purpose)
    {
        var h = Mix((ulong)(uint)seed ^ ((ulong)purpose << 48));
        h = Mix(h ^ (uint)customer);
        return Mix(h ^ sub);
    }

    /// <summary>A uniform double in the open interval (0, 1) from a key.</summary>
    public static double Uniform(ulong key) => ((Mix(key) >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in (0, 1) for one keyed draw.</summary>
    public static double Uniform(int seed, int customer, ulong sub, DrawPurpose purpose) => Uniform(Key(seed, customer, sub, purpose));

    /// <summary>A stable 64-bit hash of a string (FNV-1a; <see cref="string.GetHashCode()"/> differs between processes).</summary>
    public static ulong Hash(string? value)
    {
        if (value is null)
        {
            return 0x6E756C6CUL;
        }

        var h = 14695981039346656037UL;
        for (var i = 0; i < value.Length; i++)
        {
            h = (h ^ value[i]) * 1099511628211UL;
        }

        return Mix(h);
    }
}

/// <summary>
/// A <see cref="Random"/> over a SplitMix64 stream that can be reseeded without allocating, so MathNet.Numerics samplers (Gamma, Beta,
/// Normal) can draw from a keyed stream. One instance per thread.
/// </summary>
#pragma warning disable CA5394 // Simulation randomness, not security.
internal sealed class KeyedRandom : Random
{
    private ulong _state;

    public KeyedRandom(ulong key = 0) => _state = key;

    /// <summary>Restarts the stream at a key.</summary>
    public void Reseed(ulong key) => _state = key;

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Keyed.Mix(_state);
    }

    public override double NextDouble() => ((NextULong() >> 11) + 0.5) * (1.0 / (1UL << 53));

    public override float NextSingle() => (float)NextDouble();

    protected override double Sample() => NextDouble();

    public override int Next() => (int)(NextULong() >> 33);

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)(NextDouble() * maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return minValue + (int)(NextDouble() * ((long)maxValue - minValue));
    }

    public override long NextInt64() => (long)(NextULong() >> 1);

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (long)(NextDouble() * maxValue);
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return minValue + (long)(NextDouble() * (maxValue - minValue));
    }

    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    public override void NextBytes(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)NextULong();
        }
    }

    /// <summary>An exponential waiting time with the given rate (events per unit).</summary>
    public double Exponential(double rate) => -Math.Log(NextDouble()) / rate;

    public bool Chance(double p) => NextDouble() < p;
}
#pragma warning restore CA5394
