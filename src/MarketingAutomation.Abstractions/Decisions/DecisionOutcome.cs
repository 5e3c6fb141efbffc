namespace MarketingAutomation;

/// <summary>What a decision led to.</summary>
public enum DecisionOutcome
{
    /// <summary>Nothing is sent now; the customer is re-evaluated later. Keeps only a compact reason code.</summary>
    NoAction = 0,

    /// <summary>A message was put in the outbox.</summary>
    Send = 1,

    /// <summary>A message waits for human review; nothing is sent until approved.</summary>
    Review = 2,

    /// <summary>The evaluation failed; the error is on the trace and the batch went on.</summary>
    Error = 3,

    /// <summary>The customer was skipped because their data is invalid.</summary>
    Invalid = 4,

    /// <summary>A middleware cancelled the decision (for example a dry run).</summary>
    Cancelled = 5,
}
