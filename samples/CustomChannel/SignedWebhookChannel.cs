using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MarketingAutomation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace CustomChannel;

/// <summary>
/// A generic signed webhook channel for a push or chat service: POSTs each message as JSON to a configured URL, signed with
/// HMAC-SHA256 (<see cref="WebhookSignature"/>), with the outbox message id as the <c>Idempotency-Key</c> header, and maps the HTTP
/// answer to a <see cref="SendResult"/>. It never throws for an answer the receiver can give; retries, circuit breaking and rate limits
/// are the dispatcher's job.
/// </summary>
/// <remarks>
/// <para>HTTP answer to result:</para>
/// <list type="bullet">
/// <item>2xx: <see cref="SendStatus.Accepted"/> with the receiver's id (the JSON <c>id</c>).</item>
/// <item>408, 425, 429, 5xx: <see cref="SendStatus.Transient"/>, with <c>Retry-After</c> when given. Safe to retry: the receiver
/// dedupes by idempotency key, so a retry after a 5xx that did process the message is not delivered twice.</item>
/// <item>410 Gone: <see cref="SendStatus.Rejected"/>, permanent (the token or handle is unregistered; the contact point is disabled).</item>
/// <item>Other 4xx (400, 401, 403, 404, 413, 422...): <see cref="SendStatus.Rejected"/>, not permanent: a bad request, a wrong secret
/// or a wrong URL says nothing about the customer's address.</item>
/// <item>No connection: <see cref="SendStatus.Transient"/> (nothing was sent). No answer within <see cref="SignedWebhookChannelOptions.Timeout"/>
/// or a connection lost mid-request: <see cref="SendStatus.Unknown"/> (it may have arrived), settled by the lookup when configured.</item>
/// </list>
/// <para>The caller's cancellation throws <see cref="OperationCanceledException"/>. Logs carry the channel, message id and status only;
/// the recipient and body are logged at Trace level at most.</para>
/// </remarks>
public sealed partial class SignedWebhookChannel : IChannel
{
    /// <summary>The provider name in <see cref="ChannelMetadata"/>.</summary>
    public const string ProviderName = "signed-webhook";

    private readonly HttpClient _http;
    private readonly SignedWebhookChannelOptions _options;
    private readonly ILogger _logger;
    private readonly IClock _clock;
    private readonly ChannelMetadata _metadata;
    private readonly Lookup? _lookup;

    /// <summary>Initializes a new instance of the <see cref="SignedWebhookChannel"/> class.</summary>
    /// <param name="httpClient">The HTTP client (from <c>IHttpClientFactory</c> in an app). Its own timeout should be at least <see cref="SignedWebhookChannelOptions.Timeout"/>.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="clock">The clock for the signature timestamp; the system clock when null.</param>
    public SignedWebhookChannel(HttpClient httpClient, SignedWebhookChannelOptions options, ILogger<SignedWebhookChannel>? logger = null, IClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = httpClient;
        _options = options;
        _logger = logger ?? NullLogger<SignedWebhookChannel>.Instance;
        _clock = clock ?? SystemClock.Instance;
        _metadata = new ChannelMetadata(ProviderName) { Endpoint = new UriBuilder(options.Endpoint!) { Query = string.Empty, Fragment = string.Empty }.Uri };
        _lookup = options.LookupEndpoint is null ? null : new Lookup(this);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public ChannelKind Kind => _options.Kind;

    /// <inheritdoc />
    public ChannelCapabilities Capabilities => _options.Capabilities;

    /// <inheritdoc />
    public async ValueTask<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        if (Capabilities.MaxBodyLength is { } max && message.Body.Length > max)
        {
            // Not permanent: the address is fine, the content is not.
            return SendResult.Rejected(false, $"the body has {message.Body.Length} characters; the channel accepts at most {max}");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(WebhookPayload.From(message), WebhookPayload.JsonOptions);
        using var request = CreateRequest(HttpMethod.Post, _options.Endpoint!, message.MessageId, body);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        Log.Sending(_logger, Name, message.MessageId);
        Log.SendingDetail(_logger, Name, message.MessageId, message.Recipient);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var result = await MapAsync(response, message.MessageId, timeout.Token).ConfigureAwait(false);
            Log.Answered(_logger, Name, message.MessageId, (int)response.StatusCode, result.Status);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            Log.NoAnswer(_logger, Name, message.MessageId, "timeout");
            return SendResult.Unknown($"no answer within {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; the receiver may have accepted it");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError)
        {
            // Nothing reached the receiver: safe to retry.
            Log.NoAnswer(_logger, Name, message.MessageId, ex.HttpRequestError.ToString());
            return SendResult.Transient($"could not reach the receiver ({ex.HttpRequestError})");
        }
        catch (HttpRequestException ex)
        {
            // The request may have been delivered before the connection broke: never retried blindly.
            Log.NoAnswer(_logger, Name, message.MessageId, ex.HttpRequestError.ToString());
            return SendResult.Unknown($"the connection failed mid-request ({ex.HttpRequestError}); the receiver may have accepted it");
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChannelMetadata))
        {
            return _metadata;
        }

