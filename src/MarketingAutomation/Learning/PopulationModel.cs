using System.Runtime.CompilerServices;

namespace MarketingAutomation;

/// <summary>
/// The shared (population) half of the learning strategy: what every customer's outcomes teach about a context cell
/// (<see cref="CustomerFeatures.Cell"/>), an arm (goal, content variant, channel kind) and an hour of the week. Each customer's own model
/// (<see cref="CustomerModelState"/>) is shrunk toward these. Counts are doubles written under a lock (learning is off the hot path) and
/// read without one on the hot path: a read may miss the very latest update, never a torn value (aligned 8-byte reads are atomic).
/// </summary>
internal sealed class PopulationModel
{
    /// <summary>The most goals modelled separately; later goals share the last index.</summary>
    public const int MaxGoals = 32;

    /// <summary>The most variants per goal modelled separately; later variants share the last index.</summary>
    public const int MaxVariants = 8;

    /// <summary>The channel kinds (Email, Sms, Push, InApp, Webhook).</summary>
    public const int Kinds = 5;

    /// <summary>The arms per context cell.</summary>
    public const int Arms = MaxGoals * MaxVariants * Kinds;

    /// <summary>The strength (pseudo-messages) of the arm's pooled rate as the prior of a cell's rate.</summary>
    public const double CellPriorStrength = 10;

    /// <summary>The strength (pseudo-messages) of the cold-start rate as the prior of an arm's pooled rate.</summary>
    public const double ArmPriorStrength = 20;

    private const int CellKinds = CustomerFeatures.Cells * Kinds;

    private readonly Lock _gate = new();
    private readonly double _priorConversion;
    private readonly double _priorEngagement;
    private readonly double _priorOrderValue;
    private readonly double[] _convS = new double[CustomerFeatures.Cells * Arms];
    private readonly double[] _convN = new double[CustomerFeatures.Cells * Arms];
    private readonly double[] _armS = new double[Arms];
    private readonly double[] _armN = new double[Arms];
    private readonly double[] _engS = new double[CellKinds];
    private readonly double[] _engN = new double[CellKinds];
    private readonly double[] _unsS = new double[CellKinds];
    private readonly double[] _unsN = new double[CellKinds];
    private readonly double[] _cmpS = new double[CellKinds];
    private readonly double[] _cmpN = new double[CellKinds];
    private readonly double[] _hourS = new double[EngagedHours.Slots];
    private readonly double[] _hourN = new double[EngagedHours.Slots];
    private GoalRegistry _registry = new([], []);
    private double _valueSum;
    private double _valueCount;

    /// <summary>Initializes a new instance of the <see cref="PopulationModel"/> class.</summary>
    /// <param name="options">The strategy's options (cold-start priors).</param>
    public PopulationModel(AdaptiveStrategyOptions options)
    {
        _priorConversion = options.PriorConversionRate;
        _priorEngagement = options.PriorEngagementRate;
        _priorOrderValue = options.PriorOrderValue;
    }

    /// <summary>Gets the prior unsubscribe rate per delivered message.</summary>
    public const double PriorUnsubscribeRate = 0.003;

    /// <summary>Gets the prior complaint rate per delivered message.</summary>
    public const double PriorComplaintRate = 0.0005;

    /// <summary>Gets the ids of the goals seen so far (or loaded from a snapshot), in index order.</summary>
    public IReadOnlyList<string> GoalIds => Volatile.Read(ref _registry).Ids;

    /// <summary>Gets the index of a goal, registering it on first sight (allocates once per goal, never per customer).</summary>
    /// <param name="goal">The goal.</param>
    /// <returns>0 to <see cref="MaxGoals"/> - 1.</returns>
    public int GoalIndex(Goal goal)
    {
        var registry = Volatile.Read(ref _registry);
        var goals = registry.Goals;
        for (var i = 0; i < goals.Length; i++)
        {
            if (ReferenceEquals(goals[i], goal))
            {
                return Math.Min(i, MaxGoals - 1);
            }
        }

        lock (_gate)
        {
            registry = _registry;
            for (var i = 0; i < registry.Goals.Length; i++)
            {
                if (ReferenceEquals(registry.Goals[i], goal))
                {
                    return Math.Min(i, MaxGoals - 1);
                }
            }

            // A goal with a known id (loaded from a snapshot, or another instance of the same goal) takes over its index.
            for (var i = 0; i < registry.Ids.Length; i++)
            {
                if (string.Equals(registry.Ids[i], goal.Id, StringComparison.Ordinal))
                {
                    var updated = (Goal?[])registry.Goals.Clone();
                    updated[i] = goal;
                    Volatile.Write(ref _registry, new GoalRegistry(updated, registry.Ids));
                    return Math.Min(i, MaxGoals - 1);
                }
            }

            Volatile.Write(ref _registry, new GoalRegistry([.. registry.Goals, goal], [.. registry.Ids, goal.Id]));
            return Math.Min(registry.Goals.Length, MaxGoals - 1);
        }
    }

