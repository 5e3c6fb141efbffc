namespace MarketingAutomation;

/// <summary>One line of a purchase.</summary>
/// <param name="Sku">The product identifier.</param>
/// <param name="Category">The product category (used by cross-sell and affinity models).</param>
/// <param name="Quantity">How many were bought.</param>
/// <param name="UnitPrice">The price of one unit in the purchase currency.</param>
public sealed record PurchaseItem(string Sku, string Category, int Quantity, decimal UnitPrice);

/// <summary>A completed purchase.</summary>
/// <param name="OrderId">The order identifier in the user's system.</param>
/// <param name="At">When the purchase happened.</param>
/// <param name="Amount">The total amount.</param>
public sealed record Purchase(string OrderId, Instant At, decimal Amount)
{
    /// <summary>Gets the purchased items.</summary>
    public ImmutableArray<PurchaseItem> Items { get; init; } = [];

    /// <summary>Gets the ISO 4217 currency code.</summary>
    /// <value>The default value is <c>USD</c>.</value>
    public string Currency { get; init; } = "USD";

    /// <summary>Gets the decision this purchase is attributed to, when the user's system knows it (for example from a tracked link).</summary>
    public Guid? AttributedDecisionId { get; init; }
}

/// <summary>A subscription the customer holds.</summary>
/// <param name="Plan">The plan or product name.</param>
/// <param name="SubscribedAt">When the subscription started.</param>
public sealed record Subscription(string Plan, Instant SubscribedAt)
{
    /// <summary>Gets when the subscription renews, if it renews automatically.</summary>
    public Instant? RenewsAt { get; init; }

    /// <summary>Gets when the subscription expires, if it does.</summary>
    public Instant? ExpiresAt { get; init; }

    /// <summary>Gets when the subscription was cancelled, if it was.</summary>
    public Instant? CancelledAt { get; init; }
}

/// <summary>A customer's contact with support.</summary>
/// <param name="At">When the contact happened.</param>
/// <param name="Topic">The topic or category.</param>
public sealed record SupportContact(Instant At, string Topic)
{
    /// <summary>Gets a value indicating whether the issue is resolved. Marketing may hold back while a complaint is open.</summary>
    public bool Resolved { get; init; }
}
