using static MarketingAutomation.Tests.Policies.Content.ContentRuleKit;

namespace MarketingAutomation.Tests.Policies.Content;

/// <summary>AI-04: banned words and phrases, whole words, case-insensitive, subject and body.</summary>
public sealed class BannedWordsRuleTests
{
    private readonly BannedWordsRule _rule = new("guaranteed", "risk free", "cure", "$$$");

    [Theory]
    [InlineData("Results GUARANTEED.")]
    [InlineData("It's risk free!")]
    [InlineData("It's risk\n  FREE!")]
    [InlineData("A cure, at last")]
    [InlineData("Make $$$ now")]
    [InlineData("guar\u200Banteed results")] // a zero-width space cannot hide the word
    public void Evaluate_BannedWordInBody_Denies(string body)
    {
        var verdict = Judge(_rule, body);

        AssertDenied(verdict, ContentReasonCodes.BannedWord);
        Assert.StartsWith("The body uses the banned phrase", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Secure your seat")] // "cure" inside a word
    [InlineData("Curently risky, freely")]
    [InlineData("A guarantee is not the same word")]
    [InlineData("Pay $$ only")]
    public void Evaluate_PartialWords_Allow(string body) => Assert.True(Judge(_rule, body).IsAllowed);

    [Fact]
    public void Evaluate_BannedWordInSubject_DeniesNamingTheSubjectAndTheConfiguredEntry()
    {
        var verdict = Judge(_rule, "Hello", subject: "Risk   Free trial");

        AssertDenied(verdict, ContentReasonCodes.BannedWord);
        Assert.Equal("The subject uses the banned phrase 'risk free'.", verdict.Reason);
    }

    [Fact]
    public void Evaluate_ReasonNeverQuotesTheCustomersText()
    {
        var verdict = Judge(_rule, "Ada Lovelace, your GUARANTEED prize");

        Assert.DoesNotContain("Ada", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("'guaranteed'", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyList_IsAProblemAndTheRuleAllowsEverything()
    {
        var rule = new BannedWordsRule(Array.Empty<string>());

        Assert.StartsWith("banned-words: the list of banned words is empty", Assert.Single(rule.Validate()), StringComparison.Ordinal);
        Assert.True(Judge(rule, "guaranteed").IsAllowed);
    }

    [Fact]
    public void Validate_BlankEntry_IsAProblem()
    {
        var problems = new BannedWordsRule(new[] { "free", " " }).Validate();

        Assert.Equal(["banned-words: entry 1 is empty or white space; remove it."], problems);
    }

    [Fact]
    public void Validate_Words_AreValid() => Assert.Empty(_rule.Validate());
}
