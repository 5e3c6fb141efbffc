namespace MarketingAutomation.Simulation;

/// <summary>
/// The product catalog simulated customers buy from: the categories of the engine's cross-sell examples (running, yoga, audio,
/// outdoor...), one or two products each, and the cross-sell rules between them. Customers' category affinities index
/// <see cref="Categories"/>.
/// </summary>
public static class SimulatedCatalog
{
    private static readonly (string Sku, decimal Price)[][] ProductsByCategory =
    [
        [("RS-100", 89m), ("RS-200", 129m)],
        [("SK-10", 12m), ("SK-20", 18m)],
        [("YM-1", 45m), ("YM-2", 79m)],
        [("YB-1", 15m)],
        [("HP-1", 59m), ("HP-2", 249m)],
        [("HC-1", 19m)],
        [("JK-1", 149m), ("JK-2", 299m)],
        [("HT-1", 25m)],
        [("TN-1", 499m)],
        [("SB-1", 139m)],
        [("TS-1", 29m)],
        [("WB-1", 22m)],
        [("BK-1", 18m)],
    ];

    /// <summary>Gets the product categories, in affinity-index order.</summary>
    public static ImmutableArray<string> Categories { get; } =
    [
        "running-shoes", "running-socks", "yoga-mats", "yoga-blocks", "headphones", "headphone-cases", "jackets", "hats", "tents",
        "sleeping-bags", "t-shirts", "water-bottles", "books",
    ];

    /// <summary>Gets the cross-sell rules between the catalog's categories (the same map the engine's benchmarks use).</summary>
    public static ImmutableArray<CrossSellRule> CrossSellRules { get; } =
    [
        new("running-shoes", "running-socks", new ContentVariant("xs-running-socks") { Subject = "Socks that go the distance", Body = "Pair your new shoes with our running socks.", ShortBody = "Running socks for your new shoes." }),
        new("yoga-mats", "yoga-blocks", new ContentVariant("xs-yoga-blocks") { Subject = "Complete your practice", Body = "Yoga blocks to go with your mat.", ShortBody = "Yoga blocks for your mat." }),
        new("headphones", "headphone-cases", new ContentVariant("xs-headphone-case") { Subject = "Protect your headphones", Body = "A hard case made for your headphones.", ShortBody = "A case for your headphones." }),
        new("jackets", "hats", new ContentVariant("xs-hats") { Subject = "The finishing touch", Body = "A warm hat to match your jacket.", ShortBody = "A hat to match your jacket." }),
        new("tents", "sleeping-bags", new ContentVariant("xs-sleeping-bags") { Subject = "Sleep well outdoors", Body = "Sleeping bags rated for every season.", ShortBody = "Sleeping bags for your tent." }),
    ];

    /// <summary>Returns the index of a category in <see cref="Categories"/>, or -1.</summary>
    /// <param name="category">The category name.</param>
    /// <returns>The index, or -1 when the catalog has no such category.</returns>
    public static int IndexOf(string? category)
    {
        var categories = Categories;
        for (var i = 0; i < categories.Length; i++)
        {
            if (string.Equals(categories[i], category, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Returns the category a cross-sell variant suggests, or null when the variant is not one of <see cref="CrossSellRules"/>.</summary>
    /// <param name="variantId">The content variant id.</param>
    /// <returns>The suggested category, or null.</returns>
    public static string? SuggestedCategory(string? variantId)
    {
        var rules = CrossSellRules;
        for (var i = 0; i < rules.Length; i++)
        {
            if (string.Equals(rules[i].Variant.Id, variantId, StringComparison.Ordinal))
            {
                return rules[i].Suggest;
            }
        }

        return null;
    }

    /// <summary>A purchase line for an amount in a category: the product whose price is nearest the amount, in the quantity that comes nearest.</summary>
    internal static PurchaseItem Line(int category, decimal amount, double pick)
    {
        var products = ProductsByCategory[category];
        var product = products[Math.Min(products.Length - 1, (int)(pick * products.Length))];
        var quantity = (int)Math.Clamp(Math.Round(amount / product.Price), 1, 20);
        return new PurchaseItem(product.Sku, Categories[category], quantity, Math.Round(amount / quantity, 2));
    }
}
