using FluentValidation;

namespace MarketingAutomation.Simulation;

/// <summary>One IANA time zone in the population's mix, with its relative weight.</summary>
/// <param name="ZoneId">The IANA zone id (for example <c>Europe/Berlin</c>).</param>
/// <param name="Weight">The relative weight (any non-negative number; weights are normalised).</param>
public sealed record TimeZoneShare(string ZoneId, double Weight);

/// <summary>How a synthetic population is drawn. Every customer depends only on (<see cref="Seed"/>, index).</summary>
public sealed class PopulationOptions
{
    /// <summary>Gets or sets how many customers to generate.</summary>
    /// <value>The default value is 100,000.</value>
    public int Customers { get; set; } = 100_000;

    /// <summary>Gets or sets the seed every draw is keyed by.</summary>
    /// <value>The default value is 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the instant customers' histories end at and the simulation starts (a Monday).</summary>
    /// <value>The default value is 2026-03-02T00:00Z.</value>
    public Instant Start { get; set; } = Instant.FromUtc(2026, 3, 2, 0, 0);

    /// <summary>Gets or sets how far back established customers' first purchases (sign-ups) reach, in days.</summary>
    /// <value>The default value is 730 (two years).</value>
    public int HistoryDays { get; set; } = 730;

    /// <summary>Gets or sets the time-zone mix. Weights are relative.</summary>
    /// <value>The default value is a mix weighted to North America and Europe, with half-hour and quarter-hour offsets (Kolkata, St John's, Kathmandu) and southern-hemisphere DST (Sydney, Auckland).</value>
    public IList<TimeZoneShare> TimeZones { get; set; } =
    [
        new("America/New_York", 22), new("America/Chicago", 10), new("America/Denver", 4), new("America/Los_Angeles", 14),
        new("America/Sao_Paulo", 4), new("Europe/London", 10), new("Europe/Berlin", 9), new("Europe/Paris", 6), new("Europe/Madrid", 3),
        new("Asia/Kolkata", 4), new("Asia/Tokyo", 4), new("Australia/Sydney", 3), new("Pacific/Auckland", 1), new("America/St_Johns", 1),
        new("Asia/Kathmandu", 1),
    ];

    /// <summary>Gets or sets the share of customers whose time zone the store does not know (<see cref="Customer.TimeZoneId"/> is null).</summary>
    /// <value>The default value is 0.05.</value>
    public double UnknownTimeZoneShare { get; set; } = 0.05;

    /// <summary>
    /// Gets or sets the share of customers with an unknown zone who still have an SMS number, whose country or area code lets the
    /// engine infer their zone. The rest have no phone number at all.
    /// </summary>
    /// <value>The default value is 0.7.</value>
    public double UnknownTimeZoneSmsShare { get; set; } = 0.7;

    /// <summary>Gets or sets the share of customers with an e-mail address.</summary>
    /// <value>The default value is 0.96.</value>
    public double EmailShare { get; set; } = 0.96;

    /// <summary>Gets or sets the share of customers (with a known zone) with an SMS number.</summary>
    /// <value>The default value is 0.55.</value>
    public double SmsShare { get; set; } = 0.55;

    /// <summary>Gets or sets the share of customers with a push token (app users).</summary>
    /// <value>The default value is 0.4.</value>
    public double PushShare { get; set; } = 0.40;

    /// <summary>Gets or sets the share of established customers whom contact makes worse (sleeping dogs).</summary>
    /// <value>The default value is 0.05.</value>
    public double SleepingDogShare { get; set; } = 0.05;

    /// <summary>Gets or sets the BG/NBD purchase process (time unit: weeks).</summary>
    /// <value>The default value is the published CDNOW fit, <see cref="BgNbdParameters.Cdnow"/>.</value>
    public BgNbdParameters BgNbd { get; set; } = BgNbdParameters.Cdnow;

    /// <summary>Gets or sets the Gamma-Gamma shape p of spend per purchase.</summary>
    /// <value>The default value is 6.25 (CDNOW).</value>
    public double SpendP { get; set; } = 6.25;

    /// <summary>Gets or sets the Gamma-Gamma shape q of the spend-rate distribution (must exceed 1).</summary>
    /// <value>The default value is 3.74 (CDNOW).</value>
    public double SpendQ { get; set; } = 3.74;

    /// <summary>Gets or sets the Gamma-Gamma rate v of the spend-rate distribution.</summary>
    /// <value>The default value is 15.45 (CDNOW).</value>
    public double SpendV { get; set; } = 15.45;

    /// <summary>Gets or sets the share of customers holding a subscription (with a renewal or expiry date after <see cref="Start"/>).</summary>
    /// <value>The default value is 0.12.</value>
    public double SubscriptionShare { get; set; } = 0.12;

    /// <summary>Gets or sets the share of customers who signed up inside <see cref="NewSignUpWindow"/> before the start and have not bought yet.</summary>
    /// <value>The default value is 0.03.</value>
    public double NewSignUpShare { get; set; } = 0.03;

    /// <summary>Gets or sets how recently new sign-ups joined.</summary>
    /// <value>The default value is 14 days.</value>
    public Duration NewSignUpWindow { get; set; } = Duration.FromDays(14);

    /// <summary>Gets or sets the share of active, non-loyal customers who are deal-seekers (respond to offers, little otherwise).</summary>
    /// <value>The default value is 0.35.</value>
    public double DealSeekerShare { get; set; } = 0.35;

    /// <summary>Gets or sets the purchase rate (per week) from which an active customer counts as loyal.</summary>
    /// <value>The default value is 0.12 (about one purchase every two months).</value>
    public double LoyalPurchaseRate { get; set; } = 0.12;

