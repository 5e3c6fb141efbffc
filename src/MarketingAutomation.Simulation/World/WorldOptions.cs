namespace MarketingAutomation.Simulation;

/// <summary>How the simulated world answers messages. Population-independent knobs; per-customer behaviour lives in <see cref="HiddenTruth"/>.</summary>
public sealed class WorldOptions
{
    /// <summary>Gets or sets the clock whose instant stamps every send (the runner's <c>FakeClock</c>). Null: the instant of the last <see cref="SimulatedWorld.AdvanceTo"/>.</summary>
    public IClock? Clock { get; set; }

    /// <summary>Gets or sets how long after a click a purchase still counts for the message (message-driven conversions and last-touch attribution of organic purchases).</summary>
    /// <value>The default value is 7 days.</value>
    public Duration AttributionWindow { get; set; } = Duration.FromDays(7);

    /// <summary>Gets or sets the share of e-mail recipients behind a privacy proxy (Apple Mail Privacy Protection and the like): every delivered e-mail is "opened" by a machine within seconds to minutes.</summary>
    /// <value>The default value is 0.45.</value>
    public double MachineOpenShare { get; set; } = 0.45;

    /// <summary>Gets or sets the share of e-mail addresses that do not exist (every message hard-bounces).</summary>
    /// <value>The default value is 0.02.</value>
    public double HardBounceShare { get; set; } = 0.02;

    /// <summary>Gets or sets the probability that one e-mail soft-bounces (mailbox full, greylisting).</summary>
    /// <value>The default value is 0.01.</value>
    public double SoftBounceRate { get; set; } = 0.01;

    /// <summary>Gets or sets the share of SMS numbers the provider rejects permanently (not a mobile, disconnected).</summary>
    /// <value>The default value is 0.01.</value>
    public double InvalidSmsShare { get; set; } = 0.01;

    /// <summary>Gets or sets the share of SMS unsubscribes that arrive as a STOP reply (the rest as a provider unsubscribe event).</summary>
    /// <value>The default value is 0.9.</value>
    public double StopShareOfSmsUnsubscribes { get; set; } = 0.9;

    /// <summary>Gets or sets a value indicating whether SMS reads are reported as opens (providers normally cannot see them).</summary>
    public bool ReportSmsReads { get; set; }

    /// <summary>Gets or sets the base probability that an e-mail makes the recipient unsubscribe, within tolerance.</summary>
    /// <value>The default value is 0.002.</value>
    public double EmailUnsubscribeRate { get; set; } = 0.002;

    /// <summary>Gets or sets the base probability that an SMS makes the recipient opt out, within tolerance.</summary>
    /// <value>The default value is 0.008.</value>
    public double SmsUnsubscribeRate { get; set; } = 0.008;

    /// <summary>Gets or sets the base probability that a push notification makes the recipient turn notifications off, within tolerance.</summary>
    /// <value>The default value is 0.003.</value>
    public double PushUnsubscribeRate { get; set; } = 0.003;

    /// <summary>Gets or sets the base probability of a spam complaint per e-mail, within tolerance.</summary>
    /// <value>The default value is 0.0005.</value>
    public double EmailComplaintRate { get; set; } = 0.0005;

    /// <summary>Gets or sets the base probability of a spam report per SMS, within tolerance.</summary>
    /// <value>The default value is 0.001.</value>
    public double SmsComplaintRate { get; set; } = 0.001;

    /// <summary>Gets or sets how much the unsubscribe and complaint hazards grow per message above the customer's tolerance (1.5: each extra message adds 150 % of the base).</summary>
    /// <value>The default value is 1.5.</value>
    public double FatigueHazardPerExcessMessage { get; set; } = 1.5;

    /// <summary>Gets or sets how much engagement (opens) falls per message above tolerance: open probability is divided by (1 + this * excess).</summary>
    /// <value>The default value is 0.25.</value>
    public double FatigueEngagementDrop { get; set; } = 0.25;

