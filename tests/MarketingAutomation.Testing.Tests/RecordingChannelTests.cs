using NodaTime.Testing;

namespace MarketingAutomation.Testing.Tests;

public sealed class RecordingChannelTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 9, 0);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OutboundMessage Message(string id, string body = "Hello") =>
        new(id, Guid.NewGuid(), "cust-001", "email", "customer@example.com", body) { Kind = ChannelKind.Email };

    [Fact]
    public async Task By_default_every_send_is_accepted_with_sequential_recording_ids_and_recorded()
    {
        var clock = new FakeClock(T0);
        var channel = new RecordingChannel("email", ChannelKind.Email, clock);

        var first = await channel.SendAsync(Message("m-1"), Ct);
        clock.AdvanceSeconds(5);
        var second = await channel.SendAsync(Message("m-2"), Ct);

        Assert.Equal(SendStatus.Accepted, first.Status);
        Assert.Equal("rec-1", first.ProviderMessageId);
        Assert.Equal("rec-2", second.ProviderMessageId);
        Assert.Collection(
            channel.Sends,
            s =>
            {
                Assert.Equal("m-1", s.MessageId);
                Assert.Equal(1, s.Attempt);
                Assert.Equal(first, s.Result);
                Assert.Equal(T0, s.At);
            },
            s =>
            {
                Assert.Equal("m-2", s.MessageId);
                Assert.Equal(T0 + Duration.FromSeconds(5), s.At);
            });
        Assert.Equal(2, channel.DistinctMessages);
        Assert.Empty(channel.DuplicateAcceptedMessageIds());
    }

    [Fact]
    public async Task Scripted_behaviour_sees_the_attempt_number_per_message_id()
    {
        var channel = new RecordingChannel
        {
            Behavior = (m, attempt) => attempt == 1 ? SendResult.Transient("throttled", Duration.FromSeconds(30)) : SendResult.Accepted("p-" + m.MessageId),
        };

        var a1 = await channel.SendAsync(Message("m-1"), Ct);
        var b1 = await channel.SendAsync(Message("m-2"), Ct);
        var a2 = await channel.SendAsync(Message("m-1"), Ct);

        Assert.Equal(SendStatus.Transient, a1.Status);
        Assert.Equal(Duration.FromSeconds(30), a1.RetryAfter);
        Assert.Equal(SendStatus.Transient, b1.Status);
        Assert.Equal(SendResult.Accepted("p-m-1"), a2);
        Assert.Equal(new[] { 1, 1, 2 }, channel.Sends.Select(s => s.Attempt));
        Assert.Equal(new[] { 1, 2 }, channel.SendsFor("m-1").Select(s => s.Attempt));
        Assert.Single(channel.Accepted);
        Assert.Equal(2, channel.DistinctMessages);
    }

    [Fact]
    public async Task DuplicateAcceptedMessageIds_reports_ids_accepted_more_than_once_and_only_once_each()
    {
        var channel = new RecordingChannel
        {
            Behavior = (m, attempt) => m.MessageId == "retried" && attempt == 1 ? SendResult.Unknown("timeout") : SendResult.Accepted("p"),
        };

        foreach (var id in new[] { "once", "twice", "twice", "retried", "retried", "thrice", "thrice", "thrice" })
        {
            await channel.SendAsync(Message(id), Ct);
        }

        // "retried" was accepted once (its first attempt was Unknown), so it is not a duplicate send.
        Assert.Equal(new[] { "twice", "thrice" }, channel.DuplicateAcceptedMessageIds());
    }

    [Fact]
    public async Task Rejections_are_recorded_with_their_reason()
    {
        var channel = new RecordingChannel { Behavior = (_, _) => SendResult.Rejected(permanent: true, "unknown mailbox") };

        var result = await channel.SendAsync(Message("m-1"), Ct);

        Assert.Equal(SendStatus.Rejected, result.Status);
        Assert.True(result.IsPermanent);
        Assert.Equal("unknown mailbox", Assert.Single(channel.Sends).Result.Reason);
        Assert.Empty(channel.Accepted);
    }

    [Fact]
    public async Task A_throwing_behaviour_is_recorded_as_unknown_and_rethrown()
    {
        var boom = new HttpRequestException("connection reset");
        var channel = new RecordingChannel { Behavior = (_, attempt) => attempt == 1 ? throw boom : SendResult.Accepted("p-1") };

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(async () => await channel.SendAsync(Message("m-1"), Ct));
        var retry = await channel.SendAsync(Message("m-1"), Ct);

        Assert.Same(boom, thrown);
        Assert.Equal(SendStatus.Accepted, retry.Status);
        Assert.Collection(
            channel.Sends,
            s =>
            {
                Assert.Equal(SendStatus.Unknown, s.Result.Status);
                Assert.Same(boom, s.Exception);
            },
            s => Assert.Equal(2, s.Attempt));
        Assert.Empty(channel.DuplicateAcceptedMessageIds());
    }

    [Fact]
    public async Task A_cancelled_call_throws_and_is_not_recorded()
    {
        var channel = new RecordingChannel();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await channel.SendAsync(Message("m-1"), cts.Token));

        Assert.Empty(channel.Sends);
        Assert.Equal(0, channel.DistinctMessages);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_rejected_before_the_behaviour_runs()
    {
        var calls = 0;
        var channel = new RecordingChannel("sms", ChannelKind.Sms)
        {
            Capabilities = new ChannelCapabilities { MaxBodyLength = 5 },
            Behavior = (_, _) =>
            {
                calls++;
                return SendResult.Accepted("p");
            },
        };

        var tooLong = await channel.SendAsync(Message("m-1", "123456"), Ct);
        var fits = await channel.SendAsync(Message("m-2", "12345"), Ct);

        Assert.Equal(SendStatus.Rejected, tooLong.Status);
        Assert.False(tooLong.IsPermanent);
        Assert.Equal(SendStatus.Accepted, fits.Status);
        Assert.Equal(1, calls);
        Assert.Equal(2, channel.Sends.Count);
    }

    [Fact]
    public async Task AsyncBehavior_takes_precedence_and_receives_the_token()
    {
        var channel = new RecordingChannel
        {
            Behavior = (_, _) => SendResult.Rejected(false, "sync behaviour used"),
            AsyncBehavior = async (m, attempt, token) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), token);
                return SendResult.Accepted("late");
            },
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await channel.SendAsync(Message("m-1"), timeout.Token));

        var recorded = Assert.Single(channel.Sends);
        Assert.Equal(SendStatus.Unknown, recorded.Result.Status);
        Assert.IsAssignableFrom<OperationCanceledException>(recorded.Exception);
    }

    [Fact]
    public void GetService_offers_metadata_and_the_channel_itself_only()
    {
        var channel = new RecordingChannel();

        Assert.Equal(new ChannelMetadata("recording"), channel.GetService(typeof(ChannelMetadata)));
        Assert.Same(channel, channel.GetService(typeof(RecordingChannel)));
        Assert.Same(channel, channel.GetService(typeof(IChannel)));
        Assert.Null(channel.GetService(typeof(InMemoryCustomerStore)));
        Assert.Null(channel.GetService(typeof(ChannelMetadata), "some-key"));
    }

    [Fact]
    public async Task Clear_forgets_the_ledger_and_attempt_counts()
    {
        var channel = new RecordingChannel();
        await channel.SendAsync(Message("m-1"), Ct);
        await channel.SendAsync(Message("m-1"), Ct);

        channel.Clear();
        await channel.SendAsync(Message("m-1"), Ct);

        var send = Assert.Single(channel.Sends);
        Assert.Equal(1, send.Attempt);
        Assert.Equal(1, channel.DistinctMessages);
        Assert.Empty(channel.DuplicateAcceptedMessageIds());
    }

    [Fact]
    public async Task The_ledger_is_thread_safe()
    {
        var channel = new RecordingChannel();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(
            async () =>
            {
                for (var i = 0; i < 250; i++)
                {
                    await channel.SendAsync(Message($"m-{t}-{i}"), Ct);
                }
            },
            Ct)));

        var sends = channel.Sends;
        Assert.Equal(2000, sends.Count);
        Assert.Equal(2000, channel.DistinctMessages);
        Assert.Equal(2000, sends.Select(s => s.Result.ProviderMessageId).Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(channel.DuplicateAcceptedMessageIds());
    }

    [Fact]
    public void Invalid_configuration_is_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => new RecordingChannel(""));
        Assert.Throws<ArgumentNullException>(() => new RecordingChannel().Capabilities = null!);
    }
}
