namespace MarketingAutomation;

/// <summary>
/// Win-back: a customer who bought before but not for <see cref="InactiveFor"/> gets up to <see cref="MaxMessagesPerLapse"/>
/// messages, at least <see cref="Cooldown"/> apart. A new purchase starts over.
/// </summary>
public sealed class WinBackGoal : Goal
{
    /// <summary>Initializes a new instance of the <see cref="WinBackGoal"/> class with a default variant carrying a 15 % offer.</summary>
    /// <param name="id">The goal id.</param>
    public WinBackGoal(string id = "win-back")
        : base(id)
    {
        Priority = 50;
        Value = 8.0;
        Variants =
        [
            new ContentVariant("win-back-offer") { Subject = "We miss you, {{FirstName}}", Body = "It has been a while. Come back for 15% off with code MISSYOU15.", ShortBody = "We miss you! 15% off with MISSYOU15.", Offer = new Offer("missyou15", 15m) { Code = "MISSYOU15", CostFraction = 0.15 } },
        ];
    }

    /// <summary>Gets how long without a purchase makes a customer lapsed.</summary>
    /// <value>The default value is 60 days.</value>
    public Duration InactiveFor { get; init; } = Duration.FromDays(60);

    /// <summary>Gets the least time between two win-back messages.</summary>
    /// <value>The default value is 14 days.</value>
    public Duration Cooldown { get; init; } = Duration.FromDays(14);

    /// <summary>Gets how many win-back messages one lapse gets at most.</summary>
    /// <value>The default value is 2.</value>
    public int MaxMessagesPerLapse { get; init; } = 2;

    /// <inheritdoc />
    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(sink);
        if (customer.Customer.LastPurchaseAt is not { } lastPurchase)
        {
            return;
        }

        var due = lastPurchase + InactiveFor;
        var sent = 0;
        var messages = customer.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (m.CountsTowardCaps && m.ScheduledAt > lastPurchase && string.Equals(m.GoalId, Id, StringComparison.Ordinal))
            {
                sent++;
                if (m.ScheduledAt + Cooldown > due)
                {
                    due = m.ScheduledAt + Cooldown;
                }
            }
        }

        if (sent >= MaxMessagesPerLapse)
        {
            return;
        }

        if (now < due)
        {
            sink.WakeAt(due);
            return;
        }

        var variants = Variants;
        for (var i = 0; i < variants.Length; i++)
        {
            sink.Propose(variants[i]);
        }
    }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        if (InactiveFor <= Duration.Zero)
        {
            yield return $"Goal '{Id}' has InactiveFor {InactiveFor}; it must be positive.";
        }

        if (MaxMessagesPerLapse < 1)
        {
            yield return $"Goal '{Id}' has MaxMessagesPerLapse {MaxMessagesPerLapse}; it must be 1 or more.";
        }
    }
}
