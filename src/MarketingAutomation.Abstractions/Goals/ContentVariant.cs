namespace MarketingAutomation;

/// <summary>An approved offer a message may carry. Content rules check that any discount claimed in a text matches an approved offer.</summary>
/// <param name="Id">The offer id.</param>
/// <param name="DiscountPercent">The discount in percent (0 to 100).</param>
public sealed record Offer(string Id, decimal DiscountPercent)
{
    /// <summary>Gets the coupon code, if any.</summary>
    public string? Code { get; init; }

    /// <summary>Gets the cost of the offer to the business when redeemed, as a fraction of order value (used by value-aware strategies).</summary>
    public double CostFraction { get; init; }
}

/// <summary>
/// One piece of content a goal can send: subject and body templates, the channels it suits, an optional offer and a step number
/// for ordered sequences. Templates use <c>{{Name}}</c> placeholders filled from customer attributes.
/// </summary>
/// <param name="Id">The variant id (unique within its goal).</param>
public sealed record ContentVariant(string Id)
{
    /// <summary>Gets the subject template (e-mail, push title).</summary>
    public string? Subject { get; init; }

    /// <summary>Gets the body template.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>Gets a shorter body for SMS and push; <see cref="Body"/> is used when absent.</summary>
    public string? ShortBody { get; init; }

    /// <summary>Gets the channel kinds this variant may go out on. Empty means every kind the goal allows.</summary>
    public ImmutableArray<ChannelKind> Channels { get; init; } = [];

    /// <summary>Gets the offer the variant carries, if any.</summary>
    public Offer? Offer { get; init; }

    /// <summary>Gets the step in an ordered sequence (0-based), for goals such as the welcome sequence.</summary>
    public int Step { get; init; }

    /// <summary>Gets a relative weight the default strategy multiplies the goal value by.</summary>
    /// <value>The default value is 1.</value>
    public double Weight { get; init; } = 1.0;

    /// <summary>Gets the language of the text as a BCP 47 tag, if it is specific to one.</summary>
    public string? Language { get; init; }

    /// <summary>Returns whether the variant may be sent on a channel kind.</summary>
    /// <param name="kind">The channel kind.</param>
    /// <returns><see langword="true"/> when <see cref="Channels"/> is empty or contains <paramref name="kind"/>.</returns>
    public bool Supports(ChannelKind kind)
    {
        var channels = Channels;
        if (channels.IsDefaultOrEmpty)
        {
            return true;
        }

        for (var i = 0; i < channels.Length; i++)
        {
            if (channels[i] == kind)
            {
                return true;
            }
        }

        return false;
    }
}
