namespace MarketingAutomation;

/// <summary>The legal basis on which a customer agreed to be contacted.</summary>
public enum ConsentBasis
{
    /// <summary>No consent recorded.</summary>
    None = 0,

    /// <summary>ePrivacy soft opt-in: an existing customer, similar products, an opt-out offered at collection and in every message.</summary>
    SoftOptIn = 1,

    /// <summary>Express consent (for example a ticked box), sufficient for e-mail marketing in most jurisdictions.</summary>
    Express = 2,

    /// <summary>Prior express written consent (TCPA), required for marketing SMS in the US.</summary>
    ExpressWritten = 3,
}

/// <summary>The state a consent record puts a channel and purpose in.</summary>
public enum ConsentStatus
{
    /// <summary>Consent given on the recorded basis.</summary>
    Granted = 0,

    /// <summary>Consent withdrawn (an unsubscribe or STOP): absolute for marketing on that channel.</summary>
    Revoked = 1,

    /// <summary>An objection to direct marketing (GDPR Art. 21(3)): absolute for marketing on every channel.</summary>
    Objected = 2,

    /// <summary>A hard opt-out from the channel for every purpose, transactional included.</summary>
    OptedOutOfChannel = 3,
}

/// <summary>One entry in a customer's append-only consent ledger: who agreed to what, when, how and what they were told.</summary>
/// <param name="Channel">The channel kind the consent covers.</param>
/// <param name="Purpose">The purpose the consent covers.</param>
/// <param name="Status">Granted, revoked, objected or opted out of the channel.</param>
/// <param name="Basis">The legal basis when granted.</param>
/// <param name="RecordedAt">When the customer gave or withdrew it.</param>
public sealed record ConsentRecord(ChannelKind Channel, MessagePurpose Purpose, ConsentStatus Status, ConsentBasis Basis, Instant RecordedAt)
{
    /// <summary>Gets where the consent was collected (form name, keyword, import file, support ticket).</summary>
    public string? Source { get; init; }

    /// <summary>Gets the evidence: the text the customer was shown, or the keyword they replied.</summary>
    public string? Evidence { get; init; }
}
