namespace MarketingAutomation.Testing.Tests;

/// <summary>The recording channel as an e-mail channel with no length limit.</summary>
public sealed class EmailRecordingChannelConformanceTests : ChannelConformanceTests
{
    protected override ValueTask<IChannel> CreateChannelAsync() =>
        ValueTask.FromResult<IChannel>(new RecordingChannel("email", ChannelKind.Email) { Capabilities = new ChannelCapabilities { SupportsSubject = true } });
}

/// <summary>The recording channel as an SMS channel with a 160-character limit (runs the too-long test).</summary>
public sealed class SmsRecordingChannelConformanceTests : ChannelConformanceTests
{
    protected override ValueTask<IChannel> CreateChannelAsync() =>
        ValueTask.FromResult<IChannel>(new RecordingChannel("sms", ChannelKind.Sms) { Capabilities = new ChannelCapabilities { MaxBodyLength = 160, SupportsLinks = false } });
}
