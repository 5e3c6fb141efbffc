namespace MarketingAutomation;

/// <summary>What a rule says about a candidate.</summary>
public enum VerdictKind
{
    /// <summary>The candidate may be sent now.</summary>
    Allow = 0,

    /// <summary>The candidate may not be sent.</summary>
    Deny = 1,

    /// <summary>The candidate may not be sent now, but may be from <see cref="PolicyVerdict.Until"/> on.</summary>
    Defer = 2,
}

/// <summary>
/// A rule's verdict on a candidate: <see cref="Allow"/>, <see cref="Deny(string, string)"/> or <see cref="DeferUntil(Instant, string, string)"/>.
/// A value type: returning one never allocates when the code and reason are constant strings.
/// </summary>
public readonly record struct PolicyVerdict
{
    private PolicyVerdict(VerdictKind kind, string? code, string? reason, Instant until)
    {
        Kind = kind;
        Code = code;
        Reason = reason;
        Until = until;
    }

    /// <summary>Gets the verdict that allows the candidate.</summary>
    public static PolicyVerdict Allow => default;

    /// <summary>Gets the verdict kind.</summary>
    public VerdictKind Kind { get; }

    /// <summary>Gets a stable machine-readable reason code (see <see cref="ReasonCodes"/>); null for <see cref="VerdictKind.Allow"/>.</summary>
    public string? Code { get; }

    /// <summary>Gets a human-readable explanation; null for <see cref="VerdictKind.Allow"/>.</summary>
    public string? Reason { get; }

    /// <summary>Gets the instant from which a deferred candidate may be sent.</summary>
    public Instant Until { get; }

    /// <summary>Gets a value indicating whether the verdict allows the candidate.</summary>
    public bool IsAllowed => Kind == VerdictKind.Allow;

    /// <summary>Creates a verdict that denies the candidate.</summary>
    /// <param name="code">A stable reason code, for example <see cref="ReasonCodes.NoConsent"/>.</param>
    /// <param name="reason">A human-readable explanation. Use a constant string on hot paths.</param>
    /// <returns>The verdict.</returns>
    public static PolicyVerdict Deny(string code, string reason) => new(VerdictKind.Deny, code, reason, default);

    /// <summary>Creates a verdict that defers the candidate until an instant.</summary>
    /// <param name="until">The instant from which the candidate may be sent.</param>
    /// <param name="code">A stable reason code, for example <see cref="ReasonCodes.QuietHours"/>.</param>
    /// <param name="reason">A human-readable explanation.</param>
    /// <returns>The verdict.</returns>
    public static PolicyVerdict DeferUntil(Instant until, string code, string reason) => new(VerdictKind.Defer, code, reason, until);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        VerdictKind.Allow => "Allow",
        VerdictKind.Deny => $"Deny({Code}: {Reason})",
        _ => $"DeferUntil({Until}, {Code}: {Reason})",
    };
}

/// <summary>Stable reason codes used in verdicts, traces and telemetry tags.</summary>
public static class ReasonCodes
{
    /// <summary>The strategy chose a candidate to send.</summary>
    public const string Selected = "Selected";

    /// <summary>No goal proposed anything for the customer.</summary>
    public const string NoGoalTriggered = "NoGoalTriggered";

    /// <summary>Goals proposed content, but the customer has no usable contact point on any permitted channel.</summary>
    public const string NoReachableChannel = "NoReachableChannel";

    /// <summary>Every candidate was denied by a rule.</summary>
    public const string AllCandidatesDenied = "AllCandidatesDenied";

    /// <summary>Every candidate allowed later was deferred; the customer is re-evaluated at the earliest allowed instant.</summary>
    public const string AllCandidatesDeferred = "AllCandidatesDeferred";

    /// <summary>The strategy chose not to act (for example the expected value is below the contact cost).</summary>
    public const string StrategyChoseNoAction = "StrategyChoseNoAction";

    /// <summary>The customer is in the global control group for this purpose and receives nothing.</summary>
    public const string ControlGroup = "ControlGroup";

    /// <summary>The learning strategy's expected incremental value of every allowed candidate is below its contact cost.</summary>
    public const string BelowContactCost = "BelowContactCost";

    /// <summary>The customer has had as many messages as their learned tolerance allows for now (learned spacing only tightens caps).</summary>
    public const string LearnedTolerance = "LearnedTolerance";

    /// <summary>The timing reason when the send-time strategy's instant was not allowed by a rule and the message goes at once instead.</summary>
    public const string SendTimeNotAllowedReason = "immediate: the send-time strategy's instant was not allowed by every rule";

    /// <summary>The customer's data failed validation.</summary>
    public const string InvalidCustomer = "InvalidCustomer";

    /// <summary>The evaluation threw; the error is on the trace.</summary>
    public const string EvaluationError = "EvaluationError";

    /// <summary>No consent for the channel and purpose.</summary>
    public const string NoConsent = "NoConsent";

    /// <summary>The customer opted out or objected.</summary>
    public const string OptedOut = "OptedOut";

    /// <summary>A frequency cap would be exceeded.</summary>
    public const string FrequencyCap = "FrequencyCap";

    /// <summary>Another goal won the only slot a cap leaves; this one waits.</summary>
    public const string CapBound = "CapBound";

    /// <summary>The chosen goal's message goes on another channel; this channel is not used.</summary>
    public const string AlternativeChannel = "AlternativeChannel";

    /// <summary>Outside the allowed sending hours in the recipient's local time.</summary>
    public const string QuietHours = "QuietHours";

    /// <summary>The recipient's time zone is unknown, so no window can be proven.</summary>
    public const string UnknownTimeZone = "UnknownTimeZone";

    /// <summary>The contact point is disabled (bounced or rejected).</summary>
    public const string ContactPointInvalid = "ContactPointInvalid";

    /// <summary>The rendered message breaks a content rule.</summary>
    public const string ContentViolation = "ContentViolation";

    /// <summary>The rendered message is longer than the channel allows.</summary>
    public const string TooLong = "TooLong";

    /// <summary>The strategy's confidence is below the review threshold.</summary>
    public const string LowConfidence = "LowConfidence";

    /// <summary>The goal requires human review.</summary>
    public const string GoalRequiresReview = "GoalRequiresReview";

    /// <summary>A middleware cancelled the decision.</summary>
    public const string CancelledByMiddleware = "CancelledByMiddleware";
}