    /// <summary>Finds a registered goal by id (for learning, off the hot path).</summary>
    /// <param name="goalId">The goal id.</param>
    /// <param name="index">The goal's index.</param>
    /// <returns>The goal, or null when it was never seen since the process started.</returns>
    public Goal? FindGoal(string? goalId, out int index)
    {
        var registry = Volatile.Read(ref _registry);
        for (var i = 0; i < registry.Ids.Length; i++)
        {
            if (string.Equals(registry.Ids[i], goalId, StringComparison.Ordinal) && registry.Goals[i] is { } goal)
            {
                index = Math.Min(i, MaxGoals - 1);
                return goal;
            }
        }

        index = -1;
        return null;
    }

    /// <summary>Gets the index of a variant within its goal.</summary>
    /// <param name="goal">The goal.</param>
    /// <param name="variant">The variant.</param>
    /// <returns>0 to <see cref="MaxVariants"/> - 1.</returns>
    public static int VariantIndex(Goal goal, ContentVariant variant)
    {
        var variants = goal.Variants;
        for (var i = 0; i < variants.Length; i++)
        {
            if (ReferenceEquals(variants[i], variant))
            {
                return Math.Min(i, MaxVariants - 1);
            }
        }

        return MaxVariants - 1;
    }

    /// <summary>Gets the arm index.</summary>
    /// <param name="goal">The goal index.</param>
    /// <param name="variant">The variant index.</param>
    /// <param name="kind">The channel kind.</param>
    /// <returns>The arm.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Arm(int goal, int variant, ChannelKind kind) => (((goal * MaxVariants) + variant) * Kinds) + KindIndex(kind);

    /// <summary>Gets the index of a channel kind (0 to 4; unknown kinds map to the webhook slot).</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The index.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int KindIndex(ChannelKind kind) => (uint)kind < Kinds ? (int)kind : Kinds - 1;

    /// <summary>The conversion rate per delivered message of an arm in a cell: the cell's counts shrunk toward the arm's pooled rate.</summary>
    /// <param name="cell">The context cell.</param>
    /// <param name="arm">The arm.</param>
    /// <returns>The posterior (alpha, beta).</returns>
    public BetaPosterior Conversion(int cell, int arm)
    {
        var armMean = (_armS[arm] + (ArmPriorStrength * _priorConversion)) / (_armN[arm] + ArmPriorStrength);
        var i = (cell * Arms) + arm;
        var s = _convS[i];
        var f = Math.Max(0, _convN[i] - s);
        return new BetaPosterior(s + (CellPriorStrength * armMean), f + (CellPriorStrength * (1 - armMean)));
    }

    /// <summary>The human engagement rate per delivered message on a channel kind in a cell.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="kind">The channel kind.</param>
    /// <returns>The mean rate.</returns>
    public double EngagementRate(int cell, ChannelKind kind)
    {
        var i = (cell * Kinds) + KindIndex(kind);
        return (_engS[i] + (CellPriorStrength * _priorEngagement)) / (_engN[i] + CellPriorStrength);
    }

    /// <summary>The unsubscribe rate per delivered message on a channel kind in a cell.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="kind">The channel kind.</param>
    /// <returns>The mean rate.</returns>
    public double UnsubscribeRate(int cell, ChannelKind kind)
    {
        const double strength = 300;
        var i = (cell * Kinds) + KindIndex(kind);
        return (_unsS[i] + (strength * PriorUnsubscribeRate)) / (_unsN[i] + strength);
    }

