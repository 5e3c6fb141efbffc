using MarketingAutomation.Tests.Support;
using static MarketingAutomation.Tests.Policies.Compliance.UsCustomers;

namespace MarketingAutomation.Tests.Policies.Compliance;

/// <summary>The packs add rules; composed packs resolve to the most restrictive because every rule must allow.</summary>
public sealed class CompliancePackTests
{
    private static async Task<ImmutableArray<IPolicy>> PoliciesOf(Action<IMarketingAutomationBuilder> configure)
    {
        await using var agent = TestAgent.Create(b =>
        {
            b.AddGoal(Pipeline.TestCandidates.Goal("promo"));
            configure(b);
        });
        return agent.Pipeline.Policies;
    }

    private static async Task<ImmutableArray<IContentRule>> ContentRulesOf(Action<IMarketingAutomationBuilder> configure)
    {
        await using var agent = TestAgent.Create(b =>
        {
            b.AddGoal(Pipeline.TestCandidates.Goal("promo"));
            configure(b);
        });
        return agent.Pipeline.ContentRules;
    }

    [Theory]
    // TC-01: 08:00-21:00 recipient local for marketing SMS (California number, no state rule).
    [InlineData(7, 59, VerdictKind.Defer)]
    [InlineData(8, 0, VerdictKind.Allow)]
    [InlineData(20, 59, VerdictKind.Allow)]
    [InlineData(21, 0, VerdictKind.Defer)]
    public async Task UsTcpa_CaliforniaNumber_EightToNineLocal(int hour, int minute, VerdictKind expected)
    {
        var policies = await PoliciesOf(b => b.UseComplianceUsTcpa());
        var verdict = Combine(policies, SmsContext(Texter("+14155550123", "America/Los_Angeles"), Local(Pacific, hour, minute)));

        Assert.Equal(expected, verdict.Kind);
        if (expected == VerdictKind.Defer)
        {
            Assert.Equal(ReasonCodes.QuietHours, verdict.Code);
            Assert.Equal(hour < 8 ? Local(Pacific, 8) : Local(Pacific, 8, days: 1), verdict.Until);
        }
    }

    [Fact]
    public async Task UsTcpa_AddsConsentWindowAndRevocation()
    {
        var policies = await PoliciesOf(b => b.UseComplianceUsTcpa());

        Assert.Contains(policies, p => p is ConsentPolicy);
        Assert.Contains(policies, p => p is QuietHoursPolicy { Channel: ChannelKind.Sms } q && q.Window.Start == new LocalTime(8, 0) && q.Window.End == new LocalTime(21, 0));
        Assert.Contains(policies, p => p is SmsRevocationPolicy);
    }

    [Fact]
    public async Task UsTcpa_MarketingSmsWithoutExpressWrittenConsent_Denied()
    {
        // TC-02: PEWC for marketing texts (the consent rule).
        var policies = await PoliciesOf(b => b.UseComplianceUsTcpa());
        var customer = Texter("+14155550123", "America/Los_Angeles") with
        {
            Consents = [Customers.Consent(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.Express, Customers.Now - Duration.FromDays(3))],
        };

        Assert.Equal(ReasonCodes.NoConsent, Combine(policies, SmsContext(customer, Local(Pacific, 12))).Code);
    }

    [Theory]
    // TCPA (TC-01) 08:00-21:00 AND Florida (TC-04) 08:00-20:00 -> 08:00-20:00 for a Florida number; other numbers keep 08:00-21:00.
    [InlineData("+13055550123", "America/New_York", 19, 59, VerdictKind.Allow)]
    [InlineData("+13055550123", "America/New_York", 20, 0, VerdictKind.Defer)]
    [InlineData("+13055550123", "America/New_York", 20, 30, VerdictKind.Defer)]
    [InlineData("+13055550123", "America/New_York", 7, 59, VerdictKind.Defer)]
    [InlineData("+12125550123", "America/New_York", 20, 30, VerdictKind.Allow)]
    [InlineData("+12125550123", "America/New_York", 21, 0, VerdictKind.Defer)]
    public async Task TcpaPlusStates_MostRestrictiveWindowWins(string phone, string zone, int hour, int minute, VerdictKind expected)
    {
        var policies = await PoliciesOf(b => b.UseComplianceUsTcpa().UseComplianceUsStates());
        var verdict = Combine(policies, SmsContext(Texter(phone, zone), Local(Eastern, hour, minute)));

        Assert.Equal(expected, verdict.Kind);
        if (expected == VerdictKind.Defer)
        {
            Assert.Equal(hour < 8 ? Local(Eastern, 8) : Local(Eastern, 8, days: 1), verdict.Until);
        }
    }

