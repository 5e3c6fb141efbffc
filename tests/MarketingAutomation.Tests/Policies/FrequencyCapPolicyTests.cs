using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies;

public sealed class FrequencyCapPolicyTests
{
    private static readonly Goal Promo = TestCandidates.Goal("promo");
    private static readonly Goal Receipt = TestCandidates.Goal("receipt", purpose: MessagePurpose.Transactional);

    internal static PolicyVerdict Judge(FrequencyCapPolicy policy, Goal goal, ChannelKind kind, params MessageRecord[] history)
    {
        var customer = Reachable();
        var context = new PolicyContext(Context(customer, history), TestCandidates.For(goal, kind, customer), Now);
        return policy.Evaluate(in context);
    }

    private static MessageRecord Sent(Duration ago, ChannelKind kind = ChannelKind.Email, MessageStatus status = MessageStatus.Sent, MessagePurpose purpose = MessagePurpose.Marketing) =>
        Message("any", "v", Now - ago, kind, status, purpose);

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrequencyCapPolicy(-1, Duration.FromDays(7)));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new FrequencyCapPolicy(1, Duration.Zero));
        Assert.Contains("Duration.FromDays(7)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrequencyCapPolicy(1, Duration.FromHours(-1)));
    }

    [Theory]
    [InlineData(2, 7 * 24, null, "frequency-cap:2/7d")]
    [InlineData(1, 24, ChannelKind.Sms, "frequency-cap:1/1d:sms")]
    [InlineData(3, 12, ChannelKind.Email, "frequency-cap:3/12h:email")]
    public void Name_DescribesCapWindowAndChannel(int max, int hours, ChannelKind? kind, string expected)
    {
        Assert.Equal(expected, new FrequencyCapPolicy(max, Duration.FromHours(hours), kind).Name);
    }

    [Fact]
    public void Evaluate_BelowCap_Allows()
    {
        var verdict = Judge(new FrequencyCapPolicy(2, Duration.FromDays(7)), Promo, ChannelKind.Email, Sent(Duration.FromDays(1)));

        Assert.True(verdict.IsAllowed);
    }

    [Fact]
    public void Evaluate_AtCap_DefersUntilOldestCountedRollsOff()
    {
        var policy = new FrequencyCapPolicy(2, Duration.FromDays(7));

        var verdict = Judge(policy, Promo, ChannelKind.Email, Sent(Duration.FromDays(5)), Sent(Duration.FromDays(2)));

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(ReasonCodes.FrequencyCap, verdict.Code);
        Assert.Equal(Now - Duration.FromDays(5) + Duration.FromDays(7), verdict.Until);
        Assert.Contains("2 message(s) per 7d", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_OldestOutsideWindowAndUncounted_DeferUntilUsesOldestCounted()
    {
        var policy = new FrequencyCapPolicy(2, Duration.FromDays(7));

        var verdict = Judge(
            policy,
            Promo,
            ChannelKind.Email,
            Sent(Duration.FromDays(9)),
            Sent(Duration.FromDays(6), status: MessageStatus.Failed),
            Sent(Duration.FromDays(4)),
            Sent(Duration.FromDays(1)));

        Assert.Equal(Now + Duration.FromDays(3), verdict.Until);
    }

    [Fact]
    public void Evaluate_MessageExactlyWindowAgo_HasRolledOff()
    {
        var policy = new FrequencyCapPolicy(1, Duration.FromDays(7));

        var verdict = Judge(policy, Promo, ChannelKind.Email, Sent(Duration.FromDays(7)));

        Assert.True(verdict.IsAllowed);
    }

    [Fact]
    public void Evaluate_MessageOneTickInsideWindow_StillCounts()
    {
        var policy = new FrequencyCapPolicy(1, Duration.FromDays(7));

        var verdict = Judge(policy, Promo, ChannelKind.Email, Sent(Duration.FromDays(7) - Duration.Epsilon));

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(Now + Duration.Epsilon, verdict.Until);
    }

    [Fact]
    public void Evaluate_PendingMessageScheduledInTheFuture_CountsAndDefersPastIt()
    {
        var policy = new FrequencyCapPolicy(1, Duration.FromDays(1));
        var pending = Message("any", "v", Now + Duration.FromHours(2), status: MessageStatus.Pending);

        var verdict = Judge(policy, Promo, ChannelKind.Email, pending);

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(Now + Duration.FromHours(26), verdict.Until);
    }

    [Theory]
    [InlineData(MessageStatus.Pending, VerdictKind.Defer)]
    [InlineData(MessageStatus.Sent, VerdictKind.Defer)]
    [InlineData(MessageStatus.Unknown, VerdictKind.Defer)]
    [InlineData(MessageStatus.HeldForReview, VerdictKind.Defer)]
    [InlineData(MessageStatus.Failed, VerdictKind.Allow)]
    [InlineData(MessageStatus.Cancelled, VerdictKind.Allow)]
    public void Evaluate_MessageStatus_CountsOnlyStatesThatOccupyASlot(MessageStatus status, VerdictKind expected)
    {
        var policy = new FrequencyCapPolicy(1, Duration.FromDays(7));

        var verdict = Judge(policy, Promo, ChannelKind.Email, Sent(Duration.FromDays(1), status: status));

        Assert.Equal(expected, verdict.Kind);
    }

    [Fact]
    public void Evaluate_PerChannelCap_IgnoresOtherChannelsCandidatesAndMessages()
    {
        var smsCap = new FrequencyCapPolicy(1, Duration.FromDays(7), ChannelKind.Sms);
        var emails = new[] { Sent(Duration.FromDays(1)), Sent(Duration.FromDays(2)), Sent(Duration.FromDays(3)) };

        Assert.True(Judge(smsCap, Promo, ChannelKind.Sms, emails).IsAllowed);
        Assert.True(Judge(smsCap, Promo, ChannelKind.Email, [.. emails, Sent(Duration.FromDays(1), ChannelKind.Sms)]).IsAllowed);
        Assert.Equal(VerdictKind.Defer, Judge(smsCap, Promo, ChannelKind.Sms, [.. emails, Sent(Duration.FromDays(1), ChannelKind.Sms)]).Kind);
    }

    [Fact]
    public void Evaluate_AllChannelsCap_CountsEveryChannelTogether()
    {
        var cap = new FrequencyCapPolicy(2, Duration.FromDays(7));

        var verdict = Judge(cap, Promo, ChannelKind.Push, Sent(Duration.FromDays(1), ChannelKind.Email), Sent(Duration.FromDays(2), ChannelKind.Sms));

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
    }

    [Fact]
    public void Evaluate_TransactionalCandidate_BypassesCapByDefault()
    {
        var cap = new FrequencyCapPolicy(1, Duration.FromDays(7));

        var verdict = Judge(cap, Receipt, ChannelKind.Email, Sent(Duration.FromDays(1)), Sent(Duration.FromDays(2)));

        Assert.True(verdict.IsAllowed);
    }

    [Fact]
    public void Evaluate_TransactionalMessages_DoNotCountByDefault()
    {
        var cap = new FrequencyCapPolicy(1, Duration.FromDays(7));

        var verdict = Judge(cap, Promo, ChannelKind.Email, Sent(Duration.FromDays(1), purpose: MessagePurpose.Transactional));

        Assert.True(verdict.IsAllowed);
    }

    [Fact]
    public void Evaluate_IncludeTransactional_CountsAndCapsTransactional()
    {
        var cap = new FrequencyCapPolicy(1, Duration.FromDays(7)) { IncludeTransactional = true };
        var receipt = Sent(Duration.FromDays(1), purpose: MessagePurpose.Transactional);

        Assert.Equal(VerdictKind.Defer, Judge(cap, Promo, ChannelKind.Email, receipt).Kind);
        Assert.Equal(VerdictKind.Defer, Judge(cap, Receipt, ChannelKind.Email, receipt).Kind);
        Assert.Equal(VerdictKind.Defer, Judge(cap, Receipt, ChannelKind.Email, Sent(Duration.FromDays(1))).Kind);
    }

    [Fact]
    public void Evaluate_NeverDenies_OnlyDefers()
    {
        var cap = new FrequencyCapPolicy(1, Duration.FromHours(1));

        var verdict = Judge(cap, Promo, ChannelKind.Email, Sent(Duration.FromMinutes(1)), Sent(Duration.FromMinutes(2)), Sent(Duration.FromMinutes(3)));

        Assert.NotEqual(VerdictKind.Deny, verdict.Kind);
    }

    [Fact]
    public void Evaluate_MoreThanMaxInWindow_DefersUntilCountDropsBelowMax()
    {
        // Cap lowered from 3 to 2 (or messages released from review): three messages in the window. At oldest + 7d two remain, so
        // the candidate is still capped then; it may go only when the second oldest rolls off.
        var cap = new FrequencyCapPolicy(2, Duration.FromDays(7));
        var history = new[] { Sent(Duration.FromDays(6)), Sent(Duration.FromDays(4)), Sent(Duration.FromDays(1)) };

        var verdict = Judge(cap, Promo, ChannelKind.Email, history);

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(Now + Duration.FromDays(3), verdict.Until);
    }
}
