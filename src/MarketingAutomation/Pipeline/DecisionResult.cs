namespace MarketingAutomation;

/// <summary>
/// The synchronous result of deciding for one customer: a plain value written into a caller-supplied buffer, so that a customer
/// who gets no action costs no allocation. <see cref="DecisionOutcome.Send"/> here means "wants to send"; composing, content rules
/// and the review gate (in <see cref="MarketingAgent"/>) may still turn it into a review.
/// </summary>
public readonly struct DecisionResult
{
    internal DecisionResult(
        CustomerContext customer,
        DecisionOutcome outcome,
        string reasonCode,
        Instant nextEvaluationAt,
        Guid decisionId,
        Candidate chosen,
        StrategyChoice choice,
        Instant sendAt,
        string? timingReason,
        DecisionTrace? trace)
    {
        Customer = customer;
        Outcome = outcome;
        ReasonCode = reasonCode;
        NextEvaluationAt = nextEvaluationAt;
        DecisionId = decisionId;
        Chosen = chosen;
        Choice = choice;
        SendAt = sendAt;
        TimingReason = timingReason;
        Trace = trace;
    }

    /// <summary>Gets the customer.</summary>
    public CustomerContext Customer { get; }

    /// <summary>Gets the outcome: <see cref="DecisionOutcome.NoAction"/>, <see cref="DecisionOutcome.Send"/> or <see cref="DecisionOutcome.Error"/>.</summary>
    public DecisionOutcome Outcome { get; }

    /// <summary>Gets the compact reason code (see <see cref="ReasonCodes"/>).</summary>
    public string ReasonCode { get; }

    /// <summary>Gets when the customer should be evaluated next.</summary>
    public Instant NextEvaluationAt { get; }

    /// <summary>Gets the decision id (empty for a no-action decision outside explain mode).</summary>
    public Guid DecisionId { get; }

    /// <summary>Gets the chosen candidate (<see cref="Candidate.NoAction"/> unless sending).</summary>
    public Candidate Chosen { get; }

    /// <summary>Gets the strategy's choice.</summary>
    public StrategyChoice Choice { get; }

    /// <summary>Gets the chosen send instant.</summary>
    public Instant SendAt { get; }

    /// <summary>Gets why the send instant was chosen.</summary>
    public string? TimingReason { get; }

    /// <summary>Gets the trace: set for sends, errors, and every decision in explain mode.</summary>
    public DecisionTrace? Trace { get; }

    /// <summary>
    /// Gets, when every candidate was denied or deferred, the rule that held the most important one (highest goal priority): its name.
    /// Null otherwise.
    /// </summary>
    public string? HeldByRule { get; init; }

    /// <summary>Gets the reason code of <see cref="HeldByRule"/>'s verdict (for example <see cref="ReasonCodes.FrequencyCap"/>).</summary>
    public string? HeldByCode { get; init; }
}
