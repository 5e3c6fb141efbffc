namespace MarketingAutomation;

/// <summary>
/// Decorates a composer: adds RFC 8058 one-click unsubscribe headers (EM-02) to every marketing e-mail, from a URL template. Placeholders:
/// <c>{decisionId}</c> (the message id), <c>{customerId}</c> (URL-escaped). Use an opaque token in production (the customer id is guessable);
/// the endpoint must accept POST without a redirect.
/// </summary>
public sealed class ListUnsubscribeComposer : IContentComposer
{
    private readonly IContentComposer _inner;
    private readonly string _urlTemplate;

    /// <summary>Initializes a new instance of the <see cref="ListUnsubscribeComposer"/> class.</summary>
    /// <param name="inner">The composer that renders the message.</param>
    /// <param name="urlTemplate">An absolute https URL template, for example <c>https://example.com/u/{decisionId}</c>.</param>
    public ListUnsubscribeComposer(IContentComposer inner, string urlTemplate)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrWhiteSpace(urlTemplate);
        if (!urlTemplate.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The one-click unsubscribe URL template must start with https:// (RFC 8058).", nameof(urlTemplate));
        }

        _inner = inner;
        _urlTemplate = urlTemplate;
    }

    /// <inheritdoc />
    public async ValueTask<ComposedMessage> ComposeAsync(ComposeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var message = await _inner.ComposeAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Candidate.ChannelKind != ChannelKind.Email || request.Candidate.Purpose != MessagePurpose.Marketing)
        {
            return message;
        }

        var url = _urlTemplate
            .Replace("{decisionId}", request.DecisionId.ToString("N"), StringComparison.Ordinal)
            .Replace("{customerId}", Uri.EscapeDataString(request.Customer.Id), StringComparison.Ordinal);
        var headers = message.Headers;
        foreach (var (name, value) in ListUnsubscribeHeaderRule.HeadersFor(new Uri(url, UriKind.Absolute)))
        {
            headers = headers.SetItem(name, value);
        }

        return message with { Headers = headers };
    }
}
