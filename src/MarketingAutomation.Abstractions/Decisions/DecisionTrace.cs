using System.Globalization;
using System.Text;

namespace MarketingAutomation;

/// <summary>One rule's verdict as recorded on a trace.</summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Kind">Allow, deny or defer.</param>
/// <param name="Code">The reason code (null when allowed).</param>
/// <param name="Reason">The explanation (null when allowed).</param>
/// <param name="Until">For a deferral, the instant from which the candidate may go.</param>
public sealed record VerdictTrace(string Rule, VerdictKind Kind, string? Code, string? Reason, Instant? Until);

/// <summary>Whether a goal proposed anything for the customer.</summary>
/// <param name="GoalId">The goal id.</param>
/// <param name="Proposals">How many variants it proposed (0 when it did not trigger).</param>
/// <param name="WakeAt">The earliest instant the goal said it could next propose, if it said.</param>
public sealed record GoalTrace(string GoalId, int Proposals, Instant? WakeAt);

/// <summary>One candidate as recorded on a trace: what it was, every rule's verdict, and the strategy's score.</summary>
/// <param name="GoalId">The goal id.</param>
/// <param name="VariantId">The content variant id.</param>
/// <param name="Channel">The channel name.</param>
/// <param name="OfferId">The offer id, if any.</param>
/// <param name="Verdicts">Every rule's verdict, in evaluation order.</param>
public sealed record CandidateTrace(string GoalId, string VariantId, string Channel, string? OfferId, ImmutableArray<VerdictTrace> Verdicts)
{
    /// <summary>Gets a value indicating whether every rule allowed the candidate.</summary>
    public bool Allowed { get; init; }

    /// <summary>Gets the strategy's score, for allowed candidates.</summary>
    public double? Score { get; init; }

    /// <summary>Gets the decision this candidate would follow up, if it is a follow-up.</summary>
    public Guid? FollowUpOf { get; init; }

    /// <summary>
    /// Gets what happened to the candidate: <see cref="ReasonCodes.Selected"/> for the chosen one; <see cref="ReasonCodes.CapBound"/>
    /// for an allowed candidate of another goal that lost the slot (deferred to the next evaluation);
    /// <see cref="ReasonCodes.AlternativeChannel"/> for the chosen goal's other channels; the first blocking verdict's code otherwise.
    /// </summary>
    public string? ReasonCode { get; init; }
}

/// <summary>
/// Why a decision came out as it did: goals triggered, candidates with every rule's verdict, strategy scores, confidence,
/// timing, content checks and review. Kept for every decision that sends or waits for review, for errors, and on demand
/// (explain mode) for any customer.
/// </summary>
/// <param name="DecisionId">The decision id (carried by the message and all its events).</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="EvaluatedAt">When the decision was made.</param>
/// <param name="Outcome">What the decision led to.</param>
/// <param name="ReasonCode">The compact reason (see <see cref="ReasonCodes"/>).</param>
public sealed record DecisionTrace(Guid DecisionId, string CustomerId, Instant EvaluatedAt, DecisionOutcome Outcome, string ReasonCode)
{
    /// <summary>Gets what each goal proposed.</summary>
    public ImmutableArray<GoalTrace> Goals { get; init; } = [];

    /// <summary>Gets every candidate considered, with verdicts and scores.</summary>
    public ImmutableArray<CandidateTrace> Candidates { get; init; } = [];

    /// <summary>Gets the index of the chosen candidate in <see cref="Candidates"/>, or -1 for no action.</summary>
    public int ChosenIndex { get; init; } = -1;

    /// <summary>Gets the name of the strategy that chose.</summary>
    public string? Strategy { get; init; }

    /// <summary>Gets the chosen candidate's score.</summary>
    public double Score { get; init; }

    /// <summary>Gets the strategy's confidence in its choice, from 0 to 1.</summary>
    public double Confidence { get; init; }

    /// <summary>Gets the probability with which the strategy would make this choice (for off-policy evaluation).</summary>
    public double Propensity { get; init; }

    /// <summary>Gets a value indicating whether the choice was exploratory.</summary>
    public bool Exploratory { get; init; }

    /// <summary>Gets when the message is to be sent.</summary>
    public Instant? SendAt { get; init; }

    /// <summary>Gets why that send instant was chosen.</summary>
    public string? TimingReason { get; init; }

    /// <summary>Gets the content rules' verdicts on the rendered message.</summary>
    public ImmutableArray<VerdictTrace> ContentVerdicts { get; init; } = [];

