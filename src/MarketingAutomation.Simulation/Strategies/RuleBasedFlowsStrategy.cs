namespace MarketingAutomation.Simulation;

/// <summary>
/// Fixed flows as a typical e-mail tool runs them: a welcome series for new subscribers and a win-back for lapsed buyers, on e-mail,
/// with "smart sending": a flow message is skipped while the customer got any message in the last <see cref="SmartSendingWindow"/>.
/// </summary>
public sealed class RuleBasedFlowsStrategy : LabStrategy
{
    /// <summary>The strategy's name.</summary>
    public const string StrategyName = "rule-based-flows";

    /// <inheritdoc />
    public override string Name => StrategyName;

    /// <inheritdoc />
    public override string Description => "welcome + win-back e-mail flows, 16 h smart sending";

    /// <summary>Gets the smart-sending window.</summary>
    /// <value>The default value is 16 hours.</value>
    public Duration SmartSendingWindow { get; init; } = Duration.FromHours(16);

    /// <summary>Gets how long without a purchase starts the win-back flow.</summary>
    /// <value>The default value is 60 days.</value>
    public Duration WinBackAfter { get; init; } = Duration.FromDays(60);

    /// <inheritdoc />
    public override void Configure(IMarketingAutomationBuilder builder, SimulatedWorld world)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .AddGoal(new SmartSendingGoal(new WelcomeSequenceGoal { Channels = [ChannelKind.Email] }, SmartSendingWindow))
            .AddGoal(new SmartSendingGoal(new WinBackGoal { Channels = [ChannelKind.Email], InactiveFor = WinBackAfter }, SmartSendingWindow))
            .UseGoalPriorityStrategy();
    }
}

/// <summary>
/// Wraps a goal with "smart sending": while the customer got any message (any goal, any channel) within <see cref="Window"/>, the goal
/// proposes nothing and wakes when the window has passed.
/// </summary>
public sealed class SmartSendingGoal : Goal
{
    private readonly Goal _inner;

    /// <summary>Initializes a new instance of the <see cref="SmartSendingGoal"/> class.</summary>
    /// <param name="inner">The goal to wrap (its id, priority, value, channels and variants are kept).</param>
    /// <param name="window">The smart-sending window.</param>
    public SmartSendingGoal(Goal inner, Duration window)
        : base((inner ?? throw new ArgumentNullException(nameof(inner))).Id)
    {
        _inner = inner;
        Window = window;
        Priority = inner.Priority;
        Value = inner.Value;
        Purpose = inner.Purpose;
        RequiresReview = inner.RequiresReview;
        Important = inner.Important;
        FollowUpAfter = inner.FollowUpAfter;
        Channels = inner.Channels;
        Variants = inner.Variants;
    }

    /// <summary>Gets the smart-sending window.</summary>
    public Duration Window { get; }

    /// <inheritdoc />
    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(sink);
        var since = now - Window;
        var latest = Instant.MinValue;
        var messages = customer.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (m.CountsTowardCaps && m.ScheduledAt > since && m.ScheduledAt > latest)
            {
                latest = m.ScheduledAt;
            }
        }

        if (latest != Instant.MinValue)
        {
            sink.WakeAt(latest + Window);
            return;
        }

        _inner.Propose(customer, now, sink);
    }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var problem in _inner.Validate())
        {
            yield return problem;
        }

        if (Window <= Duration.Zero)
        {
            yield return $"Goal '{Id}' has a smart-sending Window of {Window}; it must be positive, for example Duration.FromHours(16).";
        }
    }
}
