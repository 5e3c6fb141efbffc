namespace MarketingAutomation;

/// <summary>What a strategy chooses from: the allowed candidates of one customer.</summary>
public readonly ref struct StrategyContext
{
    /// <summary>Initializes a new instance of the <see cref="StrategyContext"/> struct.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="now">The evaluation instant.</param>
    /// <param name="candidates">The allowed candidates (never empty).</param>
    /// <param name="scores">A span the strategy fills with one score per candidate, for the trace.</param>
    public StrategyContext(CustomerContext customer, Instant now, ReadOnlySpan<Candidate> candidates, Span<double> scores)
    {
        Customer = customer;
        Now = now;
        Candidates = candidates;
        Scores = scores;
    }

    /// <summary>Gets the customer.</summary>
    public CustomerContext Customer { get; }

    /// <summary>Gets the evaluation instant.</summary>
    public Instant Now { get; }

    /// <summary>Gets the allowed candidates.</summary>
    public ReadOnlySpan<Candidate> Candidates { get; }

    /// <summary>Gets the scores to fill, one per candidate.</summary>
    public Span<double> Scores { get; }
}

/// <summary>A strategy's choice.</summary>
/// <param name="Index">The index of the chosen candidate, or -1 for no action.</param>
/// <param name="Score">The chosen candidate's score.</param>
/// <param name="Confidence">How sure the strategy is (0 to 1); below the review threshold the decision waits for review.</param>
/// <param name="Propensity">The probability of this choice under the strategy (1 for a deterministic one), logged for off-policy evaluation.</param>
public readonly record struct StrategyChoice(int Index, double Score, double Confidence, double Propensity)
{
    /// <summary>Gets a value indicating whether the choice was exploratory.</summary>
    public bool Exploratory { get; init; }

    /// <summary>Gets a reason code when the strategy chose no action.</summary>
    public string? ReasonCode { get; init; }

    /// <summary>Creates a no-action choice.</summary>
    /// <param name="reasonCode">Why (see <see cref="ReasonCodes"/>).</param>
    /// <param name="propensity">The probability of choosing no action.</param>
    /// <returns>The choice.</returns>
    public static StrategyChoice None(string reasonCode, double propensity = 1.0) => new(-1, 0, 1, propensity) { ReasonCode = reasonCode };
}

/// <summary>What happened after a decision, fed back to the strategy.</summary>
public enum FeedbackKind
{
    /// <summary>Delivered to the recipient.</summary>
    Delivered = 0,

    /// <summary>Opened by a person.</summary>
    Opened = 1,

    /// <summary>Opened by a machine (privacy proxy); weak evidence.</summary>
    MachineOpened = 2,

    /// <summary>A link was clicked.</summary>
    Clicked = 3,

    /// <summary>The recipient replied.</summary>
    Replied = 4,

    /// <summary>A purchase was attributed to the message.</summary>
    Converted = 5,

    /// <summary>No engagement inside the attribution window.</summary>
    Ignored = 6,

    /// <summary>The message bounced or was rejected.</summary>
    Bounced = 7,

    /// <summary>The recipient unsubscribed.</summary>
    Unsubscribed = 8,

    /// <summary>The recipient complained (marked as spam).</summary>
    Complained = 9,

    /// <summary>A reviewer approved the message.</summary>
    ReviewApproved = 10,

    /// <summary>A reviewer rejected the message.</summary>
    ReviewRejected = 11,
}

/// <summary>One outcome for a decision, fed to <see cref="IDecisionStrategy.Learn"/>.</summary>
/// <param name="DecisionId">The decision.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="Kind">What happened.</param>
/// <param name="OccurredAt">When.</param>
public sealed record DecisionFeedback(Guid DecisionId, string CustomerId, FeedbackKind Kind, Instant OccurredAt)
{
    /// <summary>Gets the goal of the decision, when known.</summary>
    public string? GoalId { get; init; }

    /// <summary>Gets the content variant, when known.</summary>
    public string? VariantId { get; init; }

