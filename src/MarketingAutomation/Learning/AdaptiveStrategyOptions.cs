using System.Globalization;

namespace MarketingAutomation;

/// <summary>Options of the learning strategy (<see cref="AdaptiveStrategy"/>) and its send-time model (<see cref="AdaptiveSendTimeStrategy"/>).</summary>
public sealed class AdaptiveStrategyOptions
{
    /// <summary>Gets or sets the largest share of decisions that may differ from the greedy (posterior-mean) choice.</summary>
    /// <value>The default value is 0.10. Between 0 (never explore) and 1.</value>
    public double ExplorationBudget { get; set; } = 0.10;

    /// <summary>Gets or sets the share of customers in the global control group (a deterministic hash bucket): they get no marketing.</summary>
    /// <value>The default value is 0.05. Transactional messages are exempt. Set 0 when the host already holds out its own control group.</value>
    public double ControlGroupShare { get; set; } = 0.05;

    /// <summary>Gets or sets the salt of the control-group hash (change it to draw a new control group).</summary>
    /// <value>The default value is "control-group".</value>
    public string ControlGroupSalt { get; set; } = "control-group";

    /// <summary>Gets or sets the attention cost of one message (what a customer's attention is worth), added to the channel's price.</summary>
    /// <value>The default value is 0.02, in the currency of purchases.</value>
    public double AttentionCost { get; set; } = 0.02;

    /// <summary>
    /// Gets the full cost of one message per channel kind, overriding the channel's declared price
    /// (<see cref="ChannelCapabilities.CostPerMessage"/>) plus <see cref="AttentionCost"/>.
    /// </summary>
    /// <value>Empty by default: every channel costs its declared price plus the attention cost.</value>
    public Dictionary<ChannelKind, double> ContactCost { get; } = [];

    /// <summary>Gets or sets the value lost per unsubscribe: the future reach of the channel (what later messages to the customer would earn).</summary>
    /// <value>The default value is 30, in the currency of purchases. Higher protects the list at the cost of reach.</value>
    public double UnsubscribePenalty { get; set; } = 30.0;

    /// <summary>Gets or sets the value lost per spam complaint (reach and sender reputation).</summary>
    /// <value>The default value is 60.</value>
    public double ComplaintPenalty { get; set; } = 60.0;

    /// <summary>Gets or sets how long after a message engagement and conversions are credited to it; silence after it is an ignore.</summary>
    /// <value>The default value is 7 days.</value>
    public Duration AttributionWindow { get; set; } = Duration.FromDays(7);

    /// <summary>Gets or sets how much a machine (privacy-proxy) open counts as a response, relative to a human one.</summary>
    /// <value>The default value is 0.05.</value>
    public double MachineOpenWeight { get; set; } = 0.05;

    /// <summary>Gets or sets the conversion rate per delivered message assumed before anything is learned (the cold-start prior).</summary>
    /// <value>The default value is 0.005.</value>
    public double PriorConversionRate { get; set; } = 0.005;

    /// <summary>Gets or sets the human engagement rate (open, click or reply) per delivered message assumed before anything is learned.</summary>
    /// <value>The default value is 0.2.</value>
    public double PriorEngagementRate { get; set; } = 0.2;

    /// <summary>Gets or sets the average order value assumed for a customer who never bought, until conversions teach it.</summary>
    /// <value>The default value is 50.</value>
    public double PriorOrderValue { get; set; } = 50;

    /// <summary>
    /// Gets or sets the share of a lapsed customer's former purchase rate that a win-back conversion is expected to restore over
    /// <see cref="ReactivationHorizon"/> (the lifetime value of winning someone back, beyond the one order).
    /// </summary>
    /// <value>The default value is 0.3. Set 0 to value a win-back as its order only.</value>
    public double ReactivationShare { get; set; } = 0.3;

    /// <summary>Gets or sets how far ahead the value of a win-back is counted.</summary>
    /// <value>The default value is 30 days.</value>
    public Duration ReactivationHorizon { get; set; } = Duration.FromDays(30);

    /// <summary>Gets or sets how many posterior draws estimate each decision's propensity and confidence.</summary>
    /// <value>The default value is 32 (between 8 and 1024).</value>
    public int PropensitySamples { get; set; } = 32;

