using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Composition;

public sealed class ChannelLengthContentRuleTests
{
    private readonly ChannelLengthContentRule _rule = new();

    private PolicyVerdict Judge(string body, int? maxBodyLength, string channelName = "sms")
    {
        var goal = new StubGoal("promo");
        var channel = new RecordingChannel(channelName, ChannelKind.Sms) { Capabilities = new ChannelCapabilities { MaxBodyLength = maxBodyLength } };
        var candidate = new Candidate(goal, goal.Variants[0], channel, new ContactPoint(ChannelKind.Sms, Phone));
        var context = new ContentRuleContext(Context(Reachable()), candidate, new ComposedMessage(body), Now);
        return _rule.Evaluate(in context);
    }

    [Fact]
    public void Name_IsChannelLength() => Assert.Equal("channel-length", _rule.Name);

    [Fact]
    public void Evaluate_NoLimit_Allows()
    {
        Assert.True(Judge(new string('x', 100_000), null).IsAllowed);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(159, 160)]
    [InlineData(160, 160)]
    public void Evaluate_BodyWithinLimit_Allows(int length, int limit)
    {
        Assert.True(Judge(new string('x', length), limit).IsAllowed);
    }

    [Fact]
    public void Evaluate_BodyOneOverLimit_DeniesTooLongNamingLengthsAndChannel()
    {
        var verdict = Judge(new string('x', 161), 160, "sms-us");

        Assert.Equal(VerdictKind.Deny, verdict.Kind);
        Assert.Equal(ReasonCodes.TooLong, verdict.Code);
        Assert.Equal("The body has 161 characters; channel 'sms-us' allows 160.", verdict.Reason);
    }

    [Fact]
    public void Evaluate_ReasonNeverQuotesTheBody()
    {
        var body = "Call Ada on " + Phone + new string('!', 200);

        var verdict = Judge(body, 160);

        Assert.DoesNotContain(Phone, verdict.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada", verdict.Reason, StringComparison.Ordinal);
    }
}
