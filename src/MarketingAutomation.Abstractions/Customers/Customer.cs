namespace MarketingAutomation;

/// <summary>
/// Everything the agent knows about one customer: how to reach them, where they are, what they agreed to, what they bought.
/// Immutable: stores build a new instance when facts change.
/// </summary>
/// <param name="Id">The stable customer identifier (the key in the user's database). Not personal data; safe to log.</param>
public sealed record Customer(string Id)
{
    /// <summary>Gets the contact points (addresses per channel kind).</summary>
    public ImmutableArray<ContactPoint> ContactPoints { get; init; } = [];

    /// <summary>Gets the IANA time zone id (for example <c>Europe/Berlin</c>), or <see langword="null"/> when unknown.</summary>
    public string? TimeZoneId
    {
        get;
        init
        {
            field = value;
            TimeZone = value is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(value);
        }
    }

    /// <summary>Gets the preferred language as a BCP 47 tag (for example <c>en-US</c>), if known.</summary>
    public string? Language { get; init; }

    /// <summary>Gets when the customer first subscribed or signed up (drives the welcome sequence).</summary>
    public Instant? SignedUpAt { get; init; }

    /// <summary>Gets the append-only consent ledger, oldest first. The newest record for a channel and purpose is in force.</summary>
    public ImmutableArray<ConsentRecord> Consents { get; init; } = [];

    /// <summary>Gets the subscriptions the customer holds.</summary>
    public ImmutableArray<Subscription> Subscriptions { get; init; } = [];

    /// <summary>Gets the purchase history, oldest first.</summary>
    public ImmutableArray<Purchase> Purchases { get; init; } = [];

    /// <summary>Gets the support contacts, oldest first.</summary>
    public ImmutableArray<SupportContact> SupportContacts { get; init; } = [];

    /// <summary>Gets free attributes (segment, first name, loyalty tier...). Values may be personal data: never logged above Trace.</summary>
    public ImmutableDictionary<string, string> Attributes { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// Gets the resolved time zone, or <see langword="null"/> when <see cref="TimeZoneId"/> is unknown or not an IANA id.
    /// Resolved when <see cref="TimeZoneId"/> is set.
    /// </summary>
    public DateTimeZone? TimeZone { get; private init; }

    /// <summary>Finds the first contact point of a kind, valid or not.</summary>
    /// <param name="kind">The channel kind.</param>
    /// <returns>The contact point, or <see langword="null"/> when the customer has none of that kind.</returns>
    public ContactPoint? FindContact(ChannelKind kind)
    {
        var points = ContactPoints;
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i].Kind == kind)
            {
                return points[i];
            }
        }

        return null;
    }

    /// <summary>Finds the first usable (valid) contact point of a kind: the address messages on that channel go to.</summary>
    /// <param name="kind">The channel kind.</param>
    /// <returns>The contact point, or <see langword="null"/> when the customer has no valid one of that kind.</returns>
    public ContactPoint? FindValidContact(ChannelKind kind)
    {
        var points = ContactPoints;
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i].Kind == kind && points[i].IsValid)
            {
                return points[i];
            }
        }

        return null;
    }

    /// <summary>Finds the consent record in force for a channel and purpose: the newest one, or an objection that covers every channel.</summary>
    /// <param name="channel">The channel kind.</param>
    /// <param name="purpose">The purpose.</param>
    /// <returns>The record in force, or <see langword="null"/> when nothing was recorded.</returns>
    public ConsentRecord? ConsentFor(ChannelKind channel, MessagePurpose purpose)
    {
        ConsentRecord? found = null;
        var consents = Consents;
        for (var i = 0; i < consents.Length; i++)
        {
            var c = consents[i];
            var matches = (c.Channel == channel && (c.Purpose == purpose || c.Status == ConsentStatus.OptedOutOfChannel))
                || (c.Status == ConsentStatus.Objected && purpose == MessagePurpose.Marketing);
            if (matches && (found is null || c.RecordedAt >= found.RecordedAt))
            {
                found = c;
            }
        }

        return found;
    }

    /// <summary>Gets the most recent purchase instant, or <see langword="null"/> if the customer never bought.</summary>
    public Instant? LastPurchaseAt
    {
        get
        {
            Instant? last = null;
            var purchases = Purchases;
            for (var i = 0; i < purchases.Length; i++)
            {
                if (last is null || purchases[i].At > last.Value)
                {
                    last = purchases[i].At;
                }
            }

            return last;
        }
    }

    /// <summary>Gets the total amount the customer has spent (all currencies added as they are).</summary>
    public decimal LifetimeValue
    {
        get
        {
            var total = 0m;
            var purchases = Purchases;
            for (var i = 0; i < purchases.Length; i++)
            {
                total += purchases[i].Amount;
            }

            return total;
        }
    }
}