    /// <summary>Gets or sets how far ahead the send-time model may move a message to a better hour.</summary>
    /// <value>The default value is 24 hours (0 sends at once).</value>
    public Duration MaxSendDelay { get; set; } = Duration.FromHours(24);

    /// <summary>Gets or sets the least time between two messages to one customer the send-time model keeps.</summary>
    /// <value>The default value is 4 hours.</value>
    public Duration MinSpacing { get; set; } = Duration.FromHours(4);

    /// <summary>Gets or sets the seed of the strategy's random draws (each decision's draws depend on the seed, customer and instant only).</summary>
    /// <value>The default value is 1.</value>
    public ulong Seed { get; set; } = 1;

    /// <summary>Returns every problem with the options, each naming the option and the fix.</summary>
    /// <returns>The problems (empty when valid).</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Share(double value, string name, string example)
        {
            if (!(value >= 0 && value <= 1))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"AdaptiveStrategyOptions.{name} is {value}; set it between 0 and 1 (for example {example})."));
            }
        }

        void Positive(double value, string name, string example)
        {
            if (!(value > 0) || !double.IsFinite(value))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"AdaptiveStrategyOptions.{name} is {value}; set a finite number above 0 (for example {example})."));
            }
        }

        void NonNegative(double value, string name, string example)
        {
            if (!(value >= 0) || !double.IsFinite(value))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"AdaptiveStrategyOptions.{name} is {value}; set a finite number >= 0 (for example {example})."));
            }
        }

        Share(ExplorationBudget, nameof(ExplorationBudget), "0.1");
        Share(ControlGroupShare, nameof(ControlGroupShare), "0.05");
        Share(MachineOpenWeight, nameof(MachineOpenWeight), "0.05");
        NonNegative(AttentionCost, nameof(AttentionCost), "0.02");
        NonNegative(UnsubscribePenalty, nameof(UnsubscribePenalty), "30");
        NonNegative(ComplaintPenalty, nameof(ComplaintPenalty), "60");
        NonNegative(ReactivationShare, nameof(ReactivationShare), "0.3");
        Positive(PriorOrderValue, nameof(PriorOrderValue), "50");
        if (!(PriorConversionRate > 0 && PriorConversionRate < 1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"AdaptiveStrategyOptions.PriorConversionRate is {PriorConversionRate}; set it strictly between 0 and 1 (for example 0.005)."));
        }

        if (!(PriorEngagementRate > 0 && PriorEngagementRate < 1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"AdaptiveStrategyOptions.PriorEngagementRate is {PriorEngagementRate}; set it strictly between 0 and 1 (for example 0.2)."));
        }

        foreach (var (kind, cost) in ContactCost)
        {
            NonNegative(cost, $"ContactCost[{kind}]", "0.02");
        }

        if (AttributionWindow <= Duration.Zero)
        {
            problems.Add("AdaptiveStrategyOptions.AttributionWindow must be positive; set it to, for example, Duration.FromDays(7).");
        }

        if (ReactivationHorizon < Duration.Zero)
        {
            problems.Add("AdaptiveStrategyOptions.ReactivationHorizon must not be negative; set it to, for example, Duration.FromDays(30).");
        }

        if (MaxSendDelay < Duration.Zero || MaxSendDelay > Duration.FromDays(7))
        {
            problems.Add("AdaptiveStrategyOptions.MaxSendDelay must be between 0 and 7 days; set it to, for example, Duration.FromHours(24).");
        }

        if (MinSpacing < Duration.Zero)
        {
            problems.Add("AdaptiveStrategyOptions.MinSpacing must not be negative; set it to, for example, Duration.FromHours(4).");
        }

        if (PropensitySamples is < 8 or > 1024)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"AdaptiveStrategyOptions.PropensitySamples is {PropensitySamples}; set it between 8 and 1024 (for example 32)."));
        }

        if (ControlGroupSalt is null)
        {
            problems.Add("AdaptiveStrategyOptions.ControlGroupSalt is null; set any string, for example \"control-group\".");
        }

        return problems;
    }
}
