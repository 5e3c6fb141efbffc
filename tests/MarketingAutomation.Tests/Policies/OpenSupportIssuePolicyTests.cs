using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies;

public sealed class OpenSupportIssuePolicyTests
{
    private static readonly Goal Promo = TestCandidates.Goal("promo");
    private static readonly Goal Receipt = TestCandidates.Goal("receipt", purpose: MessagePurpose.Transactional);

    private static PolicyVerdict Judge(OpenSupportIssuePolicy policy, Goal goal, params SupportContact[] contacts)
    {
        var customer = Reachable() with { SupportContacts = [.. contacts] };
        var context = new PolicyContext(Context(customer), TestCandidates.For(goal, ChannelKind.Email, customer), Now);
        return policy.Evaluate(in context);
    }

    [Fact]
    public void Defaults_NameAndFourteenDayLookback()
    {
        var policy = new OpenSupportIssuePolicy();

        Assert.Equal("open-support-issue", policy.Name);
        Assert.Equal(Duration.FromDays(14), policy.Lookback);
    }

    [Fact]
    public void Evaluate_NoSupportContacts_Allows()
    {
        Assert.True(Judge(new OpenSupportIssuePolicy(), Promo).IsAllowed);
    }

    [Fact]
    public void Evaluate_OpenIssue_DefersMarketingUntilLookbackAfterIt()
    {
        var openedAt = Now - Duration.FromDays(3);

        var verdict = Judge(new OpenSupportIssuePolicy(), Promo, new SupportContact(openedAt, "billing complaint"));

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal("OpenSupportIssue", verdict.Code);
        Assert.Equal(openedAt + Duration.FromDays(14), verdict.Until);
        Assert.DoesNotContain("billing", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ResolvedIssue_Allows()
    {
        var verdict = Judge(new OpenSupportIssuePolicy(), Promo, new SupportContact(Now - Duration.FromDays(1), "billing") { Resolved = true });

        Assert.True(verdict.IsAllowed);
    }

    [Fact]
    public void Evaluate_OpenIssueExactlyLookbackAgo_Allows()
    {
        var verdict = Judge(new OpenSupportIssuePolicy(), Promo, new SupportContact(Now - Duration.FromDays(14), "billing"));

        Assert.True(verdict.IsAllowed);
    }

    [Fact]
    public void Evaluate_OpenIssueOneTickInsideLookback_Defers()
    {
        var verdict = Judge(new OpenSupportIssuePolicy(), Promo, new SupportContact(Now - Duration.FromDays(14) + Duration.Epsilon, "billing"));

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(Now + Duration.Epsilon, verdict.Until);
    }

    [Fact]
    public void Evaluate_Transactional_IsNeverHeld()
    {
        var verdict = Judge(new OpenSupportIssuePolicy(), Receipt, new SupportContact(Now - Duration.FromHours(1), "billing"));

        Assert.True(verdict.IsAllowed);
    }

    [Fact]
    public void Evaluate_CustomLookback_IsHonoured()
    {
        var policy = new OpenSupportIssuePolicy { Lookback = Duration.FromDays(2) };

        Assert.True(Judge(policy, Promo, new SupportContact(Now - Duration.FromDays(3), "delivery")).IsAllowed);
        Assert.Equal(Now + Duration.FromDays(1), Judge(policy, Promo, new SupportContact(Now - Duration.FromDays(1), "delivery")).Until);
    }

    [Fact]
    public void Evaluate_ResolvedNewerAndOpenOlder_DefersForTheOpenOne()
    {
        var open = Now - Duration.FromDays(5);

        var verdict = Judge(new OpenSupportIssuePolicy(), Promo, new SupportContact(open, "a"), new SupportContact(Now - Duration.FromDays(1), "b") { Resolved = true });

        Assert.Equal(open + Duration.FromDays(14), verdict.Until);
    }

    [Fact]
    public void Evaluate_TwoOpenIssues_DefersUntilTheNewestRollsOff()
    {
        var newest = Now - Duration.FromDays(1);

        var verdict = Judge(new OpenSupportIssuePolicy(), Promo, new SupportContact(Now - Duration.FromDays(10), "a"), new SupportContact(newest, "b"));

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(newest + Duration.FromDays(14), verdict.Until);
    }
}
