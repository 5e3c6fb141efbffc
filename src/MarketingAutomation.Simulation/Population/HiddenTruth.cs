namespace MarketingAutomation.Simulation;

/// <summary>The behavioural segment a simulated customer belongs to (hidden from the engine).</summary>
public enum CustomerSegment : byte
{
    /// <summary>Signed up recently, not bought yet: responsive, curious.</summary>
    New = 0,

    /// <summary>Active and buying often: opens and clicks, but buys mostly anyway (low incrementality, discounts are wasted).</summary>
    Loyal = 1,

    /// <summary>Active, buys rarely unless there is an offer: offers multiply their conversion.</summary>
    DealSeeker = 2,

    /// <summary>Active, opens and clicks, rarely converts.</summary>
    Browser = 3,

    /// <summary>Dropped out (BG/NBD): no organic purchases unless a message wins them back.</summary>
    Lapsed = 4,
}

/// <summary>
/// What the simulation knows about a customer and the engine does not: segment, purchase process, responsiveness, engaged hours,
/// fatigue tolerance, category affinities. Compact (tens of bytes plus one small affinity array) so a million customers fit.
/// </summary>
public sealed class HiddenTruth
{
    private static readonly string[] SegmentNames = ["new", "loyal", "deal-seekers", "browsers", "lapsed"];
    private readonly byte[] _affinity;

    internal HiddenTruth(
        CustomerSegment segment,
        bool isSleepingDog,
        DateTimeZone timeZone,
        float purchaseRatePerWeek,
        float dropoutProbability,
        bool isActive,
        bool hasPurchased,
        float spendRate,
        float spendShape,
        float fatigueTolerance,
        (float Email, float Sms, float Push) open,
        float click,
        float conversion,
        float offerSensitivity,
        float incrementality,
        (byte Peak1, byte Peak2, byte Width1, byte Width2, byte Weekend) hours,
        byte[] affinity,
        float renewalProbability)
    {
        SegmentKind = segment;
        IsSleepingDog = isSleepingDog;
        TimeZone = timeZone;
        PurchaseRatePerWeek = purchaseRatePerWeek;
        DropoutProbability = dropoutProbability;
        IsActive = isActive;
        HasPurchased = hasPurchased;
        SpendRate = spendRate;
        SpendShape = spendShape;
        FatigueTolerance = fatigueTolerance;
        _open = open;
        ClickPropensity = click;
        ConversionPropensity = conversion;
        OfferSensitivity = offerSensitivity;
        Incrementality = incrementality;
        _hours = hours;
        _affinity = affinity;
        RenewalProbability = renewalProbability;
    }

    private readonly (float Email, float Sms, float Push) _open;
    private readonly (byte Peak1, byte Peak2, byte Width1, byte Width2, byte Weekend) _hours;

    /// <summary>Gets the segment name: <c>new</c>, <c>loyal</c>, <c>deal-seekers</c>, <c>browsers</c> or <c>lapsed</c>.</summary>
    public string Segment => SegmentNames[(int)SegmentKind];

    /// <summary>Gets the segment.</summary>
    public CustomerSegment SegmentKind { get; }

    /// <summary>Gets a value indicating whether contact makes this customer worse: each delivered marketing message lowers their organic purchase rate and may make them drop out.</summary>
    public bool IsSleepingDog { get; }

    /// <summary>Gets the customer's real time zone (known even when the store's <see cref="Customer.TimeZoneId"/> is null).</summary>
    public DateTimeZone TimeZone { get; }

    /// <summary>Gets the BG/NBD purchase rate while active, in purchases per week.</summary>
    public float PurchaseRatePerWeek { get; }

    /// <summary>Gets the BG/NBD probability of dropping out after each repeat purchase.</summary>
    public float DropoutProbability { get; }

    /// <summary>Gets a value indicating whether the customer is still active (has not dropped out) at the start.</summary>
    public bool IsActive { get; }

    /// <summary>Gets a value indicating whether the customer had made a first purchase before the start (new sign-ups have not).</summary>
    public bool HasPurchased { get; }

    /// <summary>Gets the Gamma-Gamma spend rate nu: spend per purchase is Gamma(<see cref="SpendShape"/>, nu).</summary>
    public float SpendRate { get; }

    /// <summary>Gets the Gamma-Gamma shape p of spend per purchase.</summary>
    public float SpendShape { get; }

    /// <summary>Gets the mean spend per purchase, p / nu.</summary>
    public double MeanSpend => SpendShape / SpendRate;

    /// <summary>Gets how many marketing messages per 7 days the customer tolerates before the unsubscribe and complaint hazard rises and engagement falls.</summary>
    public float FatigueTolerance { get; }

    /// <summary>Gets the probability that a link in an opened message is clicked (before offer and affinity effects).</summary>
    public float ClickPropensity { get; }

    /// <summary>Gets the probability that a click leads to a purchase (before offer and affinity effects).</summary>
    public float ConversionPropensity { get; }

    /// <summary>Gets how much an offer multiplies click and conversion (1 = indifferent; deal-seekers about 3-4).</summary>
    public float OfferSensitivity { get; }

