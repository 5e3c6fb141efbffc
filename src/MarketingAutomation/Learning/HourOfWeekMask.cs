using System.Runtime.CompilerServices;

namespace MarketingAutomation;

/// <summary>A set of hour-of-week slots (0 = Monday 00:00 local ... 167 = Sunday 23:00 local) as 168 bits; the allowed send slots.</summary>
internal struct HourOfWeekMask
{
    /// <summary>The number of hour-of-week slots.</summary>
    public const int Slots = 168;

    private Bits _bits;

    /// <summary>Gets a mask with every slot allowed.</summary>
    public static HourOfWeekMask All
    {
        get
        {
            var mask = default(HourOfWeekMask);
            mask._bits[0] = ulong.MaxValue;
            mask._bits[1] = ulong.MaxValue;
            mask._bits[2] = (1UL << (Slots - 128)) - 1;
            return mask;
        }
    }

    /// <summary>Gets a value indicating whether no slot is allowed.</summary>
    public readonly bool IsEmpty => _bits[0] == 0 && _bits[1] == 0 && _bits[2] == 0;

    /// <summary>Builds the slot number of a local day and hour.</summary>
    /// <param name="day">The ISO day of week.</param>
    /// <param name="hour">The local hour (0 to 23).</param>
    /// <returns>The slot (0 to 167).</returns>
    public static int SlotOf(IsoDayOfWeek day, int hour) => (((int)day - 1) * 24) + hour;

    /// <summary>Builds a mask that allows a local hour range on every day of the week.</summary>
    /// <param name="fromHour">The first allowed hour (0 to 23).</param>
    /// <param name="toHourExclusive">The end hour, exclusive (1 to 24); smaller than the start for windows crossing midnight.</param>
    /// <returns>The mask.</returns>
    public static HourOfWeekMask Daily(int fromHour, int toHourExclusive)
    {
        var mask = default(HourOfWeekMask);
        for (var day = 0; day < 7; day++)
        {
            for (var h = 0; h < 24; h++)
            {
                var inside = fromHour <= toHourExclusive ? h >= fromHour && h < toHourExclusive : h >= fromHour || h < toHourExclusive;
                if (inside)
                {
                    mask.Set((day * 24) + h, true);
                }
            }
        }

        return mask;
    }

    /// <summary>Gets a value indicating whether a slot is allowed.</summary>
    /// <param name="slot">The slot (0 to 167).</param>
    /// <returns>True when allowed.</returns>
    public readonly bool IsSet(int slot) => (uint)slot < Slots && (_bits[slot >> 6] & (1UL << (slot & 63))) != 0;

    /// <summary>Allows or forbids a slot.</summary>
    /// <param name="slot">The slot (0 to 167).</param>
    /// <param name="allowed">Whether it is allowed.</param>
    public void Set(int slot, bool allowed)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)slot, (uint)Slots, nameof(slot));
        if (allowed)
        {
            _bits[slot >> 6] |= 1UL << (slot & 63);
        }
        else
        {
            _bits[slot >> 6] &= ~(1UL << (slot & 63));
        }
    }

    [InlineArray(3)]
    private struct Bits
    {
        private ulong _element;
    }
}
