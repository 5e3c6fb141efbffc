using static MarketingAutomation.Tests.Customers;
using static MarketingAutomation.Tests.Policies.Content.ContentRuleKit;

namespace MarketingAutomation.Tests.Policies.Content;

/// <summary>EM-01/EM-03 (marketing e-mail: unsubscribe link + postal address) and TW-06/AI-04 (first marketing SMS: brand + opt-out).</summary>
public sealed class RequiredElementsRuleTests
{
    private const string Address = "Acme Inc., 1 Main St, Springfield, IL 62701";
    private const string Footer = "\n\nAcme Inc.,\n1 Main St,  Springfield, IL 62701\nUnsubscribe: https://shop.example/unsubscribe?t=opaque";

    private readonly RequiredElementsRule _rule = new(new RequiredElementsOptions { PostalAddress = Address, BrandName = "Acme" });

    [Fact]
    public void Email_WithLinkAndAddress_Allows() => Assert.True(Judge(_rule, "New tents are in." + Footer).IsAllowed);

    [Fact]
    public void Email_AddressAcrossLineBreaksAndCase_StillMatches() =>
        Assert.True(Judge(_rule, "Hi <a href=\"https://shop.example/u/opt-out?t=x\">opt out</a> ACME INC., 1 main st, springfield, il 62701").IsAllowed);

    [Fact]
    public void Email_WithoutUnsubscribeLink_DeniesMissingUnsubscribeLink()
    {
        var verdict = Judge(_rule, "New tents. " + Address + " Reply to unsubscribe.");
        AssertDenied(verdict, ContentReasonCodes.MissingUnsubscribeLink);
        Assert.Contains("EM-01", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Email_UnsubscribeWordWithoutLink_IsNotALink() =>
        AssertDenied(Judge(_rule, "Unsubscribe any time. " + Address), ContentReasonCodes.MissingUnsubscribeLink);

    [Fact]
    public void Email_WithoutPostalAddress_DeniesMissingPostalAddress() =>
        AssertDenied(Judge(_rule, "New tents. https://shop.example/unsubscribe"), ContentReasonCodes.MissingPostalAddress);

    [Fact]
    public void Email_MissingBoth_ReasonNamesBoth()
    {
        var verdict = Judge(_rule, "New tents.");
        AssertDenied(verdict, ContentReasonCodes.MissingUnsubscribeLink);
        Assert.Contains("postal address", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Email_Transactional_IsExempt() => Assert.True(Judge(_rule, "Your receipt.", purpose: MessagePurpose.Transactional).IsAllowed);

    [Fact]
    public void Email_CustomUnsubscribePattern_IsUsed()
    {
        var rule = new RequiredElementsRule(new RequiredElementsOptions { PostalAddress = Address, BrandName = "Acme", UnsubscribeLinkPattern = @"https://shop\.example/prefs/" });
        Assert.True(Judge(rule, Address + " https://shop.example/prefs/abc").IsAllowed);
        AssertDenied(Judge(rule, Address + " https://shop.example/unsubscribe"), ContentReasonCodes.MissingUnsubscribeLink);
    }

    [Fact]
    public void FirstSms_WithBrandAndOptOut_Allows() =>
        Assert.True(Judge(_rule, "Acme: tents 20% off this week. Reply STOP to opt out.", kind: ChannelKind.Sms).IsAllowed);

    [Fact]
    public void FirstSms_OptOutTextIgnoresCaseAndSpacing() =>
        Assert.True(Judge(_rule, "ACME: tents. reply stop  to\nopt out", kind: ChannelKind.Sms).IsAllowed);

    [Fact]
    public void FirstSms_WithoutOptOut_DeniesMissingOptOutText() =>
        AssertDenied(Judge(_rule, "Acme: tents this week.", kind: ChannelKind.Sms), ContentReasonCodes.MissingOptOutText);

    [Fact]
    public void FirstSms_WithoutBrand_DeniesMissingBrandName() =>
        AssertDenied(Judge(_rule, "Tents this week. Reply STOP to opt out", kind: ChannelKind.Sms), ContentReasonCodes.MissingBrandName);

    [Theory]
    [InlineData(MessageStatus.Sent)]
    [InlineData(MessageStatus.Pending)]
    [InlineData(MessageStatus.Unknown)]
    public void LaterSms_AfterAMarketingSms_NeedsNeither(MessageStatus status)
    {
        var earlier = Message("promo", "v0", Now - Duration.FromDays(3), ChannelKind.Sms, status);
        Assert.True(Judge(_rule, "Tents this week.", kind: ChannelKind.Sms, history: earlier).IsAllowed);
    }

    [Theory]
    [InlineData(MessageStatus.HeldForReview)]
    [InlineData(MessageStatus.Cancelled)]
    [InlineData(MessageStatus.Failed)]
    public void Sms_AfterAMessageThatNeverReachedTheCustomer_IsStillTheFirst(MessageStatus status)
    {
        var earlier = Message("promo", "v0", Now - Duration.FromDays(3), ChannelKind.Sms, status);
        AssertDenied(Judge(_rule, "Tents this week.", kind: ChannelKind.Sms, history: earlier), ContentReasonCodes.MissingBrandName);
    }

    [Fact]
    public void Sms_AfterOnlyTransactionalSmsOrMarketingEmail_IsStillTheFirstMarketingSms()
    {
        var receipt = Message("receipt", "v0", Now - Duration.FromDays(3), ChannelKind.Sms, purpose: MessagePurpose.Transactional);
        var email = Message("promo", "v0", Now - Duration.FromDays(2), ChannelKind.Email);
        AssertDenied(Judge(_rule, "Tents this week.", kind: ChannelKind.Sms, history: [receipt, email]), ContentReasonCodes.MissingBrandName);
    }

    [Fact]
    public void Sms_Transactional_IsExempt() =>
        Assert.True(Judge(_rule, "Your code is 1234", kind: ChannelKind.Sms, purpose: MessagePurpose.Transactional).IsAllowed);

    [Fact]
    public void Push_IsNotChecked() => Assert.True(Judge(_rule, "Tents!", kind: ChannelKind.Push).IsAllowed);

    [Fact]
    public void Validate_MissingSettings_NameTheRuleAndTheFix()
    {
        var problems = new RequiredElementsRule(new RequiredElementsOptions { OptOutText = null, UnsubscribeLinkPattern = "(" }).Validate();

        Assert.Equal(4, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("required-elements: ", p, StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("PostalAddress", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("BrandName", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("OptOutText", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("not a valid regular expression", StringComparison.Ordinal));
        Assert.Empty(_rule.Validate());
    }

    [Fact]
    public void Validate_EmailOnly_NeedsNoBrand() =>
        Assert.Empty(new RequiredElementsRule(new RequiredElementsOptions { PostalAddress = Address, CheckSms = false }).Validate());

    [Fact]
    public void Evaluate_InvalidPattern_DeniesRatherThanSkipping() =>
        AssertDenied(
            Judge(new RequiredElementsRule(new RequiredElementsOptions { PostalAddress = Address, BrandName = "Acme", UnsubscribeLinkPattern = "(" }), Footer),
            ContentReasonCodes.MissingUnsubscribeLink);
}
