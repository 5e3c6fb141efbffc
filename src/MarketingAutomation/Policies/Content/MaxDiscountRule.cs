using System.Globalization;
using System.Text.RegularExpressions;

namespace MarketingAutomation;

/// <summary>
/// Every discount the subject or body claims must be at most <see cref="MaxPercent"/> and equal the candidate's approved
/// <see cref="Offer.DiscountPercent"/> (AI-03: claims come from the approved offer, never from free text). A claim without an offer,
/// or different from it, is <see cref="ContentReasonCodes.DiscountNotApproved"/>; a claim above the maximum is
/// <see cref="ContentReasonCodes.DiscountTooHigh"/>.
/// </summary>
/// <remarks>
/// <para>What counts as a discount claim (case-insensitive, "%" or "percent"/"per cent", decimals with "." or ","):</para>
/// <list type="bullet">
/// <item><description>a percentage followed (after spaces or a hyphen) by off, discount, reduction, rebate, saving(s) or sale: "20% off", "20%-off", "30 percent off", "15 % discount";</description></item>
/// <item><description>a percentage after save, saving(s), discount(s/ed), reduced or reduction, with "up to", "of", "by", "a(n)", "another", "over" or "extra" between: "save 25 %", "discount of 10%", "save up to 40%";</description></item>
/// <item><description>a percentage with a minus sign in front ("-30%", "–30 %", "−30%"), when the sign does not follow a letter or digit (so "10-30%" is a range, not a minus);</description></item>
/// <item><description>"half price", "half-price" and "half off" (50%).</description></item>
/// </list>
/// <para>What does not: numbers without a percent ("Order #20", "$20 off", "2 for 1", "buy one get one free": money amounts and multi-buy
/// offers are not percentage claims; forbid them with <see cref="BannedWordsRule"/> if they are never approved), percentages without
/// discount words ("100% cotton", "99% of customers"), and anything inside an http(s) link ("https://shop.example/sale-50%25").</para>
/// <para>A candidate whose offer exceeds the maximum without the text claiming it is allowed by this content rule; judge offers before
/// composing with <see cref="MaxOfferDiscountPolicy"/>.</para>
/// </remarks>
public sealed partial class MaxDiscountRule : IContentRule, IValidatableRule
{
    /// <summary>Initializes a new instance of the <see cref="MaxDiscountRule"/> class.</summary>
    /// <param name="maxPercent">The largest discount any text may claim, in percent (0 to 100; see <see cref="Validate"/>).</param>
    public MaxDiscountRule(decimal maxPercent) => MaxPercent = maxPercent;

    /// <inheritdoc />
    public string Name => "max-discount";

    /// <summary>Gets the largest discount any text may claim, in percent.</summary>
    public decimal MaxPercent { get; }

    /// <inheritdoc />
    IEnumerable<string> IValidatableRule.Validate(RuleValidationContext context) => Validate();