        if (serviceType == typeof(IMessageLookup))
        {
            return _lookup; // Null when the receiver has no lookup API: claim only what the provider can answer.
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, Uri uri, string idempotencyKey, byte[] body)
    {
        var timestamp = _clock.GetCurrentInstant().ToUnixTimeSeconds();
        var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.CreateHeader(_options.Secret, timestamp, body));
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdempotencyKeyHeader, idempotencyKey);
        if (method == HttpMethod.Post)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        return request;
    }

    private static async Task<SendResult> MapAsync(HttpResponseMessage response, string idempotencyKey, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var accepted = await ReadAsync<WebhookAcceptedResponse>(response, cancellationToken).ConfigureAwait(false);

            // A receiver that accepts without an id of its own: the idempotency key identifies the message there.
            return SendResult.Accepted(string.IsNullOrWhiteSpace(accepted?.Id) ? idempotencyKey : accepted.Id);
        }

        var error = (await ReadAsync<WebhookErrorResponse>(response, cancellationToken).ConfigureAwait(false))?.Error ?? response.ReasonPhrase ?? "no reason";
        var reason = string.Create(CultureInfo.InvariantCulture, $"HTTP {status}: {error}");
        return response.StatusCode switch
        {
            HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or (HttpStatusCode)425 => SendResult.Transient(reason, RetryAfter(response)),
            >= HttpStatusCode.InternalServerError => SendResult.Transient(reason, RetryAfter(response)),
            HttpStatusCode.Gone => SendResult.Rejected(true, reason),
            _ => SendResult.Rejected(false, reason),
        };
    }

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return null;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<T>(WebhookPayload.JsonOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Duration? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => Duration.FromTimeSpan(delta),
        { Date: { } date } when date > DateTimeOffset.UtcNow => Duration.FromTimeSpan(date - DateTimeOffset.UtcNow),
        _ => null,
    };

    /// <summary>Looks a message up at the receiver: <c>GET {LookupEndpoint}/{idempotency key}</c>, signed like a send with an empty body.</summary>
    private sealed class Lookup(SignedWebhookChannel channel) : IMessageLookup
    {
        public async ValueTask<MessageLookupResult> LookupAsync(OutboundMessage message, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(message);
            cancellationToken.ThrowIfCancellationRequested();
            var baseUri = channel._options.LookupEndpoint!.ToString().TrimEnd('/');
            var uri = new Uri(baseUri + "/" + Uri.EscapeDataString(message.MessageId));
            using var request = channel.CreateRequest(HttpMethod.Get, uri, message.MessageId, []);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(channel._options.Timeout);
            try
            {
                using var response = await channel._http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                var result = response.StatusCode switch
                {
                    HttpStatusCode.OK when await ReadAsync<WebhookAcceptedResponse>(response, timeout.Token).ConfigureAwait(false) is { Id: { Length: > 0 } id } => MessageLookupResult.Found(id),
                    HttpStatusCode.NotFound => MessageLookupResult.NotFound(),
                    _ => MessageLookupResult.Unavailable(string.Create(CultureInfo.InvariantCulture, $"the lookup answered HTTP {(int)response.StatusCode}")),
                };
                Log.LookedUp(channel._logger, channel.Name, message.MessageId, result.Status);
                return result;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                return MessageLookupResult.Unavailable("the lookup timed out");
            }
            catch (HttpRequestException ex)
            {
                return MessageLookupResult.Unavailable($"the lookup failed ({ex.HttpRequestError})");
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Channel {Channel}: sending message {MessageId}.")]
        public static partial void Sending(ILogger logger, string channel, string messageId);

        // Personal data: Trace only.
        [LoggerMessage(2, LogLevel.Trace, "Channel {Channel}: message {MessageId} goes to {Recipient}.")]
        public static partial void SendingDetail(ILogger logger, string channel, string messageId, string recipient);

        [LoggerMessage(3, LogLevel.Debug, "Channel {Channel}: message {MessageId} answered HTTP {HttpStatus} ({Status}).")]
        public static partial void Answered(ILogger logger, string channel, string messageId, int httpStatus, SendStatus status);

        [LoggerMessage(4, LogLevel.Warning, "Channel {Channel}: no answer for message {MessageId} ({Error}).")]
        public static partial void NoAnswer(ILogger logger, string channel, string messageId, string error);

        [LoggerMessage(5, LogLevel.Debug, "Channel {Channel}: lookup of message {MessageId} found {Status}.")]
        public static partial void LookedUp(ILogger logger, string channel, string messageId, MessageLookupStatus status);
    }
}
