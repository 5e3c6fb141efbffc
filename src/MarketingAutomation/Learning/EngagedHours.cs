using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace MarketingAutomation;

/// <summary>
/// When a customer engages: 168 hour-of-week slots (0 = Monday 00:00 local), each a (successes, trials) pair in one byte
/// (<see cref="NibbleCounts"/>: halved when either passes 15). 168 bytes, no allocation.
/// </summary>
/// <remarks>
/// Thompson choice (<see cref="BestSlot(in HourOfWeekMask, BetaPosterior, ref LearningRandom)"/>) pools each slot with the same hour on
/// the other days (weight <see cref="SameHourWeight"/>) and the neighbouring hours of the same day (weight <see cref="NeighbourWeight"/>):
/// people keep daily habits, so one engagement at Tuesday 19:00 is evidence for Wednesday 19:00 too, and a few interactions suffice.
/// </remarks>
internal struct EngagedHours
{
    /// <summary>The number of slots.</summary>
    public const int Slots = HourOfWeekMask.Slots;

    /// <summary>How much the same hour on the other days counts toward a slot, per observation.</summary>
    public const double SameHourWeight = 0.75;

    /// <summary>How much the hour before and after on the same day counts toward a slot, per observation.</summary>
    public const double NeighbourWeight = 0.25;

    private SlotBytes _slots;

    /// <summary>Gets the raw bytes (one packed pair per slot), for serialization.</summary>
    [UnscopedRef]
    public Span<byte> Bytes => _slots;

    /// <summary>Gets the raw bytes, read-only.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> ReadOnlyBytes => _slots;

    /// <summary>Gets the successes of a slot.</summary>
    /// <param name="hourOfWeek">The slot (0 to 167).</param>
    /// <returns>The successes (0 to 15).</returns>
    public readonly int Successes(int hourOfWeek) => NibbleCounts.Successes(_slots[Check(hourOfWeek)]);

    /// <summary>Gets the trials of a slot.</summary>
    /// <param name="hourOfWeek">The slot (0 to 167).</param>
    /// <returns>The trials (0 to 15).</returns>
    public readonly int Trials(int hourOfWeek) => NibbleCounts.Trials(_slots[Check(hourOfWeek)]);

    /// <summary>Records an observation at a slot: engaged (success) or reached without engagement (trial only).</summary>
    /// <param name="hourOfWeek">The slot (0 to 167).</param>
    /// <param name="engaged">Whether the customer engaged.</param>
    public void Record(int hourOfWeek, bool engaged)
    {
        var i = Check(hourOfWeek);
        _slots[i] = NibbleCounts.Record(_slots[i], engaged);
    }

    /// <summary>Turns a recorded trial without engagement into an engagement (no effect when every trial already is one).</summary>
    /// <param name="hourOfWeek">The slot (0 to 167).</param>
    public void Promote(int hourOfWeek)
    {
        var i = Check(hourOfWeek);
        var successes = NibbleCounts.Successes(_slots[i]);
        if (successes < NibbleCounts.Trials(_slots[i]))
        {
            _slots[i] = NibbleCounts.Pack(successes + 1, NibbleCounts.Trials(_slots[i]));
        }
    }

    /// <summary>The slot's own posterior, shrunk toward a prior (the segment or population profile for that slot).</summary>
    /// <param name="hourOfWeek">The slot (0 to 167).</param>
    /// <param name="prior">The prior.</param>
    /// <returns>Beta(prior.alpha + successes, prior.beta + failures).</returns>
    public readonly BetaPosterior Posterior(int hourOfWeek, BetaPosterior prior) => NibbleCounts.Posterior(_slots[Check(hourOfWeek)], prior);

    /// <summary>The slot's pooled posterior: its own counts plus the same hour on other days and the neighbouring hours, weighted.</summary>
    /// <param name="hourOfWeek">The slot (0 to 167).</param>
    /// <param name="prior">The prior.</param>
    /// <returns>The pooled posterior.</returns>
    public readonly BetaPosterior PooledPosterior(int hourOfWeek, BetaPosterior prior)
    {
        var slot = Check(hourOfWeek);
        var hour = slot % 24;
        double sameS = 0, sameT = 0;
        for (var day = 0; day < 7; day++)
        {
            var other = (day * 24) + hour;
            if (other != slot)
            {
                sameS += NibbleCounts.Successes(_slots[other]);
                sameT += NibbleCounts.Trials(_slots[other]);
            }
        }

        return Pooled(slot, sameS, sameT, prior);
    }