    /// <summary>Returns the configuration problems, each naming the rule; empty when the rule is usable.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate() =>
        MaxPercent is < 0 or > 100
            ? [string.Create(CultureInfo.InvariantCulture, $"{Name}: maxPercent must be between 0 and 100 (got {MaxPercent}); for example AddMaxDiscount(20m).")]
            : [];

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in ContentRuleContext context)
    {
        var offer = context.Candidate.Offer;
        var message = context.Message;
        var verdict = Check(message.Subject, offer);
        return verdict.IsAllowed ? Check(message.Body, offer) : verdict;
    }

    /// <summary>Finds every discount a text claims, in order, skipping anything inside http(s) links.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The claimed percentages; a number too large to represent is returned as <see cref="decimal.MaxValue"/>.</returns>
    public static IReadOnlyList<decimal> FindClaims(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var claims = new List<decimal>();
        foreach (var claim in Claims(ContentText.WithoutFormatCharacters(text)))
        {
            claims.Add(claim);
        }

        return claims;
    }

    private PolicyVerdict Check(string? text, Offer? offer)
    {
        if (string.IsNullOrEmpty(text))
        {
            return PolicyVerdict.Allow;
        }

        foreach (var claim in Claims(ContentText.WithoutFormatCharacters(text)))
        {
            if (claim > MaxPercent)
            {
                return PolicyVerdict.Deny(
                    ContentReasonCodes.DiscountTooHigh,
                    string.Create(CultureInfo.InvariantCulture, $"The text claims a {Format(claim)}% discount; at most {Format(MaxPercent)}% is allowed."));
            }

            if (offer is null)
            {
                return PolicyVerdict.Deny(
                    ContentReasonCodes.DiscountNotApproved,
                    string.Create(CultureInfo.InvariantCulture, $"The text claims a {Format(claim)}% discount, but the message carries no approved offer."));
            }

            if (claim != offer.DiscountPercent)
            {
                return PolicyVerdict.Deny(
                    ContentReasonCodes.DiscountNotApproved,
                    string.Create(CultureInfo.InvariantCulture, $"The text claims a {Format(claim)}% discount; the approved offer '{offer.Id}' is {Format(offer.DiscountPercent)}%."));
            }
        }

        return PolicyVerdict.Allow;
    }

    private static IEnumerable<decimal> Claims(string text)
    {
        var urls = ContentText.Url().Matches(text);
        foreach (Match m in Claim().Matches(text))
        {
            if (InsideUrl(urls, m.Index))
            {
                continue;
            }

            if (m.Groups["half"].Success)
            {
                yield return 50m;
                continue;
            }

            var isClaim = m.Groups["pre"].Success || m.Groups["minus"].Success || m.Groups["post"].Success;
            if (!isClaim)
            {
                continue;
            }

            var number = m.Groups["n"].Value.Replace(',', '.');
            yield return decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value : decimal.MaxValue;
        }
    }

    private static bool InsideUrl(MatchCollection urls, int index)
    {
        for (var i = 0; i < urls.Count; i++)
        {
            var u = urls[i];
            if (index >= u.Index && index < u.Index + u.Length)
            {
                return true;
            }
        }

        return false;
    }

    private static string Format(decimal value) => value == decimal.MaxValue ? "(too large)" : value.ToString("0.##", CultureInfo.InvariantCulture);

    // pre: a discount verb or noun before the number; minus: a sign that does not follow a letter or digit; post: a discount word after.
    [GeneratedRegex(
        @"(?<half>\bhalf[\s-]?(?:price|off)\b)"
        + @"|(?<pre>\b(?:save|saving|savings|discount|discounts|discounted|reduced|reduction)\b(?:\s+(?:up\s+to|an?|of|by|another|over|extra))*\s+)?"
        + @"(?:(?<![\w])(?<minus>[-\u2212\u2013]\s?))?"
        + @"(?<![\w.,])(?<n>\d+(?:[.,]\d+)?)\s?(?:%|percent\b|per\s?cent\b)"
        + @"(?:[\s-]*(?<post>off|discount|reduction|rebate|savings?|sale)\b)?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Claim();
}

/// <summary>
/// Candidate rule (hot path, no allocation): denies a candidate whose offer's <see cref="Offer.DiscountPercent"/> is above
/// <see cref="MaxPercent"/>, before anything is composed. Pairs with <see cref="MaxDiscountRule"/>, which checks the rendered text.
/// </summary>
public sealed class MaxOfferDiscountPolicy : IPolicy, IValidatableRule
{
    /// <summary>Initializes a new instance of the <see cref="MaxOfferDiscountPolicy"/> class.</summary>
    /// <param name="maxPercent">The largest discount an offer may carry, in percent (0 to 100; see <see cref="Validate"/>).</param>
    public MaxOfferDiscountPolicy(decimal maxPercent) => MaxPercent = maxPercent;

    /// <inheritdoc />
    public string Name => "max-offer-discount";

    /// <summary>Gets the largest discount an offer may carry, in percent.</summary>
    public decimal MaxPercent { get; }

    /// <inheritdoc />
    IEnumerable<string> IValidatableRule.Validate(RuleValidationContext context) => Validate();

    /// <summary>Returns the configuration problems, each naming the rule; empty when the rule is usable.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate() =>
        MaxPercent is < 0 or > 100
            ? [string.Create(CultureInfo.InvariantCulture, $"{Name}: maxPercent must be between 0 and 100 (got {MaxPercent}); for example AddMaxOfferDiscount(20m).")]
            : [];

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context) =>
        context.Candidate.Offer is { } offer && offer.DiscountPercent > MaxPercent
            ? PolicyVerdict.Deny(ContentReasonCodes.DiscountTooHigh, "The candidate's offer is above the maximum discount.")
            : PolicyVerdict.Allow;
}
