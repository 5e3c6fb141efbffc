namespace MarketingAutomation.Tests;

/// <summary>
/// Shared test data: a fixed evaluation instant, customers with contact points and consent, purchases, and message-history records.
/// Everything is deterministic except message and decision ids (pass your own where a test compares them).
/// </summary>
internal static class Customers
{
    /// <summary>The evaluation instant most tests use: Monday 5 January 2026, 09:00 UTC.</summary>
    public static readonly Instant Now = Instant.FromUtc(2026, 1, 5, 9, 0);

    /// <summary>The e-mail address of <see cref="Reachable"/> customers.</summary>
    public const string Email = "ada.lovelace@example.com";

    /// <summary>The phone number of <see cref="Reachable"/> customers (a valid E.164 Berlin landline).</summary>
    public const string Phone = "+493012345678";

    /// <summary>A customer with an id only: no contact point, no consent, no history.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The customer.</returns>
    public static Customer Bare(string id = "c1") => new(id);

    /// <summary>
    /// A customer reachable on e-mail and SMS with granted marketing consent on both (e-mail express, SMS express written), recorded a year
    /// before <see cref="Now"/>, time zone Europe/Berlin, language en, first name Ada.
    /// </summary>
    /// <param name="id">The id.</param>
    /// <returns>The customer.</returns>
    public static Customer Reachable(string id = "c1") => new Customer(id)
    {
        ContactPoints = [new ContactPoint(ChannelKind.Email, Email), new ContactPoint(ChannelKind.Sms, Phone)],
        TimeZoneId = "Europe/Berlin",
        Language = "en",
        Consents =
        [
            Consent(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.Express, Now - Duration.FromDays(365)),
            Consent(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.ExpressWritten, Now - Duration.FromDays(365)),
        ],
        Attributes = ImmutableDictionary<string, string>.Empty.Add("FirstName", "Ada"),
    };

    /// <summary>A consent ledger entry.</summary>
    /// <param name="channel">The channel kind.</param>
    /// <param name="status">The status.</param>
    /// <param name="basis">The legal basis.</param>
    /// <param name="at">When it was recorded.</param>
    /// <param name="purpose">The purpose.</param>
    /// <returns>The record.</returns>
    public static ConsentRecord Consent(
        ChannelKind channel, ConsentStatus status, ConsentBasis basis, Instant at, MessagePurpose purpose = MessagePurpose.Marketing) =>
        new(channel, purpose, status, basis, at) { Source = "test" };

    /// <summary>A purchase with items given as (sku, category) pairs, each one unit at the purchase amount divided evenly.</summary>
    /// <param name="orderId">The order id.</param>
    /// <param name="at">When.</param>
    /// <param name="amount">The total amount.</param>
    /// <param name="items">The items as (sku, category).</param>
    /// <returns>The purchase.</returns>
    public static Purchase Purchase(string orderId, Instant at, decimal amount = 50m, params (string Sku, string Category)[] items)
    {
        var builder = ImmutableArray.CreateBuilder<PurchaseItem>(items.Length);
        foreach (var (sku, category) in items)
        {
            builder.Add(new PurchaseItem(sku, category, 1, items.Length == 0 ? amount : amount / items.Length));
        }

        return new Purchase(orderId, at, amount) { Items = builder.MoveToImmutable() };
    }

    /// <summary>A customer context (what the engine decides on) with a message history, oldest first.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="messages">The messages.</param>
    /// <returns>The context.</returns>
    public static CustomerContext Context(Customer customer, params MessageRecord[] messages) =>
        new(customer) { Messages = [.. messages], NextEvaluationAt = Now, Version = 1 };

    /// <summary>A message in a customer's history. The channel name is the kind's conventional name (email, sms, push, in-app, webhook).</summary>
    /// <param name="goalId">The goal id.</param>
    /// <param name="variantId">The variant id.</param>
    /// <param name="scheduledAt">When it was scheduled.</param>
    /// <param name="kind">The channel kind.</param>
    /// <param name="status">The delivery status.</param>
    /// <param name="purpose">The purpose.</param>
    /// <param name="step">The sequence step.</param>
    /// <returns>The record.</returns>
    public static MessageRecord Message(
        string goalId,
        string variantId,
        Instant scheduledAt,
        ChannelKind kind = ChannelKind.Email,
        MessageStatus status = MessageStatus.Sent,
        MessagePurpose purpose = MessagePurpose.Marketing,
        int step = 0)
    {
        var decisionId = Guid.NewGuid();
        return new MessageRecord(decisionId.ToString("N"), decisionId, goalId, variantId, ChannelName(kind), kind, purpose, scheduledAt)
        {
            Step = step,
            Status = status,
            SentAt = status == MessageStatus.Sent ? scheduledAt : null,
        };
    }

    /// <summary>The conventional channel name used by these helpers for a kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name.</returns>
    public static string ChannelName(ChannelKind kind) => kind switch
    {
        ChannelKind.Email => "email",
        ChannelKind.Sms => "sms",
        ChannelKind.Push => "push",
        ChannelKind.InApp => "in-app",
        _ => "webhook",
    };
}
