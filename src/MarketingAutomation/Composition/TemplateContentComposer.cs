using System.Text;

namespace MarketingAutomation;

/// <summary>
/// The default composer: fills <c>{{Name}}</c> placeholders in the variant's subject and body from the customer's attributes, plus
/// <c>{{CustomerId}}</c>, <c>{{OfferCode}}</c> and <c>{{DiscountPercent}}</c>. SMS and push use the variant's short body when it has one.
/// Unknown placeholders become empty text.
/// </summary>
public sealed class TemplateContentComposer : IContentComposer
{
    /// <inheritdoc />
    public ValueTask<ComposedMessage> ComposeAsync(ComposeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidate = request.Candidate;
        var variant = candidate.Variant;
        var shortForm = candidate.ChannelKind is ChannelKind.Sms or ChannelKind.Push;
        var bodyTemplate = shortForm && variant.ShortBody is not null ? variant.ShortBody : variant.Body;
        var customer = request.Customer.Customer;
        var body = Render(bodyTemplate, customer, variant);
        var subject = variant.Subject is null || !candidate.Channel.Capabilities.SupportsSubject && candidate.ChannelKind != ChannelKind.Email && candidate.ChannelKind != ChannelKind.Push
            ? null
            : Render(variant.Subject, customer, variant);
        return ValueTask.FromResult(new ComposedMessage(body) { Subject = subject, Language = variant.Language ?? customer.Language });
    }

    /// <summary>Renders one template.</summary>
    /// <param name="template">The template.</param>
    /// <param name="customer">The customer.</param>
    /// <param name="variant">The variant (for offer placeholders).</param>
    /// <returns>The rendered text.</returns>
    public static string Render(string template, Customer customer, ContentVariant variant)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(variant);
        if (!template.Contains("{{", StringComparison.Ordinal))
        {
            return template;
        }

        var sb = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }

            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }

            sb.Append(template, i, open - i);
            var name = template.Substring(open + 2, close - open - 2).Trim();
            sb.Append(Lookup(name, customer, variant));
            i = close + 2;
        }

        return sb.ToString();
    }

    private static string Lookup(string name, Customer customer, ContentVariant variant) => name switch
    {
        "CustomerId" => customer.Id,
        "OfferCode" => variant.Offer?.Code ?? string.Empty,
        "DiscountPercent" => variant.Offer?.DiscountPercent.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
        _ => customer.Attributes.TryGetValue(name, out var value) ? value : string.Empty,
    };
}

/// <summary>Built-in content rule: the rendered body must fit the channel's <see cref="ChannelCapabilities.MaxBodyLength"/>.</summary>
public sealed class ChannelLengthContentRule : IContentRule
{
    /// <inheritdoc />
    public string Name => "channel-length";

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in ContentRuleContext context)
    {
        var max = context.Candidate.Channel.Capabilities.MaxBodyLength;
        return max is { } limit && context.Message.Body.Length > limit
            ? PolicyVerdict.Deny(ReasonCodes.TooLong, $"The body has {context.Message.Body.Length} characters; channel '{context.Candidate.Channel.Name}' allows {limit}.")
            : PolicyVerdict.Allow;
    }
}
