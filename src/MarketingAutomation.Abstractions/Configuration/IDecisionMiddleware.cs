namespace MarketingAutomation;

/// <summary>
/// One decision that will produce a message, as it passes through compose, content rules and the review gate. Middleware may read
/// and change it; the engine commits what is here when the pipeline returns.
/// </summary>
public sealed class DecisionContext
{
    private List<string>? _notes;

    /// <summary>Initializes a new instance of the <see cref="DecisionContext"/> class.</summary>
    /// <param name="decisionId">The decision id.</param>
    /// <param name="customer">The customer.</param>
    /// <param name="candidate">The chosen candidate.</param>
    /// <param name="choice">The strategy's choice.</param>
    /// <param name="sendAt">The chosen send instant.</param>
    /// <param name="now">The evaluation instant.</param>
    /// <param name="services">The service provider.</param>
    public DecisionContext(Guid decisionId, CustomerContext customer, Candidate candidate, StrategyChoice choice, Instant sendAt, Instant now, IServiceProvider services)
    {
        DecisionId = decisionId;
        Customer = customer;
        Candidate = candidate;
        Choice = choice;
        SendAt = sendAt;
        Now = now;
        Services = services;
    }

    /// <summary>Gets the decision id.</summary>
    public Guid DecisionId { get; }

    /// <summary>Gets the customer.</summary>
    public CustomerContext Customer { get; }

    /// <summary>Gets the chosen candidate.</summary>
    public Candidate Candidate { get; }

    /// <summary>Gets the strategy's choice.</summary>
    public StrategyChoice Choice { get; }

    /// <summary>Gets or sets the send instant.</summary>
    public Instant SendAt { get; set; }

    /// <summary>Gets the evaluation instant.</summary>
    public Instant Now { get; }

    /// <summary>Gets the service provider.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets or sets the rendered message (set by the compose step).</summary>
    public ComposedMessage? Message { get; set; }

    /// <summary>Gets or sets the content rules' verdicts (set by the content step).</summary>
    public ImmutableArray<VerdictTrace> ContentVerdicts { get; set; } = [];

    /// <summary>Gets or sets what the decision leads to: <see cref="DecisionOutcome.Send"/>, <see cref="DecisionOutcome.Review"/> or <see cref="DecisionOutcome.Cancelled"/>.</summary>
    public DecisionOutcome Outcome { get; set; } = DecisionOutcome.Send;

    /// <summary>Gets or sets the reason code for the outcome.</summary>
    public string? ReasonCode { get; set; }

    /// <summary>Gets or sets why the decision waits for review.</summary>
    public string? ReviewReason { get; set; }

    /// <summary>Gets notes added for the trace.</summary>
    public IReadOnlyList<string> Notes => (IReadOnlyList<string>?)_notes ?? [];

    /// <summary>Adds a note to the decision's trace. Never put personal data in a note.</summary>
    /// <param name="note">The note.</param>
    public void AddNote(string note) => (_notes ??= []).Add(note);

    /// <summary>Holds the decision for human review. The first reason code given is kept; every reason is added to the text.</summary>
    /// <param name="reasonCode">Why (see <see cref="ReasonCodes"/>).</param>
    /// <param name="reason">A readable explanation.</param>
    public void HoldForReview(string reasonCode, string reason)
    {
        if (Outcome == DecisionOutcome.Cancelled)
        {
            return;
        }

        if (Outcome != DecisionOutcome.Review)
        {
            ReasonCode = reasonCode;
        }

        Outcome = DecisionOutcome.Review;
        ReviewReason = ReviewReason is null ? reason : ReviewReason + "; " + reason;
    }
}

/// <summary>The rest of the decision pipeline after a middleware.</summary>
/// <param name="context">The decision.</param>
/// <param name="cancellationToken">A cancellation token.</param>
/// <returns>A task that completes when the rest of the pipeline has run.</returns>
public delegate ValueTask DecisionHandler(DecisionContext context, CancellationToken cancellationToken);

/// <summary>
/// Middleware around the steps of a decision that produces a message (compose, content rules, review gate), added with
/// <see cref="IMarketingAutomationBuilder.Use"/>. The first added runs outermost. Runs only for customers who get a message,
/// never on the no-action hot path.
/// </summary>
public interface IDecisionMiddleware
{
    /// <summary>Runs the middleware.</summary>
    /// <param name="context">The decision.</param>
    /// <param name="continuation">The rest of the pipeline; call it once, or not at all to skip composing.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>A task that completes when done.</returns>
    ValueTask InvokeAsync(DecisionContext context, DecisionHandler continuation, CancellationToken cancellationToken);
}