    /// <summary>Chooses the send slot by Thompson sampling over the allowed slots, every slot under the same prior.</summary>
    /// <param name="allowed">The allowed slots (every allowed window, already intersected).</param>
    /// <param name="prior">The prior (a flat population profile).</param>
    /// <param name="random">The generator.</param>
    /// <returns>The slot with the highest draw, or -1 when no slot is allowed.</returns>
    public readonly int BestSlot(in HourOfWeekMask allowed, BetaPosterior prior, ref LearningRandom random) =>
        BestSlot(in allowed, prior, default, ref random);

    /// <summary>Chooses the send slot by Thompson sampling over the allowed slots, each under its own prior (the segment profile).</summary>
    /// <param name="allowed">The allowed slots.</param>
    /// <param name="priors">One prior per slot (168).</param>
    /// <param name="random">The generator.</param>
    /// <returns>The slot with the highest draw, or -1 when no slot is allowed.</returns>
    /// <exception cref="ArgumentException">Not 168 priors.</exception>
    public readonly int BestSlot(in HourOfWeekMask allowed, ReadOnlySpan<BetaPosterior> priors, ref LearningRandom random)
    {
        if (priors.Length != Slots)
        {
            throw new ArgumentException($"Expected {Slots} hour-of-week priors, got {priors.Length}.", nameof(priors));
        }

        return BestSlot(in allowed, default, priors, ref random);
    }

    private readonly int BestSlot(in HourOfWeekMask allowed, BetaPosterior prior, ReadOnlySpan<BetaPosterior> priors, ref LearningRandom random)
    {
        if (allowed.IsEmpty)
        {
            return -1;
        }

        // Per hour of day: successes and trials summed over the week (24 x 2 doubles on the stack).
        Span<double> hourS = stackalloc double[24];
        Span<double> hourT = stackalloc double[24];
        hourS.Clear();
        hourT.Clear();
        for (var i = 0; i < Slots; i++)
        {
            hourS[i % 24] += NibbleCounts.Successes(_slots[i]);
            hourT[i % 24] += NibbleCounts.Trials(_slots[i]);
        }

        var best = -1;
        var bestDraw = double.NegativeInfinity;
        for (var slot = 0; slot < Slots; slot++)
        {
            if (!allowed.IsSet(slot))
            {
                continue;
            }

            var hour = slot % 24;
            var own = _slots[slot];
            var p = Pooled(slot, hourS[hour] - NibbleCounts.Successes(own), hourT[hour] - NibbleCounts.Trials(own), priors.IsEmpty ? prior : priors[slot]);
            var draw = p.Sample(ref random);
            if (draw > bestDraw)
            {
                bestDraw = draw;
                best = slot;
            }
        }

        return best;
    }

    private readonly BetaPosterior Pooled(int slot, double sameHourS, double sameHourT, BetaPosterior prior)
    {
        var own = _slots[slot];
        double s = NibbleCounts.Successes(own);
        double t = NibbleCounts.Trials(own);
        s += SameHourWeight * sameHourS;
        t += SameHourWeight * sameHourT;

        var hour = slot % 24;
        var dayStart = slot - hour;
        if (hour > 0)
        {
            s += NeighbourWeight * NibbleCounts.Successes(_slots[slot - 1]);
            t += NeighbourWeight * NibbleCounts.Trials(_slots[slot - 1]);
        }

        if (hour < 23)
        {
            s += NeighbourWeight * NibbleCounts.Successes(_slots[dayStart + hour + 1]);
            t += NeighbourWeight * NibbleCounts.Trials(_slots[dayStart + hour + 1]);
        }

        return new BetaPosterior(prior.Alpha + s, prior.Beta + (t - s));
    }

    private static int Check(int hourOfWeek)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)hourOfWeek, (uint)Slots, nameof(hourOfWeek));
        return hourOfWeek;
    }

    [InlineArray(Slots)]
    private struct SlotBytes
    {
        private byte _element;
    }
}