    [Fact]
    public async Task TcpaPlusStates_CapsAnd_TighterCapBindsFirst()
    {
        // A user cap of 2 per day binds before Florida's 3; with a looser user cap (5), Florida's 3 binds.
        var customer = Texter("+13055550123", "America/New_York");
        var now = Local(Eastern, 14);
        MessageRecord[] two = [Customers.Message("promo", "p", now - Duration.FromHours(5), ChannelKind.Sms), Customers.Message("promo", "p", now - Duration.FromHours(4), ChannelKind.Sms)];
        MessageRecord[] three = [.. two, Customers.Message("promo", "p", now - Duration.FromHours(3), ChannelKind.Sms)];

        var tight = await PoliciesOf(b => b.UseComplianceUsTcpa().UseComplianceUsStates().AddFrequencyCap(2, Duration.FromDays(1), ChannelKind.Sms));
        var loose = await PoliciesOf(b => b.UseComplianceUsTcpa().UseComplianceUsStates().AddFrequencyCap(5, Duration.FromDays(1), ChannelKind.Sms));

        Assert.Equal(ReasonCodes.FrequencyCap, Combine(tight, SmsContext(customer, now, "promo", MessagePurpose.Marketing, two)).Code);
        Assert.True(Combine(loose, SmsContext(customer, now, "promo", MessagePurpose.Marketing, two)).IsAllowed);
        Assert.Equal(ComplianceReasonCodes.StateSubjectCap, Combine(loose, SmsContext(customer, now, "promo", MessagePurpose.Marketing, three)).Code);
    }

    [Fact]
    public async Task UsStates_CustomRulesAsData_Replace()
    {
        var rule = new StateRule("CT", ["203", "860"], new LocalTime(9, 0), new LocalTime(20, 0), 3);
        var policies = await PoliciesOf(b => b.UseComplianceUsStates([rule]));

        var policy = Assert.IsType<StateRulePolicy>(Assert.Single(policies, p => p is StateRulePolicy));
        Assert.Equal("us-state:CT", policy.Name);
        Assert.Equal(ComplianceReasonCodes.StateCallingWindow, Combine(policies, SmsContext(Texter("+12035550123", "America/New_York"), Local(Eastern, 8, 30))).Code);
    }

    [Fact]
    public async Task Gdpr_SoftOptInWithoutPurchase_Denied()
    {
        // GD-06: soft opt-in needs an existing customer (a sale); without it, no marketing.
        var policies = await PoliciesOf(b => b.AddConsentPolicy().UseComplianceGdpr());
        var customer = Customers.Reachable() with
        {
            Consents = [Customers.Consent(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.SoftOptIn, Customers.Now - Duration.FromDays(3))],
        };
        var context = new PolicyContext(Customers.Context(customer), Pipeline.TestCandidates.For(Pipeline.TestCandidates.Goal("promo"), ChannelKind.Email, customer), Customers.Now);

        Assert.Equal(ComplianceReasonCodes.SoftOptInWithoutPurchase, Combine(policies, context).Code);
    }

    [Fact]
    public async Task Packs_SharedConsentRule_AddedOnce()
    {
        var policies = await PoliciesOf(b => b.UseComplianceUsTcpa().UseComplianceCanSpam("1 Main St, Springfield, IL 62701").UseComplianceGdpr().UseComplianceGdpr());

        Assert.Single(policies, p => p is ConsentPolicy { RequirePurchaseForSoftOptIn: false });
        Assert.Single(policies, p => p is ConsentPolicy { RequirePurchaseForSoftOptIn: true });
    }

    [Fact]
    public async Task CanSpamAndBulkSender_AddContentRules()
    {
        var rules = await ContentRulesOf(b => b.UseComplianceCanSpam("1 Main St, Springfield, IL 62701").UseComplianceBulkSender());

        Assert.Contains(rules, r => r is RequiredElementsRule { PostalAddress: "1 Main St, Springfield, IL 62701" });
        Assert.Contains(rules, r => r is ListUnsubscribeHeaderRule);
    }
}
