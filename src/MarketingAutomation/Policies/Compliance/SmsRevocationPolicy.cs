namespace MarketingAutomation;

/// <summary>
/// Treats an inbound SMS reply that is an opt-out keyword (<see cref="OptOutKeywords.IsOptOut"/>) as a revocation of SMS marketing consent
/// (TCPA TC-03, Twilio TW-06), effective at once, until a newer SMS marketing consent is granted. It reads the customer's recent events,
/// so it holds even before the reply is turned into a consent record.
/// </summary>
public sealed class SmsRevocationPolicy : IPolicy, IValidatableRule
{
    /// <inheritdoc />
    public string Name => "sms-revocation-by-reply";

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context)
    {
        var candidate = context.Candidate;
        if (candidate.ChannelKind != ChannelKind.Sms || candidate.Purpose != MessagePurpose.Marketing)
        {
            return PolicyVerdict.Allow;
        }

        var events = context.Customer.RecentEvents;
        if (events.IsDefaultOrEmpty)
        {
            return PolicyVerdict.Allow;
        }

        var grantedAt = Instant.MinValue;
        var consents = context.Customer.Customer.Consents;
        for (var i = 0; i < consents.Length; i++)
        {
            var c = consents[i];
            if (c.Channel == ChannelKind.Sms && c.Purpose == MessagePurpose.Marketing && c.Status == ConsentStatus.Granted && c.RecordedAt > grantedAt)
            {
                grantedAt = c.RecordedAt;
            }
        }

        for (var i = 0; i < events.Length; i++)
        {
            if (events[i] is MessageEvent { Kind: MessageEventKind.Replied, Channel: ChannelKind.Sms } reply
                && reply.OccurredAt > grantedAt && OptOutKeywords.IsOptOut(reply.ReplyText))
            {
                return PolicyVerdict.Deny(ComplianceReasonCodes.RevokedByReply, "The customer replied with an opt-out keyword on SMS after the latest SMS consent.");
            }
        }

        return PolicyVerdict.Allow;
    }

    /// <summary>Checks the configuration.</summary>
    /// <returns>No problems: the rule has no settings.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Instance member of the rule-validation contract.")]
    public IReadOnlyList<string> Validate() => [];

    /// <inheritdoc />
    public IEnumerable<string> Validate(RuleValidationContext context) => Validate();
}