    /// <summary>Gets why the decision waits for review, if it does.</summary>
    public string? ReviewReason { get; init; }

    /// <summary>Gets the id of the message put in the outbox (or held for review), if any.</summary>
    public string? MessageId { get; init; }

    /// <summary>Gets when the customer is evaluated next.</summary>
    public Instant? NextEvaluationAt { get; init; }

    /// <summary>Gets the error, for <see cref="DecisionOutcome.Error"/> and <see cref="DecisionOutcome.Invalid"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the exception type name of an error (safe to log: unlike <see cref="Error"/>, it cannot carry personal data).</summary>
    public string? ErrorType { get; init; }

    /// <summary>Gets notes added by middleware.</summary>
    public ImmutableArray<string> Notes { get; init; } = [];

    /// <summary>Gets the chosen candidate's trace, or null for no action.</summary>
    public CandidateTrace? Chosen => ChosenIndex >= 0 && ChosenIndex < Candidates.Length ? Candidates[ChosenIndex] : null;

    /// <summary>Renders the trace as a readable explanation ("why did this customer get this message?").</summary>
    /// <returns>A multi-line text. Contains no addresses or message bodies.</returns>
    public string Explain()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"Decision {DecisionId} for customer {CustomerId} at {EvaluatedAt}: {Outcome} ({ReasonCode})").AppendLine();
        if (Error is not null)
        {
            sb.Append(inv, $"  error: {Error}").AppendLine();
        }

        foreach (var g in Goals)
        {
            sb.Append(inv, $"  goal {g.GoalId}: {(g.Proposals > 0 ? $"proposed {g.Proposals} variant(s)" : "not triggered")}");
            if (g.WakeAt is { } wake)
            {
                sb.Append(inv, $", next possible at {wake}");
            }

            sb.AppendLine();
        }

        if (Candidates.Length > 0 && Candidates[0].Verdicts.Length > 0)
        {
            sb.Append("  rules checked on every candidate: ").AppendJoin(", ", Candidates[0].Verdicts.Select(v => v.Rule)).AppendLine();
        }

        for (var i = 0; i < Candidates.Length; i++)
        {
            var c = Candidates[i];
            sb.Append(inv, $"  {(i == ChosenIndex ? "*" : " ")} candidate {c.GoalId}/{c.VariantId} via {c.Channel}");
            if (c.OfferId is not null)
            {
                sb.Append(inv, $" offer {c.OfferId}");
            }

            if (c.FollowUpOf is { } f)
            {
                sb.Append(inv, $" follow-up of {f}");
            }

            sb.Append(c.Allowed ? ": allowed" : ": blocked");
            if (c.ReasonCode is not null && c.Allowed)
            {
                sb.Append(inv, $" ({c.ReasonCode})");
            }

            if (c.Score is { } s)
            {
                sb.Append(inv, $", score {s:0.###}");
            }

            sb.AppendLine();
            foreach (var v in c.Verdicts)
            {
                if (v.Kind != VerdictKind.Allow)
                {
                    sb.Append(inv, $"      {v.Rule}: {v.Kind} {v.Code} - {v.Reason}");
                    if (v.Until is { } until)
                    {
                        sb.Append(inv, $" (until {until})");
                    }

                    sb.AppendLine();
                }
            }
        }

        if (Strategy is not null)
        {
            sb.Append(inv, $"  strategy {Strategy}: score {Score:0.###}, confidence {Confidence:0.###}, propensity {Propensity:0.###}{(Exploratory ? ", exploratory" : string.Empty)}").AppendLine();
        }

        if (SendAt is { } at)
        {
            sb.Append(inv, $"  send at {at}: {TimingReason}").AppendLine();
        }

        foreach (var v in ContentVerdicts)
        {
            sb.Append(inv, $"  content rule {v.Rule}: {(v.Kind == VerdictKind.Allow ? "passed" : $"{v.Kind} {v.Code} - {v.Reason}")}").AppendLine();
        }

        if (ReviewReason is not null)
        {
            sb.Append(inv, $"  held for review: {ReviewReason}").AppendLine();
        }

        foreach (var note in Notes)
        {
            sb.Append(inv, $"  note: {note}").AppendLine();
        }

        if (MessageId is not null)
        {
            sb.Append(inv, $"  message {MessageId}").AppendLine();
        }

        if (NextEvaluationAt is { } next)
        {
            sb.Append(inv, $"  next evaluation at {next}").AppendLine();
        }

        return sb.ToString();
    }
}