    /// <summary>The complaint rate per delivered message on a channel kind in a cell.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="kind">The channel kind.</param>
    /// <returns>The mean rate.</returns>
    public double ComplaintRate(int cell, ChannelKind kind)
    {
        const double strength = 1000;
        var i = (cell * Kinds) + KindIndex(kind);
        return (_cmpS[i] + (strength * PriorComplaintRate)) / (_cmpN[i] + strength);
    }

    /// <summary>The population's engagement rate at an hour of the week (customer-local), as a weak prior for a customer's slot.</summary>
    /// <param name="slot">The hour of the week (0 = Monday 00:00).</param>
    /// <returns>A Beta prior of strength 2.</returns>
    public BetaPosterior HourPrior(int slot)
    {
        var mean = (_hourS[slot] + _priorEngagement) / (_hourN[slot] + 1);
        mean = Math.Clamp(mean, 0.01, 0.99);
        return new BetaPosterior(2 * mean, 2 * (1 - mean));
    }

    /// <summary>Gets the average value of a conversion seen so far (the cold-start order value until there are some).</summary>
    public double AverageConversionValue
    {
        get
        {
            var n = Volatile.Read(ref _valueCount);
            return (Volatile.Read(ref _valueSum) + (5 * _priorOrderValue)) / (n + 5);
        }
    }

    /// <summary>Records a delivery: one trial for the arm's conversion, the cell's engagement and risks, and the send hour.</summary>
    /// <param name="cell">The cell at decision time.</param>
    /// <param name="arm">The arm.</param>
    /// <param name="kind">The channel kind.</param>
    /// <param name="sendSlot">The customer-local hour of week of the send, or -1 when unknown.</param>
    public void RecordDelivered(int cell, int arm, ChannelKind kind, int sendSlot)
    {
        var k = (cell * Kinds) + KindIndex(kind);
        lock (_gate)
        {
            _convN[(cell * Arms) + arm]++;
            _armN[arm]++;
            _engN[k]++;
            _unsN[k]++;
            _cmpN[k]++;
            if (sendSlot >= 0)
            {
                _hourN[sendSlot]++;
            }
        }
    }

    /// <summary>Records a first human engagement with a delivered message.</summary>
    /// <param name="cell">The cell at decision time.</param>
    /// <param name="kind">The channel kind.</param>
    /// <param name="slot">The customer-local hour of week of the engagement, or -1.</param>
    /// <param name="sameSlotAsSend">Whether it fell in the send hour (that trial is already counted).</param>
    public void RecordEngaged(int cell, ChannelKind kind, int slot, bool sameSlotAsSend)
    {
        var k = (cell * Kinds) + KindIndex(kind);
        lock (_gate)
        {
            _engS[k]++;
            _engN[k] = Math.Max(_engN[k], _engS[k]);
            if (slot >= 0)
            {
                _hourS[slot]++;
                _hourN[slot] = sameSlotAsSend ? Math.Max(_hourN[slot], _hourS[slot]) : _hourN[slot] + 1;
            }
        }
    }

    /// <summary>Records a conversion credited to a delivered message.</summary>
    /// <param name="cell">The cell at decision time.</param>
    /// <param name="arm">The arm.</param>
    /// <param name="value">The order value.</param>
    public void RecordConverted(int cell, int arm, double value)
    {
        var i = (cell * Arms) + arm;
        lock (_gate)
        {
            _convS[i]++;
            _convN[i] = Math.Max(_convN[i], _convS[i]);
            _armS[arm]++;
            _armN[arm] = Math.Max(_armN[arm], _armS[arm]);
            if (value > 0 && double.IsFinite(value))
            {
                _valueSum += value;
                _valueCount++;
            }
        }
    }

    /// <summary>Records an unsubscribe or complaint after a delivered message.</summary>
    /// <param name="cell">The cell at decision time.</param>
    /// <param name="kind">The channel kind.</param>
    /// <param name="complaint">True for a complaint, false for an unsubscribe.</param>
    public void RecordNegative(int cell, ChannelKind kind, bool complaint)
    {
        var k = (cell * Kinds) + KindIndex(kind);
        lock (_gate)
        {
            if (complaint)
            {
                _cmpS[k]++;
                _cmpN[k] = Math.Max(_cmpN[k], _cmpS[k]);
            }
            else
            {
                _unsS[k]++;
                _unsN[k] = Math.Max(_unsN[k], _unsS[k]);
            }
        }
    }

