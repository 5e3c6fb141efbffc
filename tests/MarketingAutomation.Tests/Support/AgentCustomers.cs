namespace MarketingAutomation.Tests.Support;

/// <summary>Small factories for customers used by the agent, dispatch, feedback, review and end-to-end tests.</summary>
public static class AgentCustomers
{
    /// <summary>When the default consents were given: a year before <see cref="TestAgent.Start"/>.</summary>
    public static readonly Instant ConsentAt = TestAgent.Start - Duration.FromDays(365);

    /// <summary>A customer with an e-mail address and express e-mail marketing consent.</summary>
    /// <param name="id">The id.</param>
    /// <param name="signedUpAt">When they signed up (null: never).</param>
    /// <returns>The customer.</returns>
    public static Customer WithEmail(string id, Instant? signedUpAt = null) =>
        new Customer(id)
        {
            Language = "en",
            TimeZoneId = "Europe/Berlin",
            SignedUpAt = signedUpAt,
            ContactPoints = [new ContactPoint(ChannelKind.Email, $"{id}@example.com")],
            Consents = [Granted(ChannelKind.Email, ConsentBasis.Express, signedUpAt ?? ConsentAt)],
            Attributes = ImmutableDictionary<string, string>.Empty.Add("FirstName", "Ada"),
        };

    /// <summary>A customer with an e-mail address and no consent at all.</summary>
    /// <param name="id">The id.</param>
    /// <param name="signedUpAt">When they signed up.</param>
    /// <returns>The customer.</returns>
    public static Customer WithoutConsent(string id, Instant? signedUpAt = null) => WithEmail(id, signedUpAt) with { Consents = [] };

    /// <summary>Adds a mobile number and SMS marketing consent on the given basis.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="number">A valid E.164 number.</param>
    /// <param name="basis">The basis (marketing SMS needs express written consent).</param>
    /// <returns>The customer.</returns>
    public static Customer AndSms(this Customer customer, string number = "+14155550123", ConsentBasis basis = ConsentBasis.ExpressWritten) =>
        customer with
        {
            ContactPoints = customer.ContactPoints.Add(new ContactPoint(ChannelKind.Sms, number)),
            Consents = customer.Consents.Add(Granted(ChannelKind.Sms, basis, customer.SignedUpAt ?? ConsentAt)),
        };

    /// <summary>Adds a purchase.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="at">When.</param>
    /// <param name="amount">The amount.</param>
    /// <param name="sku">The SKU.</param>
    /// <param name="category">The category.</param>
    /// <returns>The customer.</returns>
    public static Customer AndPurchase(this Customer customer, Instant at, decimal amount = 50m, string sku = "tee-1", string category = "shirts") =>
        customer with
        {
            Purchases = customer.Purchases.Add(new Purchase($"o-{customer.Id}-{customer.Purchases.Length}", at, amount)
            {
                Items = [new PurchaseItem(sku, category, 1, amount)],
            }),
        };

    /// <summary>A granted consent record.</summary>
    /// <param name="channel">The channel kind.</param>
    /// <param name="basis">The basis.</param>
    /// <param name="at">When.</param>
    /// <returns>The record.</returns>
    public static ConsentRecord Granted(ChannelKind channel, ConsentBasis basis, Instant at) =>
        new(channel, MessagePurpose.Marketing, ConsentStatus.Granted, basis, at) { Source = "test", Evidence = "ticked the box" };
}
