using System.Diagnostics.CodeAnalysis;
using Xunit;

namespace MarketingAutomation.Testing;

/// <summary>
/// The <see cref="IChannel"/> contract as xUnit v3 tests. Derive a class in your channel's test project, return a channel pointed at a
/// fake or sandbox endpoint from <see cref="CreateChannelAsync"/>, and every test runs against it.
/// </summary>
/// <remarks>
/// <para>Checked: the name and capabilities are usable; a valid message is accepted with a provider id; an already cancelled call is
/// never accepted; <see cref="ChannelMetadata"/> is offered and unknown services are not; a body over
/// <see cref="ChannelCapabilities.MaxBodyLength"/> is rejected, not thrown and not marked permanent (the address is fine); concurrent
/// sends all complete; the same message id sent twice does not throw.</para>
/// <para>Each test creates its own channel. Channels that implement <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/> are
/// disposed after the test. Message ids are new GUIDs, so a sandbox provider's idempotency store never sees one twice across runs.</para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class MyChannelConformanceTests : ChannelConformanceTests
/// {
///     protected override ValueTask&lt;IChannel&gt; CreateChannelAsync() => ValueTask.FromResult&lt;IChannel&gt;(new MyChannel(fakeHttpHandler));
/// }
/// </code>
/// </example>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Test names read as sentences.")]
[SuppressMessage("Reliability", "CA2007:Consider calling ConfigureAwait on the awaited task", Justification = "xUnit tests run on the test context (xUnit1030).")]
[SuppressMessage("Performance", "CA1861:Avoid constant arrays as arguments", Justification = "Expected values in assertions read best inline.")]
public abstract class ChannelConformanceTests : IAsyncDisposable
{
    private readonly List<object> _created = [];

    /// <summary>Gets the current test's cancellation token.</summary>
    protected static CancellationToken TestCancellationToken => TestContext.Current.CancellationToken;

    /// <summary>
    /// Gets a value indicating whether a valid message must be <see cref="SendStatus.Accepted"/>. Override with false for a channel whose
    /// test endpoint answers otherwise; the tests then only require that sending does not throw and that results are well formed.
    /// </summary>
    protected virtual bool ExpectsAcceptance => true;

    /// <summary>Creates the channel for one test.</summary>
    /// <returns>The channel.</returns>
    protected abstract ValueTask<IChannel> CreateChannelAsync();

    /// <summary>
    /// Builds a message the channel should accept. The default addresses <c>customer@example.com</c>, <c>+14155550100</c> or a test
    /// handle by <see cref="IChannel.Kind"/>, with a short body (cut to <see cref="ChannelCapabilities.MaxBodyLength"/>).
    /// </summary>
    /// <param name="channel">The channel under test.</param>
    /// <param name="messageId">The message id.</param>
    /// <returns>The message.</returns>
    protected virtual OutboundMessage CreateValidMessage(IChannel channel, string messageId)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var recipient = channel.Kind switch
        {
            ChannelKind.Email => "customer@example.com",
            ChannelKind.Sms => "+14155550100",
            ChannelKind.Push => "push-token-conformance-0001",
            ChannelKind.InApp => "user-conformance-0001",
            _ => "webhook-conformance-0001",
        };
        var body = "Hello from the MarketingAutomation conformance suite.";
        if (channel.Capabilities.MaxBodyLength is { } max && body.Length > max)
        {
            body = body[..max];
        }

        return new OutboundMessage(messageId, Guid.NewGuid(), "cust-conformance", channel.Name, recipient, body)
        {
            Kind = channel.Kind,
            Subject = channel.Capabilities.SupportsSubject ? "Conformance" : null,
            Purpose = MessagePurpose.Transactional,
            GoalId = "conformance",
            VariantId = "conformance-1",
        };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore();
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the channels created by the tests. Override to clean up more; call the base.</summary>
    /// <returns>A task that completes when done.</returns>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        foreach (var created in _created)
        {
            switch (created)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _created.Clear();
    }

    /// <summary>The registration name is set.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Name_is_not_empty()
    {
        var channel = await NewChannelAsync();

        Assert.False(string.IsNullOrWhiteSpace(channel.Name), "IChannel.Name is empty.");
    }

    /// <summary>Capabilities are present and their numbers make sense.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Capabilities_are_present_and_sane()
    {
        var channel = await NewChannelAsync();

        var capabilities = channel.Capabilities;

        Assert.NotNull(capabilities);
        Assert.True(capabilities.MaxBodyLength is null or > 0, $"MaxBodyLength is {capabilities.MaxBodyLength}; use null for no limit.");
        Assert.True(capabilities.MaxProviderQueueDelay >= Duration.Zero, "MaxProviderQueueDelay is negative.");
        Assert.True(double.IsFinite(capabilities.CostPerMessage) && capabilities.CostPerMessage >= 0, "CostPerMessage must be a finite number >= 0.");
    }

