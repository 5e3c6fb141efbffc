namespace MarketingAutomation;

/// <summary>The kind of channel a message travels on. A customer's contact points and every <see cref="IChannel"/> carry one.</summary>
public enum ChannelKind
{
    /// <summary>E-mail, addressed by an e-mail address.</summary>
    Email = 0,

    /// <summary>SMS/MMS text message, addressed by an E.164 phone number.</summary>
    Sms = 1,

    /// <summary>Mobile or web push notification, addressed by a device token.</summary>
    Push = 2,

    /// <summary>Chat or in-app message, addressed by a handle in the user's app or chat service.</summary>
    InApp = 3,

    /// <summary>A generic signed webhook to another system, addressed by a handle that system understands.</summary>
    Webhook = 4,
}

/// <summary>Why a message is sent. Consent and frequency rules treat the two purposes differently.</summary>
public enum MessagePurpose
{
    /// <summary>Promotional or relationship messages: need marketing consent and count against caps.</summary>
    Marketing = 0,

    /// <summary>Messages the customer needs for a service they use (receipts, renewal notices). Bypass marketing consent, never a hard opt-out.</summary>
    Transactional = 1,
}
