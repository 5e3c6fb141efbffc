namespace MarketingAutomation.Tests.Policies.QuietHours;

/// <summary>
/// An oracle for quiet hours written independently of <see cref="QuietHoursPolicy"/>: it uses NodaTime's own conversions
/// (<c>InZone</c>, <c>MapLocal</c>, zone intervals from <c>GetZoneIntervals</c>) and local date/time arithmetic, never the policy's tick
/// arithmetic (TC-06 test sketch, TW-09: the delivery interval, not only the submit instant).
/// </summary>
internal static class DeliveryIntervalOracle
{
    /// <summary>Whether the local time of one instant is inside the window (the definition everything else is checked against).</summary>
    public static bool InsideAt(Instant instant, DateTimeZone zone, LocalTime start, LocalTime end)
    {
        var time = instant.InZone(zone).TimeOfDay;
        return start <= end ? time >= start && time < end : time >= start || time < end;
    }

    /// <summary>
    /// Exact: whether every instant of [from, from + delay] has its local time inside the window. Splits the interval at the zone's
    /// offset changes; inside one piece local time runs like the clock, so the piece stays inside iff it starts inside and its length
    /// is shorter than the local time left until the window occurrence it starts in ends.
    /// </summary>
    public static bool IntervalInside(Instant from, Duration delay, DateTimeZone zone, LocalTime start, LocalTime end)
    {
        if (start == end)
        {
            return false;
        }

        var to = from + delay;
        var pieceStart = from;
        while (true)
        {
            var period = zone.GetZoneInterval(pieceStart);
            var pieceEnd = period.HasEnd && period.End <= to ? period.End : to;
            var local = pieceStart.InZone(zone).LocalDateTime;
            if (!InsideAt(pieceStart, zone, start, end))
            {
                return false;
            }

            // The end of the window occurrence that contains this local time.
            var occurrenceEndDate = start <= end || local.TimeOfDay < end ? local.Date : local.Date.PlusDays(1);
            var occurrenceEnd = occurrenceEndDate + end;
            var elapsed = pieceEnd - pieceStart;

            // Closed at the interval's end (the last delivery instant counts), open at a period change (the next piece starts there).
            var lastInstantIsIncluded = pieceEnd == to;
            var localAtPieceEnd = local.PlusTicks(elapsed.BclCompatibleTicks);
            if (lastInstantIsIncluded ? localAtPieceEnd >= occurrenceEnd : localAtPieceEnd > occurrenceEnd)
            {
                return false;
            }

            if (pieceEnd == to)
            {
                return true;
            }

            pieceStart = pieceEnd;
        }
    }

    /// <summary>Exact, for several zones: the interval must be inside in every zone.</summary>
    public static bool IntervalInside(Instant from, Duration delay, IReadOnlyList<DateTimeZone> zones, LocalTime start, LocalTime end)
    {
        foreach (var zone in zones)
        {
            if (!IntervalInside(from, delay, zone, start, end))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Brute force: step through the interval minute by minute (and its last instant) converting each instant with InZone.</summary>
    public static bool IntervalInsideByMinutes(Instant from, Duration delay, IReadOnlyList<DateTimeZone> zones, LocalTime start, LocalTime end)
    {
        var to = from + delay;
        foreach (var zone in zones)
        {
            for (var t = from; t < to; t += Duration.FromMinutes(1))
            {
                if (!InsideAt(t, zone, start, end))
                {
                    return false;
                }
            }

            if (!InsideAt(to, zone, start, end))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Exact earliest instant t in [now, now + horizon] at which the interval fits in every zone, or null. The earliest such t is now or
    /// an instant where some zone's local time enters the window: its local start time (found with MapLocal: none in a gap, two in an
    /// overlap) or an offset change; so it is enough to test those candidates.
    /// </summary>
    public static Instant? Earliest(Instant now, Duration delay, IReadOnlyList<DateTimeZone> zones, LocalTime start, LocalTime end, Duration horizon)
    {
        var last = now + horizon;
        var candidates = new List<Instant> { now };
        foreach (var zone in zones)
        {
            var firstDate = now.InZone(zone).Date.PlusDays(-1);
            var lastDate = last.InZone(zone).Date.PlusDays(1);
            for (var date = firstDate; date <= lastDate; date = date.PlusDays(1))
            {
                var mapped = zone.MapLocal(date + start);
                if (mapped.Count >= 1)
                {
                    candidates.Add(mapped.First().ToInstant());
                }

                if (mapped.Count == 2)
                {
                    candidates.Add(mapped.Last().ToInstant());
                }
            }

            foreach (var period in zone.GetZoneIntervals(now, last + Duration.FromTicks(1)))
            {
                if (period.HasStart)
                {
                    candidates.Add(period.Start);
                }
            }
        }

        candidates.Sort();
        foreach (var candidate in candidates)
        {
            if (candidate < now || candidate > last)
            {
                continue;
            }

            if (IntervalInside(candidate, delay, zones, start, end))
            {
                return candidate;
            }
        }

        return null;
    }
}
