namespace MarketingAutomation.Simulation;

/// <summary>
/// The upper yardstick: a strategy that knows each customer's hidden truth (through <see cref="SimulatedWorld.Outlook"/>) and, among the
/// candidates the rules allowed, sends the one with the highest expected incremental revenue minus contact cost minus an unsubscribe and
/// complaint penalty, or nothing when none is positive. It maximises the same net value the lab reports, with the same
/// <see cref="ContactCosts"/>, and like every strategy it only ever sees candidates the rules allowed. Its goals: the engine's built-in
/// goals plus a generic promotion (with and without an offer), so it always has something to choose from.
/// </summary>
public sealed class OracleStrategy : LabStrategy
{
    /// <summary>The strategy's name.</summary>
    public const string StrategyName = "oracle";

    /// <summary>The name of the list-protecting oracle: the same truth, but each unsubscribe costs 150 and each complaint 300.</summary>
    public const string StrictName = "oracle-strict";

    /// <summary>Initializes a new instance of the <see cref="OracleStrategy"/> class.</summary>
    /// <param name="costs">The contact costs (use the runner's, so the oracle optimises what is measured); defaults when null.</param>
    /// <param name="name">The name on result lines (for variants with other penalties, such as <see cref="StrictName"/>).</param>
    public OracleStrategy(ContactCosts? costs = null, string name = StrategyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Costs = costs ?? ContactCosts.Default;
        _name = name;
    }

    /// <inheritdoc />
    public override string Name => _name;

    private readonly string _name;

    /// <summary>Initializes the name (for variants such as <see cref="StrictName"/>).</summary>
    public string NameOverride
    {
        init => _name = value;
    }

    /// <inheritdoc />
    public override string Description => "knows the hidden truth; sends only when expected net value is positive";

    /// <summary>Gets the contact costs the oracle subtracts.</summary>
    public ContactCosts Costs { get; }

    /// <summary>Gets the value lost per expected unsubscribe (future reach).</summary>
    /// <value>The default value is 2.</value>
    public double UnsubscribePenalty { get; init; } = 2.0;

    /// <summary>Gets the value lost per expected spam complaint (reach and sender reputation).</summary>
    /// <value>The default value is 5.</value>
    public double ComplaintPenalty { get; init; } = 5.0;

    /// <summary>Gets how often a customer is re-evaluated when the oracle chose nothing.</summary>
    /// <value>The default value is 12 hours (so it can also try another time of day).</value>
    public Duration ReevaluationInterval { get; init; } = Duration.FromHours(12);

    /// <inheritdoc />
    public override void Configure(IMarketingAutomationBuilder builder, SimulatedWorld world)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(world);
        DefaultEngineStrategy.AddDefaultGoals(builder)
            .AddGoal(new PromotionGoal())
            .SetDecisionStrategy(new OracleDecisionStrategy(world, Costs) { UnsubscribePenalty = UnsubscribePenalty, ComplaintPenalty = ComplaintPenalty });
    }

    /// <inheritdoc />
    public override void ConfigureOptions(MarketingAutomationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ReevaluationInterval = ReevaluationInterval;
    }
}

/// <summary>A generic promotion that is always available: a plain one and one with a 10 % offer. A strategy decides whether it is worth it.</summary>
public sealed class PromotionGoal : Goal
{
    /// <summary>The goal id.</summary>
    public const string GoalId = "promotion";

    /// <summary>Initializes a new instance of the <see cref="PromotionGoal"/> class.</summary>
    public PromotionGoal()
        : base(GoalId)
    {
        Priority = 10;
        Value = 1.0;
        Variants =
        [
            new ContentVariant("promo-picks") { Subject = "Picked for you, {{FirstName}}", Body = "A few things we think you will like.", ShortBody = "New picks for you." },
            new ContentVariant("promo-10") { Subject = "10% off, this week only", Body = "Enjoy 10% off your next order with code TAKE10.", ShortBody = "10% off with TAKE10.", Offer = new Offer("take10", 10m) { Code = "TAKE10", CostFraction = 0.10 } },
        ];
    }

    /// <inheritdoc />
    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var variants = Variants;
        for (var i = 0; i < variants.Length; i++)
        {
            sink.Propose(variants[i]);
        }
    }
}

/// <summary>
/// The oracle's choice: for each allowed candidate, expected incremental revenue (from the hidden truth) minus contact cost minus the
/// expected unsubscribe and complaint penalties; the best positive one, or no action. Deterministic (propensity 1).
/// </summary>
public sealed class OracleDecisionStrategy : IDecisionStrategy
{
    private readonly SimulatedWorld _world;
    private readonly ContactCosts _costs;

    /// <summary>Initializes a new instance of the <see cref="OracleDecisionStrategy"/> class.</summary>
    /// <param name="world">The world whose truth the oracle reads.</param>
    /// <param name="costs">The contact costs.</param>
    public OracleDecisionStrategy(SimulatedWorld world, ContactCosts costs)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(costs);
        _world = world;
        _costs = costs;
    }

    /// <inheritdoc />
    public string Name => "oracle";

    /// <summary>Gets the value lost per expected unsubscribe.</summary>
    public double UnsubscribePenalty { get; init; } = 2.0;

    /// <summary>Gets the value lost per expected complaint.</summary>
    public double ComplaintPenalty { get; init; } = 5.0;

    /// <inheritdoc />
    public StrategyChoice Choose(StrategyContext context)
    {
        var customer = _world.Find(context.Customer.Id);
        if (customer is null)
        {
            return StrategyChoice.None(ReasonCodes.StrategyChoseNoAction);
        }

        var candidates = context.Candidates;
        var scores = context.Scores;
        var best = -1;
        var bestValue = 0.0;
        for (var i = 0; i < candidates.Length; i++)
        {
            var value = ExpectedNetValue(customer, candidates[i], context.Now);
            scores[i] = value;
            if (value > bestValue)
            {
                best = i;
                bestValue = value;
            }
        }

        return best < 0 ? StrategyChoice.None(ReasonCodes.StrategyChoseNoAction) : new StrategyChoice(best, bestValue, 1.0, 1.0);
    }

    /// <summary>The expected net value of sending a candidate now.</summary>
    /// <param name="customer">The simulated customer.</param>
    /// <param name="candidate">The candidate.</param>
    /// <param name="now">The instant.</param>
    /// <returns>Expected incremental revenue minus cost minus penalties.</returns>
    public double ExpectedNetValue(SimulatedCustomer customer, in Candidate candidate, Instant now)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var outlook = _world.Outlook(customer, candidate.ChannelKind, candidate.Goal.Id, candidate.Offer, now);
        return outlook.ExpectedIncrementalRevenue
            - _costs.CostOf(candidate.Channel)
            - (UnsubscribePenalty * outlook.UnsubscribeProbability)
            - (ComplaintPenalty * outlook.ComplaintProbability);
    }

    /// <inheritdoc />
    public void Learn(DecisionFeedback feedback)
    {
        // The oracle knows the truth; it has nothing to learn.
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}