    /// <summary>Gets the share of message-driven purchases that would not have happened anyway (the rest pull an organic purchase forward).</summary>
    public float Incrementality { get; }

    /// <summary>Gets the probability that the customer renews a subscription when it comes up (without a reminder).</summary>
    public float RenewalProbability { get; }

    /// <summary>Gets the local hour of day (0-23) of the main engagement peak.</summary>
    public int PeakHour => _hours.Peak1;

    /// <summary>Gets the local hour of day of the second engagement peak, or -1 when there is one peak.</summary>
    public int SecondPeakHour => _hours.Peak2 == byte.MaxValue ? -1 : _hours.Peak2;

    /// <summary>Gets the probability that a delivered message on a channel is opened (read) by the person, at an engaged hour and within tolerance.</summary>
    /// <param name="kind">The channel kind.</param>
    /// <returns>The propensity; 0 for kinds the simulation does not model.</returns>
    public double OpenPropensity(ChannelKind kind) => kind switch
    {
        ChannelKind.Email => _open.Email,
        ChannelKind.Sms => _open.Sms,
        ChannelKind.Push => _open.Push,
        _ => 0,
    };

    /// <summary>Gets the affinity (0 to 1, relative: the favourite category is 1) for a category of <see cref="SimulatedCatalog.Categories"/>.</summary>
    /// <param name="category">The category index.</param>
    /// <returns>The affinity.</returns>
    public double CategoryAffinity(int category) => (uint)category < (uint)_affinity.Length ? _affinity[category] / 255.0 : 0;

    /// <summary>Gets the raw affinities (0-255 per category); not copied, do not modify.</summary>
    internal byte[] Affinity => _affinity;

    /// <summary>Gets the index of the favourite category.</summary>
    public int FavouriteCategory
    {
        get
        {
            var best = 0;
            for (var i = 1; i < _affinity.Length; i++)
            {
                if (_affinity[i] > _affinity[best])
                {
                    best = i;
                }
            }

            return best;
        }
    }

    /// <summary>
    /// Gets how engaged the customer is in one local hour-of-week slot, from 0 to 1 (1 at the main peak). Slot 0 is Monday 00:00-01:00
    /// local time, slot 167 is Sunday 23:00-24:00.
    /// </summary>
    /// <param name="hourOfWeek">The slot, 0 to 167.</param>
    /// <returns>The engagement weight.</returns>
    public float EngagementAt(int hourOfWeek)
    {
        var hour = ((hourOfWeek % 24) + 24) % 24;
        var w = Bump(hour, _hours.Peak1, _hours.Width1);
        if (_hours.Peak2 != byte.MaxValue)
        {
            w = MathF.Max(w, 0.8f * Bump(hour, _hours.Peak2, _hours.Width2));
        }

        var weekend = ((hourOfWeek % 168) + 168) % 168 >= 120;
        if (weekend)
        {
            w = MathF.Min(1f, w * (_hours.Weekend / 100f));
        }

        return MathF.Max(w, 0.02f);
    }

    /// <summary>Gets the engagement weight at an instant (in the customer's real zone).</summary>
    /// <param name="at">The instant.</param>
    /// <returns>The weight, 0 to 1.</returns>
    public float EngagementAt(Instant at) => EngagementAt(HourOfWeek(at));

    /// <summary>Gets the 168-slot engaged-hours profile (allocates; for inspection and the oracle).</summary>
    /// <returns>Weights per local hour-of-week slot, Monday 00:00 first.</returns>
    public float[] EngagedHours()
    {
        var profile = new float[168];
        for (var h = 0; h < 168; h++)
        {
            profile[h] = EngagementAt(h);
        }

        return profile;
    }

    /// <summary>The local hour-of-week slot of an instant in the customer's real zone.</summary>
    /// <param name="at">The instant.</param>
    /// <returns>0 (Monday 00:00) to 167.</returns>
    public int HourOfWeek(Instant at)
    {
        var local = at.InZone(TimeZone).LocalDateTime;
        return (((int)local.DayOfWeek - 1) * 24) + local.Hour;
    }

    private static float Bump(int hour, int peak, byte widthTenths)
    {
        var d = Math.Abs(hour - peak);
        d = Math.Min(d, 24 - d);
        var sigma = widthTenths / 10f;
        return MathF.Exp(-(d * d) / (2 * sigma * sigma));
    }
}

/// <summary>A generated customer: what the engine sees (<see cref="Customer"/>) and what only the simulation knows (<see cref="Truth"/>).</summary>
public sealed class SimulatedCustomer
{
    internal SimulatedCustomer(int index, Customer customer, HiddenTruth truth)
    {
        Index = index;
        Customer = customer;
        Truth = truth;
    }

    /// <summary>Gets the customer's index in the population (0 to N-1); the customer depends only on the seed and this index.</summary>
    public int Index { get; }

    /// <summary>Gets the customer as the engine's store holds them.</summary>
    public Customer Customer { get; }

    /// <summary>Gets the hidden truth.</summary>
    public HiddenTruth Truth { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Customer.Id} ({Truth.Segment}{(Truth.IsSleepingDog ? ", sleeping dog" : string.Empty)})";
}
