namespace MarketingAutomation;

/// <summary>One related-products entry: after buying <paramref name="WhenBought"/> (a SKU or a category), suggest <paramref name="Suggest"/> with <paramref name="Variant"/>.</summary>
/// <param name="WhenBought">The SKU or category bought (for example <c>running-shoes</c>).</param>
/// <param name="Suggest">The SKU or category to suggest (for example <c>running-socks</c>); not suggested if already bought since.</param>
/// <param name="Variant">The content suggesting it.</param>
public sealed record CrossSellRule(string WhenBought, string Suggest, ContentVariant Variant);

/// <summary>
/// Cross-sell from a related-products map: <see cref="Delay"/> after a purchase of X, suggest Y unless the customer bought Y since,
/// once per purchase, until <see cref="Lookback"/> has passed.
/// </summary>
public sealed class CrossSellGoal : Goal
{
    /// <summary>Initializes a new instance of the <see cref="CrossSellGoal"/> class.</summary>
    /// <param name="rules">The related-products map.</param>
    /// <param name="id">The goal id.</param>
    public CrossSellGoal(IEnumerable<CrossSellRule> rules, string id = "cross-sell")
        : base(id)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = [.. rules];
        Priority = 40;
        Value = 5.0;
        var variants = ImmutableArray.CreateBuilder<ContentVariant>(Rules.Length);
        foreach (var rule in Rules)
        {
            if (!variants.Contains(rule.Variant))
            {
                variants.Add(rule.Variant);
            }
        }

        Variants = variants.ToImmutable();
    }

    /// <summary>Gets the related-products map.</summary>
    public ImmutableArray<CrossSellRule> Rules { get; }

    /// <summary>Gets how long after the purchase the suggestion goes out.</summary>
    /// <value>The default value is 3 days.</value>
    public Duration Delay { get; init; } = Duration.FromDays(3);

    /// <summary>Gets how long after the purchase the suggestion is still relevant.</summary>
    /// <value>The default value is 30 days.</value>
    public Duration Lookback { get; init; } = Duration.FromDays(30);

    /// <inheritdoc />
    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(sink);
        var purchases = customer.Customer.Purchases;
        if (purchases.IsDefaultOrEmpty)
        {
            return;
        }

        // A rule fires only for a purchase inside the lookback window (at + Lookback >= now, that is at >= windowStart), and "the
        // suggestion was bought since" only looks at purchases at or after that one. So purchases before the window never change the
        // outcome: skip them, and skip the customer at once when none is inside (most customers), without reading any purchase line.
        var windowStart = now - Lookback;
        if (!AnyPurchaseSince(purchases, windowStart))
        {
            return;
        }

        var rules = Rules;
        for (var r = 0; r < rules.Length; r++)
        {
            var rule = rules[r];
            if (LastBoughtSince(purchases, rule.WhenBought, windowStart) is not { } at)
            {
                continue;
            }

            var suggestedBought = LastBoughtSince(purchases, rule.Suggest, windowStart);
            if (suggestedBought is { } s && s >= at)
            {
                continue;
            }

            if (AlreadySuggested(customer.Messages, rule.Variant.Id, at))
            {
                continue;
            }

            var due = at + Delay;
            if (now < due)
            {
                sink.WakeAt(due);
                continue;
            }

            sink.Propose(rule.Variant);
        }
    }

    private bool AlreadySuggested(ImmutableArray<MessageRecord> messages, string variantId, Instant since)
    {
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (m.CountsTowardCaps && m.ScheduledAt >= since && string.Equals(m.GoalId, Id, StringComparison.Ordinal)
                && string.Equals(m.VariantId, variantId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyPurchaseSince(ImmutableArray<Purchase> purchases, Instant since)
    {
        for (var p = 0; p < purchases.Length; p++)
        {
            if (purchases[p].At >= since)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The newest purchase at or after <paramref name="since"/> with a line of the SKU or category, or null.</summary>
    private static Instant? LastBoughtSince(ImmutableArray<Purchase> purchases, string skuOrCategory, Instant since)
    {
        var found = false;
        var last = since;
        for (var p = 0; p < purchases.Length; p++)
        {
            var purchase = purchases[p];
            var at = purchase.At;
            if (at < since || (found && at <= last))
            {
                continue;
            }

            var items = purchase.Items;
            for (var i = 0; i < items.Length; i++)
            {
                if (string.Equals(items[i].Sku, skuOrCategory, StringComparison.Ordinal) || string.Equals(items[i].Category, skuOrCategory, StringComparison.Ordinal))
                {
                    found = true;
                    last = at;
                    break;
                }
            }
        }

        return found ? last : null;
    }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        if (Rules.IsDefaultOrEmpty)
        {
            yield return $"Goal '{Id}' has no cross-sell rules; pass at least one CrossSellRule.";
        }
    }
}