    /// <summary>Gets or sets the half-life of a message's weight in the customer's recent-message load (compared with their tolerance per 7 days).</summary>
    /// <value>The default value is 3.5 days.</value>
    public Duration FatigueHalfLife { get; set; } = Duration.FromHours(84);

    /// <summary>Gets or sets the open probability at the customer's least engaged hours relative to their peak (timing matters by 1 minus this).</summary>
    /// <value>The default value is 0.5.</value>
    public double OffHoursOpenFactor { get; set; } = 0.5;

    /// <summary>Gets or sets what each delivered marketing message multiplies a sleeping dog's organic purchase rate by.</summary>
    /// <value>The default value is 0.7.</value>
    public double SleepingDogRateFactor { get; set; } = 0.7;

    /// <summary>Gets or sets the probability that a delivered marketing message makes a sleeping dog drop out for good.</summary>
    /// <value>The default value is 0.05.</value>
    public double SleepingDogChurnProbability { get; set; } = 0.05;

    /// <summary>Gets or sets the probability that a customer who unsubscribes also stops buying (drops out).</summary>
    /// <value>The default value is 0.15.</value>
    public double ChurnOnUnsubscribe { get; set; } = 0.15;

    /// <summary>Gets or sets the probability that a customer who complains also stops buying.</summary>
    /// <value>The default value is 0.3.</value>
    public double ChurnOnComplaint { get; set; } = 0.3;

    /// <summary>Gets or sets the probability that a lapsed customer who converts on a message becomes active again (buys organically from then on).</summary>
    /// <value>The default value is 0.5.</value>
    public double ReviveOnConversion { get; set; } = 0.5;

    /// <summary>Gets or sets how much a human-opened renewal reminder raises the renewal probability (absolute).</summary>
    /// <value>The default value is 0.1.</value>
    public double ReminderRenewalUplift { get; set; } = 0.1;

    /// <summary>Gets or sets the horizon over which <see cref="SimulatedWorld.Outlook"/> counts lost organic purchases (sleeping-dog harm, churn after an unsubscribe).</summary>
    /// <value>The default value is 30 days.</value>
    public Duration OutlookHorizon { get; set; } = Duration.FromDays(30);

