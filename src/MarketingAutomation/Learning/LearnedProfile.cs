namespace MarketingAutomation;

/// <summary>
/// What the adaptive strategy has learned about one customer, in readable form (<see cref="AdaptiveStrategy.Describe"/>): how likely
/// the customer is to respond on each channel and at each hour of the week, as the strategy uses it when it decides.
/// </summary>
public sealed record LearnedProfile
{
    /// <summary>Gets the number of hours in a week, the length of <see cref="EngagementByHourOfWeek"/>.</summary>
    public const int HoursPerWeek = 168;

    /// <summary>Gets the customer id.</summary>
    public required string CustomerId { get; init; }

    /// <summary>Gets a value indicating whether the customer has a learned state of their own (otherwise every number is the
    /// population's prior).</summary>
    public bool HasPersonalState { get; init; }

    /// <summary>Gets, per channel kind the strategy models (e-mail, SMS, push, in-app), the customer's response rate: the
    /// population's rate for customers like them (lifecycle stage, frequency, load) combined with the customer's own evidence.</summary>
    public ImmutableArray<LearnedChannel> Channels { get; init; } = [];

    /// <summary>Gets the response rate per hour of the week in the customer's local time (index 0 is Monday 00:00-01:00, 167 is
    /// Sunday 23:00-24:00): the mean of the posterior the send-time strategy draws from (the customer's own evidence, pooled with
    /// neighbouring hours, over the population's profile).</summary>
    public ImmutableArray<double> EngagementByHourOfWeek { get; init; } = [];

    /// <summary>Gets how many messages the customer's own evidence counts per hour of the week (same indexing).</summary>
    public ImmutableArray<int> TrialsByHourOfWeek { get; init; } = [];

    /// <summary>Gets the learned tolerance (messages per week before the customer tires), or null when none was learned yet.</summary>
    public double? ToleranceMessagesPerWeek { get; init; }
}

/// <summary>A customer's learned response on one channel kind.</summary>
/// <param name="Kind">The channel kind.</param>
/// <param name="ResponseRate">The posterior mean response rate (population prior for similar customers plus own evidence).</param>
/// <param name="PopulationRate">The population's rate for similar customers (the prior).</param>
/// <param name="Evidence">How much own evidence the rate rests on (weighted messages; 0 = the prior alone).</param>
public readonly record struct LearnedChannel(ChannelKind Kind, double ResponseRate, double PopulationRate, double Evidence);
