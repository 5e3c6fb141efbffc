using System.Globalization;

namespace MarketingAutomation;

/// <summary>
/// A daily window of local time in which messages may be delivered: [<see cref="Start"/>, <see cref="End"/>), start included, end
/// excluded. When <see cref="Start"/> is later than <see cref="End"/> the window crosses midnight (20:00-08:00 allows the night and
/// the early morning; 08:00-00:00 allows from 08:00 to the end of the day). When they are equal the window never opens.
/// </summary>
/// <remarks>
/// The window is a property of local time only. Which instants it covers on a given day is worked out on instants in the recipient's
/// zone (see <see cref="QuietHoursPolicy"/>), so a day with a DST gap or overlap simply has a shorter or longer window (TC-06).
/// </remarks>
public readonly record struct SendWindow
{
    /// <summary>Initializes a new instance of the <see cref="SendWindow"/> struct.</summary>
    /// <param name="start">The first allowed local time (included).</param>
    /// <param name="end">The first local time no longer allowed (excluded); earlier than <paramref name="start"/> to cross midnight.</param>
    public SendWindow(LocalTime start, LocalTime end)
    {
        Start = start;
        End = end;
    }

    /// <summary>Gets the US federal calling window, 08:00-21:00 recipient local time (47 CFR § 64.1200(c)(1), TC-01).</summary>
    public static SendWindow UsFederal => new(new LocalTime(8, 0), new LocalTime(21, 0));

    /// <summary>Gets the first allowed local time (included).</summary>
    public LocalTime Start { get; }

    /// <summary>Gets the first local time no longer allowed (excluded).</summary>
    public LocalTime End { get; }

    /// <summary>Gets a value indicating whether the window never opens (<see cref="Start"/> equals <see cref="End"/>).</summary>
    public bool IsEmpty => Start == End;

    /// <summary>Gets a value indicating whether the window crosses midnight (<see cref="Start"/> later than <see cref="End"/>).</summary>
    public bool CrossesMidnight => Start > End;

    /// <summary>Gets the length of the window on a day without a DST transition (a transition day may be an hour shorter or longer).</summary>
    public Duration NominalLength
    {
        get
        {
            var start = Start.TickOfDay;
            var end = End.TickOfDay;
            return Duration.FromTicks(end >= start ? end - start : NodaConstants.TicksPerDay - start + end);
        }
    }

    /// <summary>Tells whether a local time of day lies inside the window.</summary>
    /// <param name="time">The local time of day.</param>
    /// <returns><see langword="true"/> when inside [<see cref="Start"/>, <see cref="End"/>).</returns>
    public bool Contains(LocalTime time) => CrossesMidnight ? time >= Start || time < End : time >= Start && time < End;

    /// <inheritdoc />
    public override string ToString() => Start.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + "-" + End.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
