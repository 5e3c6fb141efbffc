namespace MarketingAutomation;

/// <summary>
/// Stable reason codes of the suppression rule and the compliance packs. (Candidates for <see cref="ReasonCodes"/>; kept here until the
/// lead moves them.) The TCPA calling window (<see cref="QuietHoursPolicy"/>) uses <see cref="ReasonCodes.QuietHours"/> and
/// <see cref="ReasonCodes.UnknownTimeZone"/>; the CAN-SPAM pack's <see cref="RequiredElementsRule"/> uses <see cref="ContentReasonCodes"/>.
/// </summary>
public static class ComplianceReasonCodes
{
    /// <summary>The contact address is on the suppression list (GD-02, GD-03).</summary>
    public const string Suppressed = "Suppressed";

    /// <summary>The only basis is soft opt-in, but the customer never bought anything (GD-06).</summary>
    public const string SoftOptInWithoutPurchase = "SoftOptInWithoutPurchase";

    /// <summary>The customer replied with an opt-out keyword on SMS after the latest SMS consent (TW-06, TC-03).</summary>
    public const string RevokedByReply = "RevokedByReply";

    /// <summary>Outside a state's calling window in the recipient's local time (TC-04).</summary>
    public const string StateCallingWindow = "StateCallingWindow";

    /// <summary>A state's limit of messages per rolling 24 hours on the same subject is reached (TC-04).</summary>
    public const string StateSubjectCap = "StateSubjectCap";

    /// <summary>A marketing e-mail lacks valid RFC 8058 one-click unsubscribe headers (EM-01, EM-02).</summary>
    public const string MissingListUnsubscribe = "MissingListUnsubscribe";
}
