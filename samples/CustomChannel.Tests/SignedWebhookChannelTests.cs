using System.Net;
using System.Text;
using MarketingAutomation;
using MarketingAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;

namespace CustomChannel.Tests;

/// <summary>The channel's own behaviour against the real local receiver: HTTP answers to results, idempotency, lookup, logging.</summary>
public sealed class SignedWebhookChannelTests : IAsyncLifetime
{
    private static readonly byte[] Secret = ReceiverFixture.Secret;
    private readonly HttpClient _http = new();
    private WebhookReceiver _receiver = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync(new WebhookReceiverOptions { Secret = Secret });

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task An_accepted_message_arrives_signed_with_its_idempotency_key_and_payload()
    {
        var channel = Channel();

        var result = await channel.SendAsync(Message("m-1"), Ct);

        Assert.Equal(SendStatus.Accepted, result.Status);
        var received = Assert.Single(_receiver.Received);
        Assert.Equal(received.Id, result.ProviderMessageId);
        Assert.Equal("m-1", received.IdempotencyKey);
        Assert.Equal("device-token-001", received.Payload.Recipient);
        Assert.Equal("Hello", received.Payload.Body);
        Assert.Equal("Hi", received.Payload.Subject);
        Assert.Equal(ChannelKind.Push, received.Payload.Kind);
        Assert.Empty(_receiver.Refusals);
    }