    /// <summary>A valid message is accepted with a provider id (or, when acceptance is not expected, answered without throwing).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Sending_a_valid_message_is_accepted_with_a_provider_id()
    {
        var channel = await NewChannelAsync();

        var result = await channel.SendAsync(CreateValidMessage(channel, NewMessageId()), TestCancellationToken);

        if (ExpectsAcceptance)
        {
            Assert.Equal(SendStatus.Accepted, result.Status);
        }

        AssertWellFormed(result);
    }

    /// <summary>A call with an already cancelled token throws <see cref="OperationCanceledException"/> or answers, but is never accepted.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Sending_with_a_cancelled_token_is_never_accepted()
    {
        var channel = await NewChannelAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        SendResult? result = null;
        try
        {
            result = await channel.SendAsync(CreateValidMessage(channel, NewMessageId()), cts.Token);
        }
        catch (OperationCanceledException)
        {
        }

        if (result is { } answered)
        {
            Assert.NotEqual(SendStatus.Accepted, answered.Status);
            AssertWellFormed(answered);
        }
    }

    /// <summary>The channel offers <see cref="ChannelMetadata"/> naming its provider.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GetService_returns_metadata_naming_the_provider()
    {
        var channel = await NewChannelAsync();

        var metadata = Assert.IsType<ChannelMetadata>(channel.GetService(typeof(ChannelMetadata)));

        Assert.False(string.IsNullOrWhiteSpace(metadata.ProviderName), "ChannelMetadata.ProviderName is empty.");
        Assert.True(metadata.Endpoint is null || string.IsNullOrEmpty(metadata.Endpoint.UserInfo), "ChannelMetadata.Endpoint carries credentials.");
    }

    /// <summary>Asking for a service the channel does not offer returns null rather than throwing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GetService_returns_null_for_an_unknown_type()
    {
        var channel = await NewChannelAsync();

        Assert.Null(channel.GetService(typeof(NotAService)));
    }

    /// <summary>A body longer than the channel allows is rejected, not thrown, and not marked permanent (the address is fine).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task A_body_longer_than_MaxBodyLength_is_rejected_without_throwing()
    {
        var channel = await NewChannelAsync();
        if (channel.Capabilities.MaxBodyLength is not { } max)
        {
            Assert.Skip("The channel has no MaxBodyLength.");
            return;
        }

        var message = CreateValidMessage(channel, NewMessageId()) with { Body = new string('x', max + 1) };

        var result = await channel.SendAsync(message, TestCancellationToken);

        Assert.Equal(SendStatus.Rejected, result.Status);
        Assert.False(result.IsPermanent, "A too-long body is not a reason to disable the customer's address.");
        AssertWellFormed(result);
    }

    /// <summary>Fifty distinct messages sent concurrently all complete; accepted ones have distinct provider ids.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Concurrent_sends_of_50_distinct_messages_all_complete()
    {
        var channel = await NewChannelAsync();
        var messages = Enumerable.Range(0, 50).Select(_ => CreateValidMessage(channel, NewMessageId())).ToArray();

        var results = await Task.WhenAll(messages.Select(m => Task.Run(async () => await channel.SendAsync(m, TestCancellationToken), TestCancellationToken)));

        Assert.Equal(50, results.Length);
        Assert.All(results, AssertWellFormed);
        if (ExpectsAcceptance)
        {
            Assert.All(results, r => Assert.Equal(SendStatus.Accepted, r.Status));
        }

        var providerIds = results.Where(r => r.Status == SendStatus.Accepted).Select(r => r.ProviderMessageId).ToArray();
        Assert.Equal(providerIds.Length, providerIds.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>Sending the same message id again (a dispatcher retry) answers without throwing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Resending_the_same_message_id_does_not_throw()
    {
        var channel = await NewChannelAsync();
        var message = CreateValidMessage(channel, NewMessageId());

        var first = await channel.SendAsync(message, TestCancellationToken);
        var second = await channel.SendAsync(message, TestCancellationToken);

        AssertWellFormed(first);
        AssertWellFormed(second);
    }

    /// <summary>Creates a channel for the current test and remembers it for disposal.</summary>
    /// <returns>The channel.</returns>
    protected async ValueTask<IChannel> NewChannelAsync()
    {
        var channel = await CreateChannelAsync();
        Assert.NotNull(channel);
        _created.Add(channel);
        return channel;
    }

    /// <summary>Returns a new message id.</summary>
    /// <returns>The id.</returns>
    protected static string NewMessageId() => "conformance-" + Guid.NewGuid().ToString("N");

    /// <summary>Checks that a result is consistent: accepted results carry a provider id, the others a reason.</summary>
    /// <param name="result">The result.</param>
    protected static void AssertWellFormed(SendResult result)
    {
        Assert.True(Enum.IsDefined(result.Status), $"Unknown SendStatus {result.Status}.");
        if (result.Status == SendStatus.Accepted)
        {
            Assert.False(string.IsNullOrWhiteSpace(result.ProviderMessageId), "An accepted result has no provider message id.");
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(result.Reason), $"A {result.Status} result has no reason.");
        }
    }

    private sealed class NotAService;
}
