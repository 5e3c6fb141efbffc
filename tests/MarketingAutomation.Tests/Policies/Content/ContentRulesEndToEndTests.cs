using MarketingAutomation.Tests.Support;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Policies.Content;

/// <summary>Content rules through the composed agent: a violation is held for review (never sent) with the rule's code on the trace.</summary>
public sealed class ContentRulesEndToEndTests
{
    private const string Address = "Acme Inc., 1 Main St, Springfield, IL 62701";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void AddAllContentRules(IMarketingAutomationBuilder b) =>
        b.AddMaxDiscount(30m)
            .AddBannedWords("guaranteed", "risk free")
            .AddAllowedLanguages("en")
            .AddLinkDomains("shop.example")
            .AddRequiredElements(o =>
            {
                o.PostalAddress = Address;
                o.BrandName = "Acme";
            })
            .AddSmsSegmentBudget(2);

    [Fact]
    public async Task A_discount_the_offer_does_not_carry_is_held_for_review_with_the_rules_code_and_never_sent()
    {
        var body = $"Huge sale: 40% off everything! {Address}. Unsubscribe: https://shop.example/unsubscribe?t=x";
        await using var t = TestAgent.Create(b =>
        {
            b.AddGoal(new ProbeGoal("promo", body)).AddConsentPolicy();
            AddAllContentRules(b);
        });
        await t.ImportAsync(WithEmail("c-1"));

        var tick = await t.RunAsync();
        await t.RunAsync();

        Assert.Equal((1, 0), (tick.Decide.HeldForReview, tick.Decide.Scheduled));
        Assert.Empty(t.AllSends);
        Assert.Empty(t.OutboxOf("c-1"));
        var review = Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        Assert.Equal(ReasonCodes.ContentViolation, review.Reason);
        var trace = await t.Agent.WhyAsync(review.DecisionId, Ct);
        Assert.Equal((DecisionOutcome.Review, ReasonCodes.ContentViolation), (trace!.Outcome, trace.ReasonCode));
        Assert.Equal(
            ["channel-length", "max-discount", "banned-words", "allowed-languages", "link-domains", "required-elements", "sms-segment-budget"],
            trace.ContentVerdicts.Select(v => v.Rule));
        var denied = Assert.Single(trace.ContentVerdicts, v => v.Kind != VerdictKind.Allow);
        Assert.Equal(("max-discount", VerdictKind.Deny, ContentReasonCodes.DiscountTooHigh), (denied.Rule, denied.Kind, denied.Code));
        Assert.Contains("content rule max-discount", trace.ReviewReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_marketing_sms_without_opt_out_text_is_held_with_MissingOptOutText()
    {
        await using var t = TestAgent.Create(b =>
        {
            b.AddGoal(new ProbeGoal("sms-promo", "Acme: new tents are in at https://shop.example/tents") { Channels = [ChannelKind.Sms] }).AddConsentPolicy();
            AddAllContentRules(b);
        });
        await t.ImportAsync(WithEmail("c-1").AndSms());

        await t.RunAsync();

        Assert.Empty(t.AllSends);
        var review = Assert.Single(await t.Agent.Reviews.ListPendingAsync(cancellationToken: Ct));
        var trace = await t.Agent.WhyAsync(review.DecisionId, Ct);
        var denied = Assert.Single(trace!.ContentVerdicts, v => v.Kind != VerdictKind.Allow);
        Assert.Equal(("required-elements", ContentReasonCodes.MissingOptOutText), (denied.Rule, denied.Code));
    }

    [Fact]
    public async Task A_compliant_message_passes_every_content_rule_and_is_sent()
    {
        var body = $"Hi {{{{FirstName}}}}, new tents are in: https://www.shop.example/tents\n{Address}\nUnsubscribe: https://shop.example/unsubscribe?t=x";
        await using var t = TestAgent.Create(b =>
        {
            b.AddGoal(new ProbeGoal("promo", body)).AddConsentPolicy();
            AddAllContentRules(b);
        });
        await t.ImportAsync(WithEmail("c-1"));

        var tick = await t.RunAsync();

        Assert.Equal((0, 1), (tick.Decide.HeldForReview, tick.Decide.Scheduled));
        var send = Assert.Single(t.Email.Sends);
        Assert.StartsWith("Hi Ada, new tents", send.Message.Body, StringComparison.Ordinal);
        var trace = Assert.Single(await t.TracesAsync("c-1"));
        Assert.All(trace.ContentVerdicts, v => Assert.Equal(VerdictKind.Allow, v.Kind));
        Assert.Equal(7, trace.ContentVerdicts.Length);
    }

    [Fact]
    public async Task The_offer_policy_denies_an_offer_above_the_maximum_before_composing()
    {
        var goal = new ProbeGoal("promo", "Half price!");
        goal = new ProbeGoal("promo", "Half price!") { Variants = [goal.Variants[0] with { Offer = new Offer("clearance", 50m) }] };
        await using var t = TestAgent.Create(b => b.AddGoal(goal).AddConsentPolicy().AddMaxOfferDiscount(30m));
        await t.ImportAsync(WithEmail("c-1"));

        var tick = await t.RunAsync();

        Assert.Equal(0, tick.Decide.Scheduled + tick.Decide.HeldForReview);
        Assert.Empty(t.AllSends);
        var explained = await t.Agent.ExplainAsync("c-1", cancellationToken: Ct);
        Assert.Contains(ContentReasonCodes.DiscountTooHigh, explained!.Explain(), StringComparison.Ordinal);
    }
}
