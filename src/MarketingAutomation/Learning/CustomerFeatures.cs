namespace MarketingAutomation;

/// <summary>Where a customer is in their life with the business, read from their purchase history.</summary>
internal enum LifecycleStage
{
    /// <summary>Never bought.</summary>
    Prospect = 0,

    /// <summary>One purchase, recent.</summary>
    New = 1,

    /// <summary>Buying at their usual rhythm.</summary>
    Active = 2,

    /// <summary>Overdue: more than 2.5 usual gaps since the last purchase (or a single purchase 90 to 365 days ago).</summary>
    Lapsing = 3,

    /// <summary>Gone quiet: more than 6 usual gaps (or a single purchase over a year ago).</summary>
    Lapsed = 4,
}

/// <summary>
/// The context the learning strategy conditions on, computed from a <see cref="CustomerContext"/> as of an instant without allocating:
/// lifecycle stage, purchase frequency, recent message load, average order value, and the expected organic purchases in the attribution
/// window (the counterfactual that makes the value estimate incremental).
/// </summary>
internal readonly struct CustomerFeatures
{
    /// <summary>The number of lifecycle stages.</summary>
    public const int Stages = 5;

    /// <summary>The number of frequency buckets (0-1, 2-4, 5+ purchases).</summary>
    public const int FrequencyBuckets = 3;

    /// <summary>The number of load buckets (0, 1, 2+ marketing messages in the last 7 days).</summary>
    public const int LoadBuckets = 3;

    /// <summary>The number of context cells.</summary>
    public const int Cells = Stages * FrequencyBuckets * LoadBuckets;

    private static readonly Duration Week = Duration.FromDays(7);

    private CustomerFeatures(LifecycleStage stage, int frequency, int load, int recentMarketing, double averageOrder, double organicRatePerDay, double activeRatePerDay)
    {
        Stage = stage;
        FrequencyBucket = frequency;
        LoadBucket = load;
        RecentMarketingMessages = recentMarketing;
        AverageOrderValue = averageOrder;
        OrganicRatePerDay = organicRatePerDay;
        ActiveRatePerDay = activeRatePerDay;
    }

    /// <summary>Gets the lifecycle stage.</summary>
    public LifecycleStage Stage { get; }

    /// <summary>Gets the frequency bucket (0: at most one purchase, 1: 2 to 4, 2: 5 or more).</summary>
    public int FrequencyBucket { get; }

    /// <summary>Gets the load bucket (marketing messages in the last 7 days: 0, 1, 2 or more).</summary>
    public int LoadBucket { get; }

    /// <summary>Gets the marketing messages counted in the last 7 days (pending, held, sent or unknown).</summary>
    public int RecentMarketingMessages { get; }

    /// <summary>Gets the customer's average order value, or 0 when they never bought.</summary>
    public double AverageOrderValue { get; }

    /// <summary>Gets the expected organic purchases per day now (rate while active times the chance they still are).</summary>
    public double OrganicRatePerDay { get; }

    /// <summary>Gets the purchase rate per day the customer had while active (what a win-back could restore).</summary>
    public double ActiveRatePerDay { get; }

    /// <summary>Gets the context cell (0 to <see cref="Cells"/> - 1).</summary>
    public int Cell => ((((int)Stage * FrequencyBuckets) + FrequencyBucket) * LoadBuckets) + LoadBucket;

    /// <summary>Gets a value indicating whether a conversion would win the customer back (lapsing or lapsed).</summary>
    public bool IsWinBack => Stage is LifecycleStage.Lapsing or LifecycleStage.Lapsed;

    /// <summary>Computes the features as of an instant: only purchases and messages before it count.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="at">The instant.</param>
    /// <returns>The features.</returns>
    public static CustomerFeatures Compute(CustomerContext customer, Instant at)
    {
        var purchases = customer.Customer.Purchases;
        var n = 0;
        var total = 0.0;
        var first = Instant.MaxValue;
        var last = Instant.MinValue;
        for (var i = 0; i < purchases.Length; i++)
        {
            var p = purchases[i];
            if (p.At >= at)
            {
                continue;
            }

            n++;
            total += (double)p.Amount;
            if (p.At < first)
            {
                first = p.At;
            }

            if (p.At > last)
            {
                last = p.At;
            }
        }

        var messages = customer.Messages;
        var since = at - Week;
        var recent = 0;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (m.Purpose == MessagePurpose.Marketing && m.CountsTowardCaps && m.ScheduledAt >= since && m.ScheduledAt < at)
            {
                recent++;
            }
        }

        var load = recent >= 2 ? 2 : recent;
        if (n == 0)
        {
            return new CustomerFeatures(LifecycleStage.Prospect, 0, load, recent, 0, 0, 0);
        }

        var sinceLast = (at - last).TotalDays;
        var span = (last - first).TotalDays;

        // Rate while active: purchases over the active span plus a month (a single purchase gives a slow, uncertain rate).
        var activeRate = n / (span + 30.0);
        LifecycleStage stage;
        double alive;
        if (n == 1)
        {
            stage = sinceLast < 90 ? LifecycleStage.New : sinceLast < 365 ? LifecycleStage.Lapsing : LifecycleStage.Lapsed;
            alive = sinceLast < 90 ? 1.0 : sinceLast < 365 ? 0.4 : 0.1;
        }
        else
        {
            var gap = Math.Max(14.0, span / (n - 1));
            var overdue = sinceLast / gap;
            stage = overdue < 2.5 ? LifecycleStage.Active : overdue < 6 ? LifecycleStage.Lapsing : LifecycleStage.Lapsed;
            alive = overdue < 2.5 ? 1.0 : overdue < 6 ? 0.4 : 0.1;
        }

        var frequency = n >= 5 ? 2 : n >= 2 ? 1 : 0;
        return new CustomerFeatures(stage, frequency, load, recent, total / n, activeRate * alive, activeRate);
    }
}
