using System.Globalization;

namespace MarketingAutomation.Simulation;

/// <summary>
/// The classic newsletter: one e-mail to everyone every week, on <see cref="Day"/> at <see cref="At"/> in the customer's local time,
/// whatever they did. Customers without a known time zone get nothing (their local time cannot be known).
/// </summary>
public sealed class BatchAndBlastStrategy : LabStrategy
{
    /// <summary>The strategy's name.</summary>
    public const string StrategyName = "batch-and-blast";

    /// <summary>The goal id of the weekly newsletter.</summary>
    public const string GoalId = "weekly-newsletter";

    /// <inheritdoc />
    public override string Name => StrategyName;

    /// <inheritdoc />
    public override string Description =>
        string.Create(CultureInfo.InvariantCulture, $"weekly e-mail to everyone, {Day} {At:HH:mm} local");

    /// <summary>Gets the day of the week the newsletter goes out.</summary>
    /// <value>The default value is Tuesday.</value>
    public IsoDayOfWeek Day { get; init; } = IsoDayOfWeek.Tuesday;

    /// <summary>Gets the local time the newsletter goes out (the hour that starts there).</summary>
    /// <value>The default value is 09:00.</value>
    public LocalTime At { get; init; } = new(9, 0);

    /// <summary>Gets the newsletter's content.</summary>
    public ContentVariant Newsletter { get; init; } = new("newsletter")
    {
        Subject = "This week at our store",
        Body = "New arrivals and this week's picks, {{FirstName}}.",
        ShortBody = "New arrivals are in.",
    };

    /// <inheritdoc />
    public override void Configure(IMarketingAutomationBuilder builder, SimulatedWorld world)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGoal(new WeeklyNewsletterGoal(Day, At) { Channels = [ChannelKind.Email], Variants = [Newsletter] }).UseGoalPriorityStrategy();
    }

    /// <summary>Proposes the newsletter only in the hour starting at the weekly slot, local time; otherwise wakes at the next slot.</summary>
    private sealed class WeeklyNewsletterGoal(IsoDayOfWeek day, LocalTime at) : Goal(GoalId)
    {
        public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
        {
            if (customer.Customer.TimeZone is not { } zone)
            {
                return;
            }

            var local = now.InZone(zone).LocalDateTime;
            var last = customer.LastMessageOf(Id);
            var sentThisSlot = last is not null && now - last.ScheduledAt < Duration.FromDays(6);
            var startOfSlot = local.Date + at;
            if (!sentThisSlot && local.DayOfWeek == day && local >= startOfSlot && local < startOfSlot.PlusHours(1))
            {
                var variants = Variants;
                for (var i = 0; i < variants.Length; i++)
                {
                    sink.Propose(variants[i]);
                }

                return;
            }

            sink.WakeAt(NextSlot(local, zone, now));
        }

        private Instant NextSlot(LocalDateTime local, DateTimeZone zone, Instant now)
        {
            var date = local.Date.With(DateAdjusters.NextOrSame(day));
            for (var i = 0; i < 3; i++)
            {
                var slot = (date + at).InZoneLeniently(zone).ToInstant();
                if (slot > now)
                {
                    return slot;
                }

                date = date.PlusWeeks(1);
            }

            return now + Duration.FromDays(7);
        }
    }
}