    /// <summary>Gets or sets the largest number of historical purchases kept per customer (the oldest are dropped).</summary>
    /// <value>The default value is 60.</value>
    public int MaxHistoryPurchases { get; set; } = 60;
}

/// <summary>Validates <see cref="PopulationOptions"/>: each failure names the property and how to fix it.</summary>
public sealed class PopulationOptionsValidator : AbstractValidator<PopulationOptions>
{
    /// <summary>Initializes a new instance of the <see cref="PopulationOptionsValidator"/> class.</summary>
    public PopulationOptionsValidator()
    {
        RuleFor(o => o.Customers).InclusiveBetween(1, 100_000_000)
            .WithMessage("PopulationOptions.Customers is {PropertyValue}; set it between 1 and 100,000,000.");
        RuleFor(o => o.HistoryDays).InclusiveBetween(1, 36_500)
            .WithMessage("PopulationOptions.HistoryDays is {PropertyValue}; set it between 1 and 36,500 days.");
        RuleFor(o => o.MaxHistoryPurchases).InclusiveBetween(1, 10_000)
            .WithMessage("PopulationOptions.MaxHistoryPurchases is {PropertyValue}; set it between 1 and 10,000.");
        RuleFor(o => o.NewSignUpWindow).Must(d => d > Duration.Zero)
            .WithMessage("PopulationOptions.NewSignUpWindow is {PropertyValue}; set a positive duration (for example Duration.FromDays(14)).");
        Share(o => o.UnknownTimeZoneShare, nameof(PopulationOptions.UnknownTimeZoneShare));
        Share(o => o.UnknownTimeZoneSmsShare, nameof(PopulationOptions.UnknownTimeZoneSmsShare));
        Share(o => o.EmailShare, nameof(PopulationOptions.EmailShare));
        Share(o => o.SmsShare, nameof(PopulationOptions.SmsShare));
        Share(o => o.PushShare, nameof(PopulationOptions.PushShare));
        Share(o => o.SleepingDogShare, nameof(PopulationOptions.SleepingDogShare));
        Share(o => o.SubscriptionShare, nameof(PopulationOptions.SubscriptionShare));
        Share(o => o.NewSignUpShare, nameof(PopulationOptions.NewSignUpShare));
        Share(o => o.DealSeekerShare, nameof(PopulationOptions.DealSeekerShare));
        Positive(o => o.SpendP, nameof(PopulationOptions.SpendP));
        Positive(o => o.SpendV, nameof(PopulationOptions.SpendV));
        Positive(o => o.LoyalPurchaseRate, nameof(PopulationOptions.LoyalPurchaseRate));
        RuleFor(o => o.SpendQ).Must(q => double.IsFinite(q) && q > 1)
            .WithMessage("PopulationOptions.SpendQ is {PropertyValue}; it must be greater than 1 (the mean spend is p*v/(q-1)). CDNOW: 3.74.");
        RuleFor(o => o.BgNbd).NotNull()
            .WithMessage("PopulationOptions.BgNbd is null; set it, for example to BgNbdParameters.Cdnow.");
        RuleFor(o => o.BgNbd).Must(p => p is null || (Ok(p.R) && Ok(p.Alpha) && Ok(p.A) && Ok(p.B)))
            .WithMessage("PopulationOptions.BgNbd has {PropertyValue}; r, alpha, a and b must all be finite and positive (CDNOW: 0.243, 4.414, 0.793, 2.426).");
        RuleFor(o => o.TimeZones).Must(z => z is { Count: > 0 })
            .WithMessage("PopulationOptions.TimeZones is empty; add at least one TimeZoneShare with a positive weight.");
        RuleFor(o => o.TimeZones).Must(AllZonesKnown)
            .When(o => o.TimeZones is { Count: > 0 })
            .WithMessage(o => $"PopulationOptions.TimeZones contains '{FirstUnknownZone(o.TimeZones)}', which is not an IANA zone id or has a negative or non-finite weight; use ids such as 'Europe/Berlin' and weights >= 0.");
        RuleFor(o => o.TimeZones).Must(z => z.Sum(s => s?.Weight ?? 0) > 0)
            .When(o => o.TimeZones is { Count: > 0 } && AllZonesKnown(o.TimeZones))
            .WithMessage("PopulationOptions.TimeZones weights add up to 0; give at least one zone a positive weight.");
    }

    private static bool Ok(double value) => double.IsFinite(value) && value > 0;

    private static bool AllZonesKnown(IList<TimeZoneShare> zones) => FirstUnknownZone(zones) is null;

    private static string? FirstUnknownZone(IList<TimeZoneShare> zones)
    {
        foreach (var z in zones)
        {
            if (z is null || z.ZoneId is null || DateTimeZoneProviders.Tzdb.GetZoneOrNull(z.ZoneId) is null || !double.IsFinite(z.Weight) || z.Weight < 0)
            {
                return z?.ZoneId ?? "(null)";
            }
        }

        return null;
    }

    private void Share(System.Linq.Expressions.Expression<Func<PopulationOptions, double>> property, string name) =>
        RuleFor(property).InclusiveBetween(0.0, 1.0)
            .WithMessage($"PopulationOptions.{name} is {{PropertyValue}}; a share must be between 0 and 1.");

    private void Positive(System.Linq.Expressions.Expression<Func<PopulationOptions, double>> property, string name) =>
        RuleFor(property).Must(v => double.IsFinite(v) && v > 0)
            .WithMessage($"PopulationOptions.{name} is {{PropertyValue}}; it must be a finite number greater than 0.");
}