    /// <summary>Gets the channel name, when known.</summary>
    public string? Channel { get; init; }

    /// <summary>Gets the value of a conversion.</summary>
    public decimal Value { get; init; }

    /// <summary>Gets the reviewer's reason, for review feedback.</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// Chooses among allowed candidates and learns from outcomes. The default is the goal-priority strategy; the learning strategy
/// replaces it. Rules have already run: a strategy can never pick a candidate a rule denied.
/// </summary>
/// <remarks><see cref="Choose"/> runs on the hot path and in parallel: thread-safe, no I/O, no allocation.</remarks>
public interface IDecisionStrategy
{
    /// <summary>Gets the strategy's name as shown in traces.</summary>
    string Name { get; }

    /// <summary>Chooses a candidate or no action, filling <see cref="StrategyContext.Scores"/>.</summary>
    /// <param name="context">The allowed candidates.</param>
    /// <returns>The choice, with score, confidence and propensity.</returns>
    StrategyChoice Choose(StrategyContext context);

    /// <summary>Learns from an outcome. Called off the hot path, possibly concurrently.</summary>
    /// <param name="feedback">The outcome.</param>
    void Learn(DecisionFeedback feedback);

    /// <summary>Gets a service the strategy offers (for example its model, for inspection).</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or null.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}

/// <summary>
/// A strategy that keeps a model per customer (in <see cref="CustomerContext.LearnedState"/>): the feedback ingestor hands it each
/// outcome with the customer and the customer's current state, and saves the state it returns through
/// <see cref="ICustomerStore.SaveLearnedStatesAsync"/>. Strategies that do not implement it get <see cref="IDecisionStrategy.Learn"/>.
/// </summary>
public interface ICustomerStateLearner
{
    /// <summary>Learns from one outcome of one customer. Called off the hot path, possibly concurrently for different customers.</summary>
    /// <param name="feedback">The outcome.</param>
    /// <param name="customer">The customer as stored (the outcome's event already projected onto it).</param>
    /// <param name="state">The customer's current learned state (the stored one, or the one returned for an earlier outcome of the same batch).</param>
    /// <returns>The new state, or null when it did not change.</returns>
    ReadOnlyMemory<byte>? Learn(DecisionFeedback feedback, CustomerContext customer, ReadOnlyMemory<byte> state);
}

/// <summary>Lets a send-time strategy ask whether every rule would allow a message at a later instant.</summary>
public interface ISendInstantCheck
{
    /// <summary>Checks a send instant against every rule (quiet hours, caps, consent) as if the decision were made then.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="candidate">The chosen candidate.</param>
    /// <param name="sendAt">The instant to check.</param>
    /// <returns>True when every rule allows the candidate at <paramref name="sendAt"/>.</returns>
    bool IsAllowedAt(CustomerContext customer, in Candidate candidate, Instant sendAt);
}

/// <summary>What the timing step sees.</summary>
/// <param name="Customer">The customer.</param>
/// <param name="Candidate">The chosen candidate.</param>
/// <param name="Now">The evaluation instant.</param>
public readonly record struct TimingContext(CustomerContext Customer, Candidate Candidate, Instant Now)
{
    /// <summary>
    /// Gets the rules' check of a later send instant, when the engine offers one. The engine re-checks the instant the strategy returns
    /// in any case and sends at once when a rule would not allow it.
    /// </summary>
    public ISendInstantCheck? Rules { get; init; }
}

/// <summary>When to send and why.</summary>
/// <param name="SendAt">The send instant (not before now).</param>
/// <param name="Reason">A short explanation for the trace (constant strings on the hot path).</param>
public readonly record struct SendTimeChoice(Instant SendAt, string Reason);

/// <summary>Chooses the send instant for a chosen candidate. The default sends at once; the learning issue adds per-customer engaged hours.</summary>
public interface ISendTimeStrategy
{
    /// <summary>Chooses when to send.</summary>
    /// <param name="context">The customer and candidate.</param>
    /// <returns>The send instant and a reason.</returns>
    SendTimeChoice ChooseSendTime(in TimingContext context);
}