    /// <summary>The snapshot format version this build writes and reads.</summary>
    public const byte SnapshotVersion = 1;

    private static ReadOnlySpan<byte> SnapshotMagic => "MAPM"u8;

    /// <summary>Writes everything learned (counts, goal ids by index) as a versioned binary snapshot.</summary>
    /// <param name="destination">The stream.</param>
    public void Save(Stream destination)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        lock (_gate)
        {
            writer.Write(SnapshotMagic);
            writer.Write(SnapshotVersion);
            writer.Write(CustomerFeatures.Cells);
            writer.Write(Arms);
            writer.Write(Kinds);
            writer.Write(EngagedHours.Slots);
            var ids = _registry.Ids;
            writer.Write(ids.Length);
            foreach (var id in ids)
            {
                writer.Write(id);
            }

            foreach (var array in Arrays())
            {
                foreach (var value in array)
                {
                    writer.Write(value);
                }
            }

            writer.Write(_valueSum);
            writer.Write(_valueCount);
        }
    }

    /// <summary>Replaces what was learned with a snapshot written by <see cref="Save"/>.</summary>
    /// <param name="source">The stream.</param>
    /// <exception cref="InvalidDataException">The snapshot is not one, is of another version or shape, or is truncated; nothing was changed.</exception>
    public void Load(Stream source)
    {
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            reader.BaseStream.ReadExactly(magic);
            if (!magic.SequenceEqual(SnapshotMagic))
            {
                throw new InvalidDataException("The learned model snapshot does not start with 'MAPM': it is not a snapshot written by AdaptiveStrategy.SaveModel.");
            }

            var version = reader.ReadByte();
            if (version != SnapshotVersion)
            {
                throw new InvalidDataException($"The learned model snapshot has format version {version}; this build reads version {SnapshotVersion}. Start from the priors or use the build that wrote it.");
            }

            Expect(reader.ReadInt32(), CustomerFeatures.Cells, "cells");
            Expect(reader.ReadInt32(), Arms, "arms");
            Expect(reader.ReadInt32(), Kinds, "channel kinds");
            Expect(reader.ReadInt32(), EngagedHours.Slots, "hour slots");
            var count = reader.ReadInt32();
            if (count is < 0 or > 100_000)
            {
                throw new InvalidDataException($"The learned model snapshot lists {count} goals; expected 0 to 100,000.");
            }

            var ids = new string[count];
            for (var i = 0; i < count; i++)
            {
                ids[i] = reader.ReadString();
            }

            var arrays = Arrays();
            var loaded = new double[arrays.Length][];
            for (var a = 0; a < arrays.Length; a++)
            {
                loaded[a] = new double[arrays[a].Length];
                for (var i = 0; i < loaded[a].Length; i++)
                {
                    var value = reader.ReadDouble();
                    if (!(value >= 0) || !double.IsFinite(value))
                    {
                        throw new InvalidDataException($"The learned model snapshot has a count of {value} (table {a}, entry {i}); counts are finite and >= 0.");
                    }

                    loaded[a][i] = value;
                }
            }

            var valueSum = reader.ReadDouble();
            var valueCount = reader.ReadDouble();
            lock (_gate)
            {
                for (var a = 0; a < arrays.Length; a++)
                {
                    loaded[a].CopyTo(arrays[a], 0);
                }

                _valueSum = valueSum;
                _valueCount = valueCount;
                Volatile.Write(ref _registry, new GoalRegistry(new Goal?[ids.Length], ids));
            }
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The learned model snapshot is truncated; nothing was loaded.", ex);
        }
    }

    private static void Expect(int actual, int expected, string what)
    {
        if (actual != expected)
        {
            throw new InvalidDataException($"The learned model snapshot has {actual} {what}; this build models {expected}. Nothing was loaded.");
        }
    }

    private double[][] Arrays() => [_convS, _convN, _armS, _armN, _engS, _engN, _unsS, _unsN, _cmpS, _cmpN, _hourS, _hourN];

    private sealed class GoalRegistry(Goal?[] goals, string[] ids)
    {
        public Goal?[] Goals { get; } = goals;

        public string[] Ids { get; } = ids;
    }
}
