using static MarketingAutomation.Tests.Policies.Content.ContentRuleKit;

namespace MarketingAutomation.Tests.Policies.Content;

/// <summary>AI-04: own domains only; no raw IPs, shorteners or look-alike domains.</summary>
public sealed class LinkDomainAllowlistRuleTests
{
    private readonly LinkDomainAllowlistRule _rule = new("shop.example", "Example.COM.");

    [Theory]
    [InlineData("https://shop.example/")]
    [InlineData("http://shop.example")]
    [InlineData("https://www.shop.example/sale?x=1#top")]
    [InlineData("https://a.b.example.com:8443/path")]
    [InlineData("HTTPS://EXAMPLE.COM/UNSUBSCRIBE")]
    public void IsAllowed_DomainOrSubdomain_Allows(string url) => Assert.True(_rule.IsAllowed(url));

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("https://notshop.example/")] // suffix without a dot boundary
    [InlineData("https://shop.example.evil.com/")]
    [InlineData("https://shop.example@evil.example/login")] // user-info trick: the host is evil.example
    [InlineData("https://192.0.2.10/offer")] // raw IP
    [InlineData("https://bit.ly/abc")] // shortener
    [InlineData("https://sh\u043Ep.example/")] // Cyrillic o: a look-alike, compared in punycode
    [InlineData("ftp://shop.example/")]
    public void IsAllowed_OtherHosts_Deny(string url) => Assert.False(_rule.IsAllowed(url));

    [Fact]
    public void Evaluate_AllLinksAllowed_Allows()
    {
        var body = "<a href=\"https://shop.example/sale\">Shop</a> or visit https://www.example.com/help. Unsubscribe: https://example.com/u?t=abc";
        Assert.True(Judge(_rule, body).IsAllowed);
    }

    [Fact]
    public void Evaluate_NoLinks_Allows() => Assert.True(Judge(_rule, "No links here, just shop.example as text.").IsAllowed);

    [Fact]
    public void Evaluate_OneForeignLink_DeniesNamingOnlyItsHost()
    {
        var verdict = Judge(_rule, "Shop https://shop.example/ then https://evil.example/track?email=ada@example.com.");

        AssertDenied(verdict, ContentReasonCodes.LinkDomainNotAllowed);
        Assert.StartsWith("A link in the body points to 'evil.example'", verdict.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ForeignLinkInSubject_Denies()
    {
        AssertDenied(Judge(_rule, "Hi", subject: "See https://evil.example"), ContentReasonCodes.LinkDomainNotAllowed);
    }

    [Theory]
    [InlineData("<a href=\"javascript:alert(1)\">Shop</a>")]
    [InlineData("<a href=\"JavaScript :void(0)\">x</a>")]
    [InlineData("vbscript:msgbox")]
    public void Evaluate_ScriptLinks_AreDenied(string body)
    {
        var verdict = Judge(_rule, body);
        AssertDenied(verdict, ContentReasonCodes.LinkDomainNotAllowed);
        Assert.Contains("script link", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LinkHiddenWithAZeroWidthCharacter_IsStillChecked()
    {
        AssertDenied(Judge(_rule, "https://evil\u200B.example/"), ContentReasonCodes.LinkDomainNotAllowed);
    }

    [Fact]
    public void Validate_EmptyOrNotAHost_NamesTheRule()
    {
        Assert.StartsWith("link-domains: the domain allowlist is empty", Assert.Single(new LinkDomainAllowlistRule().Validate()), StringComparison.Ordinal);
        var problems = new LinkDomainAllowlistRule("https://shop.example", "shop.example/path", "", "ok.example").Validate();
        Assert.Equal(3, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("link-domains: '", p, StringComparison.Ordinal));
        Assert.Empty(_rule.Validate());
    }
}
