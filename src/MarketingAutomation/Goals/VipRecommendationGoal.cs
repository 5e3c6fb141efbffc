namespace MarketingAutomation;

/// <summary>VIP recommendation: customers whose lifetime value reaches <see cref="MinimumLifetimeValue"/> get a recommendation every <see cref="Interval"/>.</summary>
public sealed class VipRecommendationGoal : Goal
{
    /// <summary>Initializes a new instance of the <see cref="VipRecommendationGoal"/> class.</summary>
    /// <param name="id">The goal id.</param>
    public VipRecommendationGoal(string id = "vip-recommendation")
        : base(id)
    {
        Priority = 40;
        Value = 6.0;
        Variants =
        [
            new ContentVariant("vip-early-access") { Subject = "Early access for our best customers", Body = "As one of our best customers, {{FirstName}}, you get early access to the new collection.", ShortBody = "VIP early access is open." },
        ];
    }

    /// <summary>Gets the lifetime value that makes a customer a VIP.</summary>
    /// <value>The default value is 1,000.</value>
    public decimal MinimumLifetimeValue { get; init; } = 1000m;

    /// <summary>Gets the least time between two recommendations.</summary>
    /// <value>The default value is 30 days.</value>
    public Duration Interval { get; init; } = Duration.FromDays(30);

    /// <inheritdoc />
    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(sink);
        if (customer.Customer.LifetimeValue < MinimumLifetimeValue)
        {
            return;
        }

        var last = customer.LastMessageOf(Id);
        if (last is not null && now < last.ScheduledAt + Interval)
        {
            sink.WakeAt(last.ScheduledAt + Interval);
            return;
        }

        var variants = Variants;
        for (var i = 0; i < variants.Length; i++)
        {
            sink.Propose(variants[i]);
        }
    }
}
