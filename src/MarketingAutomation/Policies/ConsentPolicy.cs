namespace MarketingAutomation;

/// <summary>
/// Consent per channel and purpose. Marketing needs a granted consent (SMS: express written consent); a revocation or objection is
/// absolute for marketing; transactional messages bypass marketing consent but never a hard opt-out from the channel.
/// The compliance packs build on this rule.
/// </summary>
public sealed class ConsentPolicy : IPolicy
{
    /// <inheritdoc />
    public string Name => RequirePurchaseForSoftOptIn ? "consent-gdpr" : "consent";

    /// <summary>
    /// Gets a value indicating whether a soft opt-in basis (ePrivacy Art. 13(2), PECR reg. 22(3), reference GD-06) is valid only for a
    /// customer who bought something: the contact details must come from a sale. Without a purchase the candidate is denied with
    /// <see cref="ComplianceReasonCodes.SoftOptInWithoutPurchase"/>. <c>UseComplianceGdpr()</c> sets it.
    /// </summary>
    /// <value>The default value is false (any soft opt-in record counts).</value>
    public bool RequirePurchaseForSoftOptIn { get; init; }

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context)
    {
        var candidate = context.Candidate;
        var kind = candidate.ChannelKind;
        var purpose = candidate.Purpose;
        var record = context.Customer.Customer.ConsentFor(kind, purpose);
        if (record is { Status: ConsentStatus.OptedOutOfChannel })
        {
            return PolicyVerdict.Deny(ReasonCodes.OptedOut, "The customer opted out of this channel for every purpose.");
        }

        if (purpose == MessagePurpose.Transactional)
        {
            return PolicyVerdict.Allow;
        }

        if (record is null)
        {
            return PolicyVerdict.Deny(ReasonCodes.NoConsent, "No marketing consent is recorded for this channel.");
        }

        if (record.Status is ConsentStatus.Revoked or ConsentStatus.Objected)
        {
            return PolicyVerdict.Deny(ReasonCodes.OptedOut, "The customer withdrew marketing consent or objected to direct marketing.");
        }

        if (record.Basis == ConsentBasis.None)
        {
            return PolicyVerdict.Deny(ReasonCodes.NoConsent, "The consent record has no legal basis.");
        }

        if (kind == ChannelKind.Sms && record.Basis != ConsentBasis.ExpressWritten)
        {
            return PolicyVerdict.Deny(ReasonCodes.NoConsent, "Marketing SMS requires prior express written consent.");
        }

        if (record.Basis == ConsentBasis.SoftOptIn && RequirePurchaseForSoftOptIn && context.Customer.Customer.Purchases.IsDefaultOrEmpty)
        {
            return PolicyVerdict.Deny(
                ComplianceReasonCodes.SoftOptInWithoutPurchase,
                "Soft opt-in covers only existing customers whose details came from a sale; this customer has no purchase and no consent.");
        }

        return PolicyVerdict.Allow;
    }
}
