using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies.Compliance;

/// <summary>GD-06 soft opt-in (only for existing customers), GD-02 objection absolute, through the consent rule the GDPR pack adds.</summary>
public sealed class GdprSoftOptInTests
{
    private readonly ConsentPolicy _policy = new() { RequirePurchaseForSoftOptIn = true };

    private PolicyVerdict Judge(MessagePurpose purpose, bool bought, params ConsentRecord[] ledger)
    {
        var customer = Reachable() with
        {
            Consents = [.. ledger],
            Purchases = bought ? [Purchase("o-1", Now - Duration.FromDays(40), 80m, ("sku-1", "shoes"))] : [],
        };
        var goal = TestCandidates.Goal("promo", purpose: purpose);
        var context = new PolicyContext(Context(customer), TestCandidates.For(goal, ChannelKind.Email, customer), Now);
        return _policy.Evaluate(in context);
    }

    private static ConsentRecord Email(ConsentStatus status, ConsentBasis basis, int daysAgo = 30) =>
        Consent(ChannelKind.Email, status, basis, Now - Duration.FromDays(daysAgo));

    [Fact]
    public void Name_DistinguishesTheStrictRule()
    {
        Assert.Equal("consent-gdpr", _policy.Name);
        Assert.Equal("consent", new ConsentPolicy().Name);
    }

    [Fact]
    public void Evaluate_SoftOptInWithPurchase_Allows()
    {
        Assert.True(Judge(MessagePurpose.Marketing, bought: true, Email(ConsentStatus.Granted, ConsentBasis.SoftOptIn)).IsAllowed);
    }

    [Fact]
    public void Evaluate_SoftOptInWithoutPurchase_DeniesWithClearCode()
    {
        var verdict = Judge(MessagePurpose.Marketing, bought: false, Email(ConsentStatus.Granted, ConsentBasis.SoftOptIn));

        Assert.Equal(VerdictKind.Deny, verdict.Kind);
        Assert.Equal(ComplianceReasonCodes.SoftOptInWithoutPurchase, verdict.Code);
    }

    [Fact]
    public void Evaluate_DefaultConsentRule_KeepsAcceptingSoftOptInWithoutPurchase()
    {
        var customer = Reachable() with { Consents = [Email(ConsentStatus.Granted, ConsentBasis.SoftOptIn)] };
        var context = new PolicyContext(Context(customer), TestCandidates.For(TestCandidates.Goal("promo"), ChannelKind.Email, customer), Now);

        Assert.True(new ConsentPolicy().Evaluate(in context).IsAllowed);
    }

    [Fact]
    public void Evaluate_ExpressConsentWithoutPurchase_Allows()
    {
        Assert.True(Judge(MessagePurpose.Marketing, bought: false, Email(ConsentStatus.Granted, ConsentBasis.Express)).IsAllowed);
    }

    [Fact]
    public void Evaluate_ObjectionAfterSoftOptIn_AbsoluteEvenForBuyers()
    {
        // GD-02: an objection to direct marketing is absolute.
        var verdict = Judge(MessagePurpose.Marketing, bought: true, Email(ConsentStatus.Granted, ConsentBasis.SoftOptIn, 30), Consent(ChannelKind.Sms, ConsentStatus.Objected, ConsentBasis.None, Now - Duration.FromDays(1)));

        Assert.Equal(ReasonCodes.OptedOut, verdict.Code);
    }

    [Fact]
    public void Evaluate_Transactional_BypassesMarketingBasisButNotChannelOptOut()
    {
        Assert.True(Judge(MessagePurpose.Transactional, bought: false, Email(ConsentStatus.Granted, ConsentBasis.SoftOptIn)).IsAllowed);
        Assert.Equal(ReasonCodes.OptedOut, Judge(MessagePurpose.Transactional, bought: true, Email(ConsentStatus.OptedOutOfChannel, ConsentBasis.None, 1)).Code);
    }
}
