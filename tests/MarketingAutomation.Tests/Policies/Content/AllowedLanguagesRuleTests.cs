using static MarketingAutomation.Tests.Policies.Content.ContentRuleKit;

namespace MarketingAutomation.Tests.Policies.Content;

public sealed class AllowedLanguagesRuleTests
{
    private readonly AllowedLanguagesRule _rule = new("en", "pt-BR");

    [Theory]
    [InlineData("en")]
    [InlineData("en-US")]
    [InlineData("EN-gb")]
    [InlineData("en_US")]
    [InlineData("pt-BR")]
    [InlineData("pt-br-x-informal")]
    public void IsAllowed_SameOrMoreSpecific_Allows(string language) => Assert.True(_rule.IsAllowed(language));

    [Theory]
    [InlineData("de")]
    [InlineData("eng")] // a primary subtag that starts like "en" is a different language
    [InlineData("pt")] // less specific than the allowed "pt-BR"
    [InlineData("pt-PT")]
    [InlineData("")]
    [InlineData(null)]
    public void IsAllowed_OtherLanguages_Deny(string? language) => Assert.False(_rule.IsAllowed(language));

    [Fact]
    public void Evaluate_MessageLanguageWins_OverTheCustomers()
    {
        Assert.True(Judge(_rule, "Hallo", language: "en-US", customerLanguage: "de").IsAllowed);
        AssertDenied(Judge(_rule, "Hallo", language: "de-DE", customerLanguage: "en"), ContentReasonCodes.LanguageNotAllowed);
    }

    [Fact]
    public void Evaluate_NoMessageLanguage_UsesTheCustomers()
    {
        Assert.True(Judge(_rule, "Hi", language: null, customerLanguage: "en-GB").IsAllowed);
        var verdict = Judge(_rule, "Bonjour", language: null, customerLanguage: "fr");
        AssertDenied(verdict, ContentReasonCodes.LanguageNotAllowed);
        Assert.Equal("The message is in 'fr'; allowed: en, pt-BR.", verdict.Reason);
    }

    [Fact]
    public void Evaluate_NoLanguageAnywhere_DeniesLanguageUnknown()
    {
        AssertDenied(Judge(_rule, "Hi", language: null, customerLanguage: null), ContentReasonCodes.LanguageUnknown);
    }

    [Fact]
    public void Validate_EmptyOrMalformed_NamesTheRule()
    {
        Assert.StartsWith("allowed-languages: no language is allowed", Assert.Single(new AllowedLanguagesRule().Validate()), StringComparison.Ordinal);
        var problems = new AllowedLanguagesRule("en", "english!", "e").Validate();
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("allowed-languages: '", p, StringComparison.Ordinal));
        Assert.Empty(_rule.Validate());
    }
}
