namespace MarketingAutomation;

/// <summary>The calendar period of a <see cref="CalendarCapPolicy"/>, in the customer's local time.</summary>
public enum CalendarPeriod
{
    /// <summary>A local calendar day (midnight to midnight; 23 or 25 hours on DST days).</summary>
    Day = 0,

    /// <summary>A local calendar week starting on <see cref="CalendarCapPolicy.WeekStart"/>.</summary>
    Week = 1,

    /// <summary>A local calendar month.</summary>
    Month = 2,
}

/// <summary>
/// A calendar-window frequency cap: at most <see cref="MaxMessages"/> messages per local calendar day, week or month of the customer
/// ("at most one e-mail per day" as people read it). Periods are computed in the customer's time zone with NodaTime, so DST days are
/// 23 or 25 hours long. When the zone is unknown the rule falls back to a rolling window of the period's longest length (24 h, 7 days,
/// 31 days), which always counts at least as many messages: never looser. When the cap binds, the candidate is deferred to the start
/// of the next period.
/// </summary>
public sealed class CalendarCapPolicy : IPolicy, IValidatableRule
{
    private readonly string _reason;
    private readonly FrequencyCapPolicy _fallback;

    /// <summary>Initializes a new instance of the <see cref="CalendarCapPolicy"/> class.</summary>
    /// <param name="maxMessages">The most messages per period (0 blocks; reported at startup if a goal can only use the channel).</param>
    /// <param name="period">The calendar period.</param>
    /// <param name="channel">The channel kind capped, or null for all channels together.</param>
    public CalendarCapPolicy(int maxMessages, CalendarPeriod period, ChannelKind? channel = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessages);
        MaxMessages = maxMessages;
        Period = period;
        Channel = channel;
        var suffix = channel is null ? string.Empty : ":" + channel.Value.ToString().ToLowerInvariant();
        Name = $"calendar-cap:{maxMessages}/{period.ToString().ToLowerInvariant()}{suffix}";
        _reason = $"At most {maxMessages} message(s) per local calendar {period.ToString().ToLowerInvariant()}{(channel is null ? " across channels" : " on " + channel)}.";
        var longest = period switch
        {
            CalendarPeriod.Day => Duration.FromHours(25),
            CalendarPeriod.Week => Duration.FromDays(7) + Duration.FromHours(1),
            _ => Duration.FromDays(31) + Duration.FromHours(1),
        };
        _fallback = new FrequencyCapPolicy(maxMessages, longest, channel);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets the most messages per period.</summary>
    public int MaxMessages { get; }

    /// <summary>Gets the period.</summary>
    public CalendarPeriod Period { get; }

    /// <summary>Gets the channel kind capped, or null for all channels.</summary>
    public ChannelKind? Channel { get; }

    /// <summary>Gets the first day of a week.</summary>
    /// <value>The default value is Monday (ISO 8601).</value>
    public IsoDayOfWeek WeekStart { get; init; } = IsoDayOfWeek.Monday;

    /// <summary>Gets a value indicating whether transactional messages count and are capped too.</summary>
    public bool IncludeTransactional
    {
        get;
        init
        {
            field = value;
            _fallback = new FrequencyCapPolicy(_fallback.MaxMessages, _fallback.Window, Channel) { IncludeTransactional = value, Tolerance = Tolerance };
        }
    }

    /// <summary>Gets a learned per-customer tolerance; it can only tighten the cap (<c>min(MaxMessages, learned)</c>).</summary>
    public ICapTolerance? Tolerance
    {
        get;
        init
        {
            field = value;
            _fallback = new FrequencyCapPolicy(_fallback.MaxMessages, _fallback.Window, Channel) { IncludeTransactional = IncludeTransactional, Tolerance = value };
        }
    }

    /// <inheritdoc />
    public IEnumerable<string> Validate(RuleValidationContext context)
    {
        foreach (var problem in _fallback.Validate(context))
        {
            yield return problem.Replace(_fallback.Name, Name, StringComparison.Ordinal);
        }
    }

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context)
    {
        if (!FrequencyCapPolicy.Caps(context.Candidate, Channel, IncludeTransactional))
        {
            return PolicyVerdict.Allow;
        }

        var zone = context.Customer.Customer.TimeZone;
        if (zone is null)
        {
            var verdict = _fallback.Evaluate(in context);
            return verdict.Kind == VerdictKind.Allow ? verdict
                : verdict.Kind == VerdictKind.Defer ? PolicyVerdict.DeferUntil(verdict.Until, ReasonCodes.FrequencyCap, _reason)
                : PolicyVerdict.Deny(ReasonCodes.FrequencyCap, _reason);
        }

        var (start, end) = PeriodAround(context.Now, zone);
        var max = MaxMessages;
        if (Tolerance?.MaxMessages(context.Customer, end - start, Channel) is { } learned && learned < max)
        {
            max = Math.Max(0, learned);
        }

        if (max == 0)
        {
            return PolicyVerdict.Deny(ReasonCodes.FrequencyCap, _reason);
        }

        var count = 0;
        var messages = context.Customer.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (m.ScheduledAt >= start && m.ScheduledAt < end && m.CountsTowardCaps && (Channel is not { } k || m.Kind == k)
                && (IncludeTransactional || m.Purpose != MessagePurpose.Transactional))
            {
                count++;
            }
        }

        return count < max ? PolicyVerdict.Allow : PolicyVerdict.DeferUntil(end, ReasonCodes.FrequencyCap, _reason);
    }

    /// <summary>The local period containing an instant, as instants [start, end). DST-safe: local midnights resolved leniently.</summary>
    /// <param name="now">The instant.</param>
    /// <param name="zone">The customer's zone.</param>
    /// <returns>The period's start and end.</returns>
    public (Instant Start, Instant End) PeriodAround(Instant now, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var today = now.InZone(zone).Date;
        LocalDate first;
        LocalDate next;
        switch (Period)
        {
            case CalendarPeriod.Day:
                first = today;
                next = today.PlusDays(1);
                break;
            case CalendarPeriod.Week:
                var back = ((int)today.DayOfWeek - (int)WeekStart + 7) % 7;
                first = today.PlusDays(-back);
                next = first.PlusWeeks(1);
                break;
            default:
                first = new LocalDate(today.Year, today.Month, 1);
                next = first.PlusMonths(1);
                break;
        }

        return (zone.AtStartOfDay(first).ToInstant(), zone.AtStartOfDay(next).ToInstant());
    }
}
