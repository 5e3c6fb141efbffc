namespace MarketingAutomation;

/// <summary>Builder shortcuts for the content-boundary rules.</summary>
public static class ContentRuleBuilderExtensions
{
    /// <summary>Adds <see cref="MaxDiscountRule"/>: discounts claimed in the text must be at most <paramref name="maxPercent"/> and match the approved offer.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="maxPercent">The largest discount any text may claim, in percent.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddMaxDiscount(this IMarketingAutomationBuilder builder, decimal maxPercent) =>
        builder.AddContentRule(new MaxDiscountRule(maxPercent));

    /// <summary>Adds <see cref="MaxOfferDiscountPolicy"/>: candidates whose offer is above <paramref name="maxPercent"/> are denied before composing.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="maxPercent">The largest discount an offer may carry, in percent.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddMaxOfferDiscount(this IMarketingAutomationBuilder builder, decimal maxPercent) =>
        builder.AddPolicy(new MaxOfferDiscountPolicy(maxPercent));

    /// <summary>Adds <see cref="BannedWordsRule"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="words">The banned words and phrases.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddBannedWords(this IMarketingAutomationBuilder builder, params string[] words) =>
        builder.AddContentRule(new BannedWordsRule(words));

    /// <summary>Adds <see cref="AllowedLanguagesRule"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="languages">The allowed BCP 47 tags ("en" allows "en-US").</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddAllowedLanguages(this IMarketingAutomationBuilder builder, params string[] languages) =>
        builder.AddContentRule(new AllowedLanguagesRule(languages));

    /// <summary>Adds <see cref="LinkDomainAllowlistRule"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="domains">The domains links may point to (subdomains included).</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddLinkDomains(this IMarketingAutomationBuilder builder, params string[] domains) =>
        builder.AddContentRule(new LinkDomainAllowlistRule(domains));

    /// <summary>Adds <see cref="RequiredElementsRule"/> (marketing e-mail: unsubscribe link and postal address; first marketing SMS: brand and opt-out text).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the postal address, brand name, opt-out text and unsubscribe link pattern.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddRequiredElements(this IMarketingAutomationBuilder builder, Action<RequiredElementsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new RequiredElementsOptions();
        configure(options);
        return builder.AddContentRule(new RequiredElementsRule(options));
    }

    /// <summary>Adds <see cref="SmsSegmentBudgetRule"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="maxSegments">The most segments an SMS may take.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddSmsSegmentBudget(this IMarketingAutomationBuilder builder, int maxSegments) =>
        builder.AddContentRule(new SmsSegmentBudgetRule(maxSegments));
}