    [Fact]
    public async Task The_same_idempotency_key_is_delivered_once_and_answers_the_first_id()
    {
        var channel = Channel();
        var message = Message("m-dup");

        var first = await channel.SendAsync(message, Ct);
        var second = await channel.SendAsync(message, Ct);

        Assert.Equal(SendStatus.Accepted, first.Status);
        Assert.Equal(SendStatus.Accepted, second.Status);
        Assert.Equal(first.ProviderMessageId, second.ProviderMessageId);
        Assert.Single(_receiver.Received);
        Assert.Equal(1, _receiver.Duplicates);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_message_is_refused_not_delivered()
    {
        var channel = Channel();
        await channel.SendAsync(Message("m-reuse"), Ct);

        var reused = await channel.SendAsync(Message("m-reuse") with { Body = "Something else" }, Ct);

        Assert.Equal(SendStatus.Rejected, reused.Status);
        Assert.False(reused.IsPermanent);
        Assert.Contains("422", reused.Reason, StringComparison.Ordinal);
        Assert.Equal("Hello", Assert.Single(_receiver.Received).Payload.Body);
    }

    [Fact]
    public async Task HTTP_429_is_transient_with_the_receivers_Retry_After()
    {
        _receiver.Fault = _ => 429;

        var result = await Channel().SendAsync(Message(), Ct);

        Assert.Equal(SendStatus.Transient, result.Status);
        Assert.Equal(Duration.FromSeconds(2), result.RetryAfter);
        Assert.Contains("429", result.Reason, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    public async Task Server_errors_and_request_timeouts_are_transient(int status)
    {
        _receiver.Fault = _ => status;

        var result = await Channel().SendAsync(Message(), Ct);

        Assert.Equal(SendStatus.Transient, result.Status);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
    }

    [Fact]
    public async Task A_transient_failure_then_a_retry_delivers_once()
    {
        var calls = 0;
        _receiver.Fault = _ => Interlocked.Increment(ref calls) == 1 ? 503 : null;
        var channel = Channel();
        var message = Message("m-retry");

        var first = await channel.SendAsync(message, Ct);
        var second = await channel.SendAsync(message, Ct);

        Assert.Equal(SendStatus.Transient, first.Status);
        Assert.Equal(SendStatus.Accepted, second.Status);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task HTTP_400_is_rejected_and_not_permanent()
    {
        _receiver.Fault = _ => 400;

        var result = await Channel().SendAsync(Message(), Ct);

        Assert.Equal(SendStatus.Rejected, result.Status);
        Assert.False(result.IsPermanent, "A bad request says nothing about the customer's address.");
        Assert.Contains("400", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_the_receiver_finds_invalid_is_rejected_with_its_error_code()
    {
        var result = await Channel().SendAsync(Message() with { Recipient = " " }, Ct);

        Assert.Equal(SendStatus.Rejected, result.Status);
        Assert.False(result.IsPermanent);
        Assert.Equal("HTTP 400: invalid_message", result.Reason);
    }

    [Fact]
    public async Task HTTP_410_is_a_permanent_rejection_of_the_address()
    {
        _receiver.Fault = _ => 410;

        var result = await Channel().SendAsync(Message(), Ct);

        Assert.Equal(SendStatus.Rejected, result.Status);
        Assert.True(result.IsPermanent, "410 Gone: the token is unregistered, disable the contact point.");
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_by_the_receiver_and_rejected_not_permanent()
    {
        var channel = Channel(o => o.Secret = Encoding.ASCII.GetBytes("whsec_someone_else_0123456789ab"));

        var result = await channel.SendAsync(Message(), Ct);

        Assert.Equal(SendStatus.Rejected, result.Status);
        Assert.False(result.IsPermanent);
        Assert.Equal("HTTP 401: invalid_signature", result.Reason);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task A_sender_clock_six_minutes_behind_is_refused_as_stale()
    {
        var clock = new FakeClock(SystemClock.Instance.GetCurrentInstant() - Duration.FromMinutes(6));
        var channel = new SignedWebhookChannel(_http, Options(), clock: clock);

        var result = await channel.SendAsync(Message(), Ct);

        Assert.Equal(SendStatus.Rejected, result.Status);
        Assert.Equal("HTTP 401: stale_timestamp", result.Reason);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task A_sender_clock_four_minutes_behind_is_within_the_tolerance()
    {
        var clock = new FakeClock(SystemClock.Instance.GetCurrentInstant() - Duration.FromMinutes(4));
        var channel = new SignedWebhookChannel(_http, Options(), clock: clock);

        var result = await channel.SendAsync(Message(), Ct);

        Assert.Equal(SendStatus.Accepted, result.Status);
    }

    [Fact]
    public async Task A_tampered_body_is_refused_by_the_receiver()
    {
        var signedBody = Encoding.UTF8.GetBytes("""{"messageId":"m-t","customerId":"c-1","channel":"push","kind":"push","recipient":"device-token-001","body":"Hello","purpose":"marketing","goalId":"g","variantId":"v"}""");
        var sentBody = Encoding.UTF8.GetBytes("""{"messageId":"m-t","customerId":"c-1","channel":"push","kind":"push","recipient":"device-token-666","body":"Hello","purpose":"marketing","goalId":"g","variantId":"v"}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var response = await PostRawAsync(sentBody, WebhookSignature.CreateHeader(Secret, now, signedBody), "m-t");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_signature", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task A_replayed_request_with_a_stale_timestamp_is_refused_by_the_receiver()
    {
        var body = Encoding.UTF8.GetBytes("""{"messageId":"m-s","customerId":"c-1","channel":"push","kind":"push","recipient":"device-token-001","body":"Hello","purpose":"marketing","goalId":"g","variantId":"v"}""");
        var stale = DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds();

        using var response = await PostRawAsync(body, WebhookSignature.CreateHeader(Secret, stale, body), "m-s");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("stale_timestamp", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task A_request_without_an_idempotency_key_is_refused()
    {
        var body = Encoding.UTF8.GetBytes("""{"messageId":"m-k","customerId":"c-1","channel":"push","kind":"push","recipient":"device-token-001","body":"Hello","purpose":"marketing","goalId":"g","variantId":"v"}""");

        using var response = await PostRawAsync(body, WebhookSignature.CreateHeader(Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body), idempotencyKey: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_unknown_and_the_lookup_then_settles_it()
    {
        _receiver.Fault = _ =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(3)); // The receiver is slow, but does accept the message.
            return null;
        };
        var channel = Channel(o => o.Timeout = TimeSpan.FromSeconds(1));
        var message = Message("m-slow");

        var result = await channel.SendAsync(message, Ct);

        Assert.Equal(SendStatus.Unknown, result.Status);
        var lookup = Assert.IsAssignableFrom<IMessageLookup>(channel.GetService(typeof(IMessageLookup)));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        MessageLookupResult found;
        do
        {
            await Task.Delay(100, Ct);
            found = await lookup.LookupAsync(message, Ct);
        }
        while (found.Status != MessageLookupStatus.Found && DateTime.UtcNow < deadline);

        Assert.Equal(MessageLookupStatus.Found, found.Status);
        Assert.Equal(Assert.Single(_receiver.Received).Id, found.ProviderMessageId);
    }

    [Fact]
    public async Task The_lookup_finds_a_sent_message_and_not_an_unsent_one()
    {
        var channel = Channel();
        var sent = await channel.SendAsync(Message("m-look"), Ct);
        var lookup = Assert.IsAssignableFrom<IMessageLookup>(channel.GetService(typeof(IMessageLookup)));

        var found = await lookup.LookupAsync(Message("m-look"), Ct);
        var missing = await lookup.LookupAsync(Message("m-never"), Ct);

        Assert.Equal(MessageLookupResult.Found(sent.ProviderMessageId!), found);
        Assert.Equal(MessageLookupStatus.NotFound, missing.Status);
    }

    [Fact]
    public async Task The_lookup_with_a_wrong_secret_is_unavailable_not_not_found()
    {
        var channel = Channel(o => o.Secret = Encoding.ASCII.GetBytes("whsec_someone_else_0123456789ab"));
        var lookup = Assert.IsAssignableFrom<IMessageLookup>(channel.GetService(typeof(IMessageLookup)));

        var result = await lookup.LookupAsync(Message("m-x"), Ct);

        Assert.Equal(MessageLookupStatus.Unavailable, result.Status);
    }

    [Fact]
    public void Without_a_lookup_endpoint_the_channel_offers_no_lookup()
    {
        var channel = Channel(o => o.LookupEndpoint = null);

        Assert.Null(channel.GetService(typeof(IMessageLookup)));
        Assert.Same(channel, channel.GetService(typeof(SignedWebhookChannel)));
    }

    [Fact]
    public async Task A_receiver_that_is_not_listening_is_transient()
    {
        var gone = await WebhookReceiver.StartAsync(new WebhookReceiverOptions { Secret = Secret }, Ct);
        var endpoint = gone.MessagesEndpoint;
        await gone.DisposeAsync();
        var channel = Channel(o => o.Endpoint = endpoint);

        var result = await channel.SendAsync(Message(), Ct);

        Assert.Equal(SendStatus.Transient, result.Status);
    }

    [Fact]
    public async Task A_cancelled_call_throws_and_sends_nothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Channel().SendAsync(Message(), cts.Token));
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task Logs_above_Trace_carry_no_recipient_or_body()
    {
        var logger = new ListLogger();
        var channel = new SignedWebhookChannel(_http, Options(), logger);
        _receiver.Fault = m => m.MessageId == "m-log-2" ? 503 : null;

        await channel.SendAsync(Message("m-log-1"), Ct);
        await channel.SendAsync(Message("m-log-2"), Ct);

        var aboveTrace = logger.Entries.Where(e => e.Level > LogLevel.Trace).ToArray();
        Assert.NotEmpty(aboveTrace);
        Assert.All(aboveTrace, e =>
        {
            Assert.DoesNotContain("device-token-001", e.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("Hello", e.Text, StringComparison.Ordinal);
        });
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Trace && e.Text.Contains("device-token-001", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_without_an_endpoint_or_secret_are_refused_with_every_problem_named()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new SignedWebhookChannel(_http, new SignedWebhookChannelOptions()));

        Assert.Contains("Endpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metadata_names_the_provider_and_the_endpoint_without_credentials()
    {
        var metadata = Assert.IsType<ChannelMetadata>(Channel().GetService(typeof(ChannelMetadata)));

        Assert.Equal(SignedWebhookChannel.ProviderName, metadata.ProviderName);
        Assert.Equal(_receiver.MessagesEndpoint, metadata.Endpoint);
    }

    [Fact]
    public async Task Registered_on_the_builder_the_agent_sends_through_it()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var store = new InMemoryCustomerStore();
        services.AddMarketingAutomation(o => o.Dispatch.ImmediateRetries = 0)
            .UseInMemoryStore(store)
            .AddSignedWebhookChannel(o =>
            {
                o.Endpoint = _receiver.MessagesEndpoint;
                o.LookupEndpoint = _receiver.MessagesEndpoint;
                o.Secret = Secret;
            })
            .AddWelcomeSequence()
            .AddConsentPolicy()
            .UseGoalPriorityStrategy();
        await using var provider = services.BuildServiceProvider();
        var agent = provider.GetRequiredService<MarketingAgent>();
        var signedUp = SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(1);
        var customer = new Customer("cust-1")
        {
            SignedUpAt = signedUp,
            ContactPoints = [new ContactPoint(ChannelKind.Push, "device-token-001")],
            Consents = [new ConsentRecord(ChannelKind.Push, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, signedUp)],
        };

        await agent.ImportCustomersAsync([customer], Ct);
        var tick = await agent.RunOnceAsync(Ct);

        Assert.IsType<SignedWebhookChannel>(provider.GetRequiredService<MarketingPipeline>().FindChannel("push"));
        Assert.Equal(1, tick.Dispatch.Sent);
        var received = Assert.Single(_receiver.Received);
        Assert.Equal("cust-1", received.Payload.CustomerId);
        var row = Assert.Single(store.OutboxSnapshot());
        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal(row.Id, received.IdempotencyKey);
    }

    private SignedWebhookChannelOptions Options(Action<SignedWebhookChannelOptions>? configure = null)
    {
        var options = new SignedWebhookChannelOptions
        {
            Name = "push",
            Endpoint = _receiver.MessagesEndpoint,
            LookupEndpoint = _receiver.MessagesEndpoint,
            Secret = Secret,
        };
        configure?.Invoke(options);
        return options;
    }

    private SignedWebhookChannel Channel(Action<SignedWebhookChannelOptions>? configure = null) => new(_http, Options(configure));

    private static OutboundMessage Message(string? id = null) =>
        new(id ?? "m-" + Guid.NewGuid().ToString("N"), Guid.NewGuid(), "cust-1", "push", "device-token-001", "Hello")
        {
            Kind = ChannelKind.Push,
            Subject = "Hi",
            Purpose = MessagePurpose.Marketing,
            GoalId = "welcome",
            VariantId = "welcome-1",
        };

    private async Task<HttpResponseMessage> PostRawAsync(byte[] body, string signature, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _receiver.MessagesEndpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, signature);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(WebhookSignature.IdempotencyKeyHeader, idempotencyKey);
        }

        return await _http.SendAsync(request, Ct);
    }

    private sealed class ListLogger : ILogger<SignedWebhookChannel>
    {
        private readonly Lock _gate = new();
        private readonly List<(LogLevel Level, string Text)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Text)> Entries
        {
            get
            {
                lock (_gate)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_gate)
            {
                _entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
