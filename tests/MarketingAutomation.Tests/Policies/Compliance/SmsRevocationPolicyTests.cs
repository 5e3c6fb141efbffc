using static MarketingAutomation.Tests.Policies.Compliance.UsCustomers;

namespace MarketingAutomation.Tests.Policies.Compliance;

/// <summary>TC-03 / TW-06: an inbound opt-out keyword on SMS revokes SMS marketing consent at once.</summary>
public sealed class SmsRevocationPolicyTests
{
    private static readonly Instant Now = Customers.Now;
    private readonly SmsRevocationPolicy _policy = new();

    private static MessageEvent Reply(string text, Instant at, ChannelKind channel = ChannelKind.Sms) =>
        new("ev-" + at.ToUnixTimeTicks(), "c1", at, Guid.NewGuid(), MessageEventKind.Replied) { Channel = channel, ReplyText = text };

    private PolicyVerdict Judge(Customer customer, MessagePurpose purpose, ChannelKind kind, params CustomerEvent[] events)
    {
        var goal = Pipeline.TestCandidates.Goal("promo", purpose: purpose);
        var context = new CustomerContext(customer) { RecentEvents = [.. events], NextEvaluationAt = Now, Version = 1 };
        var policyContext = new PolicyContext(context, Pipeline.TestCandidates.For(goal, kind, customer), Now);
        return _policy.Evaluate(in policyContext);
    }

    [Theory]
    [InlineData("STOP")]
    [InlineData("stop")]
    [InlineData(" Stop. ")]
    [InlineData("opt out")]
    [InlineData("Revoke")]
    public void Evaluate_OptOutReplyAfterConsent_DeniesMarketingSms(string text)
    {
        var verdict = Judge(Texter("+13055550123", "America/New_York"), MessagePurpose.Marketing, ChannelKind.Sms, Reply(text, Now - Duration.FromHours(1)));

        Assert.Equal(VerdictKind.Deny, verdict.Kind);
        Assert.Equal(ComplianceReasonCodes.RevokedByReply, verdict.Code);
    }

    [Fact]
    public void Evaluate_NonKeywordReply_Allows()
    {
        Assert.True(Judge(Texter("+13055550123", null), MessagePurpose.Marketing, ChannelKind.Sms, Reply("STOP PLEASE", Now - Duration.FromHours(1))).IsAllowed);
    }

    [Fact]
    public void Evaluate_ConsentGrantedAgainAfterStop_Allows()
    {
        var customer = Texter("+13055550123", null);
        customer = customer with
        {
            Consents = customer.Consents.Add(Customers.Consent(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.ExpressWritten, Now - Duration.FromMinutes(5))),
        };

        Assert.True(Judge(customer, MessagePurpose.Marketing, ChannelKind.Sms, Reply("STOP", Now - Duration.FromHours(1))).IsAllowed);
    }

    [Fact]
    public void Evaluate_TransactionalOrOtherChannel_NotThisRulesConcern()
    {
        var stop = Reply("STOP", Now - Duration.FromHours(1));
        var customer = Texter("+13055550123", null);

        Assert.True(Judge(customer, MessagePurpose.Transactional, ChannelKind.Sms, stop).IsAllowed);
        Assert.True(Judge(customer, MessagePurpose.Marketing, ChannelKind.Email, stop).IsAllowed);
        Assert.True(Judge(customer, MessagePurpose.Marketing, ChannelKind.Sms, Reply("STOP", Now - Duration.FromHours(1), ChannelKind.Email)).IsAllowed);
    }
}
