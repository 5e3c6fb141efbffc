using MarketingAutomation;
using NodaTime;

namespace CustomChannel;

/// <summary>Settings for a <see cref="SignedWebhookChannel"/>.</summary>
public sealed class SignedWebhookChannelOptions
{
    /// <summary>Gets or sets the channel's registration name (unique in the pipeline).</summary>
    /// <value>The default value is <c>push</c>.</value>
    public string Name { get; set; } = "push";

    /// <summary>Gets or sets the kind of address the receiving service understands (a device token, a chat handle...).</summary>
    /// <value>The default value is <see cref="ChannelKind.Push"/>.</value>
    public ChannelKind Kind { get; set; } = ChannelKind.Push;

    /// <summary>Gets or sets the URL messages are POSTed to. Required. Never put credentials in it: the secret signs, it is not sent.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets the URL under which the receiver answers <c>GET {LookupEndpoint}/{idempotency key}</c>, if it does. When set, the
    /// channel offers an <see cref="IMessageLookup"/>, and the dispatcher can settle a row taken over from a dispatcher that died
    /// mid-send. Leave it null when the receiver has no such API: the channel then does not claim a lookup.
    /// </summary>
    public Uri? LookupEndpoint { get; set; }

    /// <summary>Gets or sets the shared HMAC-SHA256 secret (at least 32 random bytes; load it from a secret store, not from code).</summary>
    public byte[] Secret { get; set; } = [];

    /// <summary>Gets or sets how long one request may take before the outcome is <see cref="SendStatus.Unknown"/>.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets what the receiving service can carry. Declare it honestly: the engine picks channels, shortens bodies and applies
    /// quiet hours from it. The default is a push service: a title, 178 characters of body, delivery within a minute.
    /// </summary>
    public ChannelCapabilities Capabilities { get; set; } = new()
    {
        MaxBodyLength = 178,
        SupportsSubject = true,
        SupportsLinks = true,
        MaxProviderQueueDelay = Duration.FromMinutes(1),
        CostPerMessage = 0.0005,
    };

    /// <summary>Checks the settings and throws with every problem named.</summary>
    /// <exception cref="InvalidOperationException">A setting is missing or out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("Name is empty.");
        }

        if (Endpoint is null || !Endpoint.IsAbsoluteUri || Endpoint.Scheme is not ("https" or "http"))
        {
            problems.Add("Endpoint must be an absolute http(s) URL.");
        }
        else if (!string.IsNullOrEmpty(Endpoint.UserInfo))
        {
            problems.Add("Endpoint must not carry credentials.");
        }

        if (LookupEndpoint is not null && (!LookupEndpoint.IsAbsoluteUri || !string.IsNullOrEmpty(LookupEndpoint.UserInfo)))
        {
            problems.Add("LookupEndpoint must be an absolute URL without credentials.");
        }

        if (Secret is null || Secret.Length < 16)
        {
            problems.Add("Secret must be at least 16 bytes (32 random bytes recommended).");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            problems.Add("Timeout must be positive.");
        }

        if (Capabilities is null)
        {
            problems.Add("Capabilities is null.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"SignedWebhookChannelOptions for '{Name}': {string.Join(" ", problems)}");
        }
    }
}
