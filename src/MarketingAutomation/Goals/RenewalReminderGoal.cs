namespace MarketingAutomation;

/// <summary>
/// Renewal reminder: <see cref="Before"/> a subscription renews or expires, one reminder per renewal date. Transactional by default
/// (a notice about a service the customer holds), so it bypasses marketing consent but never a hard opt-out.
/// </summary>
public sealed class RenewalReminderGoal : Goal
{
    /// <summary>Initializes a new instance of the <see cref="RenewalReminderGoal"/> class.</summary>
    /// <param name="id">The goal id.</param>
    public RenewalReminderGoal(string id = "renewal-reminder")
        : base(id)
    {
        Priority = 80;
        Value = 10.0;
        Purpose = MessagePurpose.Transactional;
        Variants =
        [
            new ContentVariant("renewal-notice") { Subject = "Your subscription renews soon", Body = "Your subscription renews in a few days. Manage it in your account.", ShortBody = "Your subscription renews soon." },
        ];
    }

    /// <summary>Gets how long before the renewal or expiry the reminder goes out.</summary>
    /// <value>The default value is 7 days.</value>
    public Duration Before { get; init; } = Duration.FromDays(7);

    /// <inheritdoc />
    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(sink);
        var subscriptions = customer.Customer.Subscriptions;
        var proposed = false;
        for (var i = 0; i < subscriptions.Length; i++)
        {
            var s = subscriptions[i];
            if (s.CancelledAt is not null)
            {
                continue;
            }

            var end = s.RenewsAt ?? s.ExpiresAt;
            if (end is not { } at || now >= at)
            {
                continue;
            }

            var start = at - Before;
            if (now < start)
            {
                sink.WakeAt(start);
                continue;
            }

            var last = customer.LastMessageOf(Id);
            if (proposed || (last is not null && last.ScheduledAt >= start))
            {
                continue;
            }

            proposed = true;
            var variants = Variants;
            for (var v = 0; v < variants.Length; v++)
            {
                sink.Propose(variants[v]);
            }
        }
    }
}
