using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomChannel;

/// <summary>One message the receiver accepted.</summary>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> header (the outbox message id).</param>
/// <param name="Id">The id the receiver gave it.</param>
/// <param name="Payload">The parsed body.</param>
/// <param name="ReceivedAt">When it arrived.</param>
public sealed record ReceivedWebhook(string IdempotencyKey, string Id, WebhookPayload Payload, DateTimeOffset ReceivedAt);

/// <summary>Settings for a <see cref="WebhookReceiver"/>.</summary>
public sealed class WebhookReceiverOptions
{
    /// <summary>Gets or sets the shared secret (the same bytes as the channel's).</summary>
    public byte[] Secret { get; set; } = [];

    /// <summary>Gets or sets the allowed clock skew of the signature timestamp, either way.</summary>
    /// <value>The default value is five minutes.</value>
    public TimeSpan Tolerance { get; set; } = WebhookSignature.DefaultTolerance;

    /// <summary>Gets or sets the receiver's clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets or sets a scripted fault, for tests and demos: given a correctly signed, new message, return an HTTP status to answer
    /// instead of accepting it (429 and 503 carry <c>Retry-After: 2</c>), or null to accept.
    /// </summary>
    public Func<WebhookPayload, int?>? Fault { get; set; }
}

/// <summary>
/// A small local receiver for the sample and its tests: a Kestrel server on 127.0.0.1 (a free port) that verifies the signature and
/// the timestamp, dedupes by idempotency key and records what it accepted. <c>POST /messages</c> accepts a message (202 with
/// <c>{"id": "..."}</c>; a repeated key answers 200 with the first id and <c>Idempotent-Replayed: true</c>); <c>GET /messages/{key}</c>
/// looks one up (200 or 404). Both need a valid signature (401 otherwise).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WebhookReceiverOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (ReceivedWebhook Message, byte[] BodyHash)> _byKey = new(StringComparer.Ordinal);
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Dictionary<string, int> _refusals = new(StringComparer.Ordinal);
    private int _duplicates;

    private WebhookReceiver(WebApplication app, WebhookReceiverOptions options)
    {
        _app = app;
        _options = options;
    }

    /// <summary>Gets the URL to POST messages to.</summary>
    public Uri MessagesEndpoint { get; private set; } = null!;

    /// <summary>Gets or sets the scripted fault (see <see cref="WebhookReceiverOptions.Fault"/>).</summary>
    public Func<WebhookPayload, int?>? Fault
    {
        get => _options.Fault;
        set => _options.Fault = value;
    }

    /// <summary>Gets the accepted messages, in arrival order (each idempotency key once).</summary>
    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Gets how many requests repeated an idempotency key already accepted (answered with the first id, not recorded again).</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>Gets the refused requests by error code (<c>invalid_signature</c>, <c>stale_timestamp</c>...).</summary>
    public IReadOnlyDictionary<string, int> Refusals
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_refusals, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Starts a receiver on 127.0.0.1 with a port the OS picks.</summary>
    /// <param name="options">The settings (the secret is required).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The running receiver; dispose it to stop.</returns>
    public static async Task<WebhookReceiver> StartAsync(WebhookReceiverOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Secret is not { Length: > 0 })
        {
            throw new ArgumentException("The receiver needs the shared secret.", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 64 * 1024;
        });
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, options);
        app.MapPost("/messages", receiver.AcceptAsync);
        app.MapGet("/messages/{key}", receiver.LookupAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.MessagesEndpoint = new Uri(address.TrimEnd('/') + "/messages");
        return receiver;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task AcceptAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        if (!await CheckSignatureAsync(context, body).ConfigureAwait(false))
        {
            return;
        }

        var key = context.Request.Headers[WebhookSignature.IdempotencyKeyHeader].ToString();
        if (string.IsNullOrWhiteSpace(key))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "missing_idempotency_key").ConfigureAwait(false);
            return;
        }

        WebhookPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<WebhookPayload>(body, WebhookPayload.JsonOptions);
        }
        catch (JsonException)
        {
            payload = null;
        }

        if (payload is null || string.IsNullOrWhiteSpace(payload.Recipient) || string.IsNullOrEmpty(payload.Body))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "invalid_message").ConfigureAwait(false);
            return;
        }

        var bodyHash = SHA256.HashData(body);
        ReceivedWebhook? first = null;
        var reused = false;
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var known))
            {
                reused = !CryptographicOperations.FixedTimeEquals(known.BodyHash, bodyHash) && !SameMessage(known.Message.Payload, payload);
                first = known.Message;
            }
        }

        if (reused)
        {
            await RefuseAsync(context, StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused").ConfigureAwait(false);
            return;
        }

        if (first is null && _options.Fault?.Invoke(payload) is { } fault)
        {
            if (fault is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = "2";
            }

            await RefuseAsync(context, fault, "scripted_fault").ConfigureAwait(false);
            return;
        }

        var status = StatusCodes.Status202Accepted;
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var known))
            {
                first = known.Message; // A concurrent request with the same key won the race.
            }

            if (first is null)
            {
                var accepted = new ReceivedWebhook(key, $"wh_{_received.Count + 1:D6}", payload, _options.TimeProvider.GetUtcNow());
                _byKey.Add(key, (accepted, bodyHash));
                _received.Add(accepted);
                first = accepted;
            }
            else
            {
                _duplicates++;
                status = StatusCodes.Status200OK;
            }
        }

        if (status == StatusCodes.Status200OK)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new WebhookAcceptedResponse(first.Id), WebhookPayload.JsonOptions, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task LookupAsync(HttpContext context)
    {
        if (!await CheckSignatureAsync(context, []).ConfigureAwait(false))
        {
            return;
        }

        var key = (string?)context.Request.RouteValues["key"] ?? string.Empty;
        ReceivedWebhook? found;
        lock (_gate)
        {
            found = _byKey.TryGetValue(key, out var known) ? known.Message : null;
        }

        if (found is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new WebhookErrorResponse("not_found"), WebhookPayload.JsonOptions, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsJsonAsync(new WebhookAcceptedResponse(found.Id), WebhookPayload.JsonOptions, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<bool> CheckSignatureAsync(HttpContext context, byte[] body)
    {
        var check = WebhookSignature.Verify(context.Request.Headers[WebhookSignature.HeaderName].ToString(), _options.Secret, body, _options.TimeProvider.GetUtcNow(), _options.Tolerance);
        var error = check switch
        {
            SignatureCheck.Valid => null,
            SignatureCheck.StaleTimestamp => "stale_timestamp",
            SignatureCheck.Mismatch => "invalid_signature",
            _ => "malformed_signature",
        };
        if (error is not null)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, error).ConfigureAwait(false);
        }

        return error is null;
    }

    private async Task RefuseAsync(HttpContext context, int status, string error)
    {
        lock (_gate)
        {
            _refusals[error] = _refusals.GetValueOrDefault(error) + 1;
        }

        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new WebhookErrorResponse(error), WebhookPayload.JsonOptions, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    // The same message re-serialised (a retry from another process) is not a reused key.
    private static bool SameMessage(WebhookPayload a, WebhookPayload b) => a == b;
}