    /// <summary>Gets or sets the discount (percent) of offers by id; offers not listed use the number at the end of the id (<c>missyou15</c>: 15), else 10.</summary>
    public IDictionary<string, decimal> OfferDiscounts { get; set; } = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["welcome10"] = 10m, ["missyou15"] = 15m };

    /// <summary>Gets or sets the price of a subscription renewal by plan; plans not listed renew at 49.</summary>
    public IDictionary<string, decimal> PlanPrices { get; set; } = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["plus"] = 49m, ["pro"] = 99m, ["annual-pass"] = 79m };

    internal void Validate()
    {
        Check(AttributionWindow > Duration.Zero, nameof(AttributionWindow), "set a positive duration, for example Duration.FromDays(7)");
        Check(FatigueHalfLife > Duration.Zero, nameof(FatigueHalfLife), "set a positive duration, for example Duration.FromDays(3.5)");
        Check(OutlookHorizon > Duration.Zero, nameof(OutlookHorizon), "set a positive duration, for example Duration.FromDays(30)");
        Share(MachineOpenShare, nameof(MachineOpenShare));
        Share(HardBounceShare, nameof(HardBounceShare));
        Share(SoftBounceRate, nameof(SoftBounceRate));
        Share(InvalidSmsShare, nameof(InvalidSmsShare));
        Share(StopShareOfSmsUnsubscribes, nameof(StopShareOfSmsUnsubscribes));
        Share(EmailUnsubscribeRate, nameof(EmailUnsubscribeRate));
        Share(SmsUnsubscribeRate, nameof(SmsUnsubscribeRate));
        Share(PushUnsubscribeRate, nameof(PushUnsubscribeRate));
        Share(EmailComplaintRate, nameof(EmailComplaintRate));
        Share(SmsComplaintRate, nameof(SmsComplaintRate));
        Share(OffHoursOpenFactor, nameof(OffHoursOpenFactor));
        Share(SleepingDogRateFactor, nameof(SleepingDogRateFactor));
        Share(SleepingDogChurnProbability, nameof(SleepingDogChurnProbability));
        Share(ChurnOnUnsubscribe, nameof(ChurnOnUnsubscribe));
        Share(ChurnOnComplaint, nameof(ChurnOnComplaint));
        Share(ReviveOnConversion, nameof(ReviveOnConversion));
        Share(ReminderRenewalUplift, nameof(ReminderRenewalUplift));
        Check(double.IsFinite(FatigueHazardPerExcessMessage) && FatigueHazardPerExcessMessage >= 0, nameof(FatigueHazardPerExcessMessage), "set a finite number >= 0");
        Check(double.IsFinite(FatigueEngagementDrop) && FatigueEngagementDrop >= 0, nameof(FatigueEngagementDrop), "set a finite number >= 0");
        Check(OfferDiscounts is not null, nameof(OfferDiscounts), "set a dictionary (it may be empty)");
        Check(PlanPrices is not null, nameof(PlanPrices), "set a dictionary (it may be empty)");
    }

    private static void Share(double value, string name) => Check(value is >= 0 and <= 1, name, $"it is {value}; a probability must be between 0 and 1");

    private static void Check(bool ok, string name, string fix)
    {
        if (!ok)
        {
            throw new ArgumentException($"WorldOptions.{name} is invalid: {fix}.", name);
        }
    }
}

/// <summary>One message handed to a simulated channel.</summary>
/// <param name="CustomerId">The recipient customer.</param>
/// <param name="DecisionId">The decision that produced it.</param>
/// <param name="MessageId">The message id (idempotency key).</param>
/// <param name="Kind">The channel kind.</param>
/// <param name="Purpose">Marketing or transactional.</param>
/// <param name="GoalId">The goal.</param>
/// <param name="OfferId">The offer, if any.</param>
/// <param name="At">When the channel got it (the world's clock).</param>
public sealed record SentMessage(string CustomerId, Guid DecisionId, string MessageId, ChannelKind Kind, MessagePurpose Purpose, string GoalId, string? OfferId, Instant At)
{
    /// <summary>Gets the content variant id.</summary>
    public string VariantId { get; init; } = string.Empty;

    /// <summary>Gets the channel name the message was sent through.</summary>
    public string Channel { get; init; } = string.Empty;

    /// <summary>Gets a value indicating whether the channel accepted it (false: rejected, for an unknown customer or an unusable address).</summary>
    public bool Accepted { get; init; } = true;
}

/// <summary>What sending one message now would do, from the hidden truth (for the oracle strategy and for checks).</summary>
/// <param name="IncrementalConversionProbability">Expected incremental purchases: message-driven conversions that would not have happened anyway, minus organic purchases lost to harm (sleeping dogs, churn after an unsubscribe) over the outlook horizon. Negative when contact hurts.</param>
/// <param name="ExpectedIncrementalRevenue">Expected incremental revenue over the outlook horizon: driven revenue net of discount, minus discounts given on purchases that would have happened anyway, minus lost organic revenue.</param>
/// <param name="UnsubscribeProbability">Probability that the message makes the customer unsubscribe (or reply STOP).</param>
/// <param name="ComplaintProbability">Probability of a spam complaint.</param>
/// <param name="OpenProbability">Probability that the person opens (reads) it; machine opens excluded.</param>
public sealed record MessageOutlook(double IncrementalConversionProbability, double ExpectedIncrementalRevenue, double UnsubscribeProbability, double ComplaintProbability, double OpenProbability);
