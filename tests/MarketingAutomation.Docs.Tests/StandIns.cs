using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Support;

namespace MarketingAutomation.Docs.Tests.Snippets;

// Stand-ins for the code a README block calls "yours": every compiled block imports this namespace and StandIns' static members.
// Keep them minimal; they only have to make the blocks compile.

/// <summary>Members the README blocks call as if the reader had written them.</summary>
public static class StandIns
{
    /// <summary>A fresh empty database for <see cref="MyStore"/> ("your store's test database").</summary>
    /// <returns>An empty in-memory store.</returns>
    public static InMemoryCustomerStore NewEmptyDatabase() => new();
}

/// <summary>"Your" customer store: forwards to an in-memory store.</summary>
/// <param name="database">The store's database.</param>
public sealed class MyStore(InMemoryCustomerStore database) : DelegatingStore(database);

/// <summary>"Your" channel over an HTTP provider.</summary>
/// <param name="http">The provider's HTTP client.</param>
public sealed class MyChannel(HttpClient http) : IChannel
{
    /// <summary>Gets the provider's HTTP client.</summary>
    public HttpClient Http { get; } = http;

    /// <inheritdoc/>
    public string Name => "my-channel";

    /// <inheritdoc/>
    public ChannelKind Kind => ChannelKind.Webhook;

    /// <inheritdoc/>
    public ChannelCapabilities Capabilities { get; } = new();

    /// <inheritdoc/>
    public ValueTask<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SendResult.Accepted(message.MessageId));

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) => null;
}

/// <summary>"Your" fake HTTP provider for channel tests: answers 202 Accepted.</summary>
public sealed class FakeProviderHandler : HttpMessageHandler
{
    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.Accepted));
}

/// <summary>"Your" goal: proposes nothing.</summary>
public sealed class MyWelcomeGoal() : Goal("my-welcome")
{
    /// <inheritdoc/>
    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
    }
}
