using MarketingAutomation;
using MarketingAutomation.Testing;

namespace CustomChannel.Tests;

/// <summary>
/// The SDK's <see cref="ChannelConformanceTests"/> run on the signed webhook channel against the real local receiver (Kestrel on
/// 127.0.0.1, signature checked, idempotency enforced): no mocks. Every test in the base class runs here.
/// </summary>
public sealed class SignedWebhookChannelConformanceTests(ReceiverFixture fixture) : ChannelConformanceTests, IClassFixture<ReceiverFixture>
{
    protected override ValueTask<IChannel> CreateChannelAsync() => ValueTask.FromResult<IChannel>(new SignedWebhookChannel(
        fixture.Http,
        new SignedWebhookChannelOptions
        {
            Name = "push",
            Kind = ChannelKind.Push,
            Endpoint = fixture.Receiver.MessagesEndpoint,
            LookupEndpoint = fixture.Receiver.MessagesEndpoint,
            Secret = ReceiverFixture.Secret,
        }));
}

/// <summary>The same channel as a chat (in-app) channel with no body limit and no lookup: the suite skips the too-long test.</summary>
public sealed class ChatWebhookChannelConformanceTests(ReceiverFixture fixture) : ChannelConformanceTests, IClassFixture<ReceiverFixture>
{
    protected override ValueTask<IChannel> CreateChannelAsync() => ValueTask.FromResult<IChannel>(new SignedWebhookChannel(
        fixture.Http,
        new SignedWebhookChannelOptions
        {
            Name = "chat",
            Kind = ChannelKind.InApp,
            Endpoint = fixture.Receiver.MessagesEndpoint,
            Secret = ReceiverFixture.Secret,
            Capabilities = new ChannelCapabilities { SupportsSubject = false },
        }));
}
