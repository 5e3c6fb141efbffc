using System.Text;

namespace CustomChannel.Tests;

/// <summary>One running receiver for a test class (the conformance suite creates a channel per test; they all point here).</summary>
public sealed class ReceiverFixture : IAsyncLifetime
{
    /// <summary>The shared secret both sides use in the tests.</summary>
    public static readonly byte[] Secret = Encoding.ASCII.GetBytes("whsec_tests_0123456789abcdef0123");

    public WebhookReceiver Receiver { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public async ValueTask InitializeAsync() => Receiver = await WebhookReceiver.StartAsync(new WebhookReceiverOptions { Secret = Secret });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Receiver.DisposeAsync();
    }
}
