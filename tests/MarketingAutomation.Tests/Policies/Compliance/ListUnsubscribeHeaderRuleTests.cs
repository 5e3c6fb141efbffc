using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies.Compliance;

/// <summary>EM-01 / EM-02 (RFC 8058): one-click unsubscribe headers on marketing e-mail.</summary>
public sealed class ListUnsubscribeHeaderRuleTests
{
    private readonly ListUnsubscribeHeaderRule _rule = new();

    private PolicyVerdict Judge(ImmutableDictionary<string, string> headers, MessagePurpose purpose = MessagePurpose.Marketing, ChannelKind kind = ChannelKind.Email)
    {
        var customer = Reachable();
        var candidate = TestCandidates.For(TestCandidates.Goal("promo", purpose: purpose), kind, customer);
        var context = new ContentRuleContext(Context(customer), candidate, new ComposedMessage("Hello") { Headers = headers }, Now);
        return _rule.Evaluate(in context);
    }

    private static ImmutableDictionary<string, string> Headers(params (string Name, string Value)[] headers) =>
        headers.Aggregate(ImmutableDictionary<string, string>.Empty, (d, h) => d.Add(h.Name, h.Value));

    [Fact]
    public void Evaluate_GmailExample_Allows()
    {
        var headers = Headers(("List-Unsubscribe", "<https://solarmora.com/unsubscribe/example>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));

        Assert.True(Judge(headers).IsAllowed);
    }

    [Fact]
    public void Evaluate_MailtoBesideHttpsAndLowerCaseNames_Allows()
    {
        var headers = Headers(("list-unsubscribe", "<mailto:u@example.com>, <https://example.com/u/abc>"), ("list-unsubscribe-post", "List-Unsubscribe=One-Click"));

        Assert.True(Judge(headers).IsAllowed);
    }

    [Theory]
    [InlineData(null, "List-Unsubscribe=One-Click")]
    [InlineData("<https://example.com/u/abc>", null)]
    [InlineData("<mailto:u@example.com>", "List-Unsubscribe=One-Click")]
    [InlineData("<http://example.com/u/abc>", "List-Unsubscribe=One-Click")]
    [InlineData("https://example.com/u/abc", "List-Unsubscribe=One-Click")]
    [InlineData("<https://a.example/u>, <https://b.example/u>", "List-Unsubscribe=One-Click")]
    [InlineData("<https://example.com/u/abc>", "One-Click")]
    public void Evaluate_MissingOrMalformed_Denied(string? unsubscribe, string? post)
    {
        var headers = ImmutableDictionary<string, string>.Empty;
        if (unsubscribe is not null)
        {
            headers = headers.Add("List-Unsubscribe", unsubscribe);
        }

        if (post is not null)
        {
            headers = headers.Add("List-Unsubscribe-Post", post);
        }

        var verdict = Judge(headers);

        Assert.Equal(VerdictKind.Deny, verdict.Kind);
        Assert.Equal(ComplianceReasonCodes.MissingListUnsubscribe, verdict.Code);
    }

    [Fact]
    public void Evaluate_TransactionalOrSms_NotChecked()
    {
        Assert.True(Judge(ImmutableDictionary<string, string>.Empty, MessagePurpose.Transactional).IsAllowed);
        Assert.True(Judge(ImmutableDictionary<string, string>.Empty, kind: ChannelKind.Sms).IsAllowed);
    }

    [Fact]
    public async Task Composer_AddsBothHeadersToMarketingEmail_ThatPassTheRule()
    {
        var customer = Reachable();
        var candidate = TestCandidates.For(TestCandidates.Goal("promo"), ChannelKind.Email, customer);
        var decisionId = Guid.NewGuid();
        var composer = new ListUnsubscribeComposer(new FixedComposer(), "https://example.com/u/{decisionId}?c={customerId}");

        var message = await composer.ComposeAsync(new ComposeRequest(decisionId, Context(customer), candidate, Now), TestContext.Current.CancellationToken);

        Assert.Equal($"<https://example.com/u/{decisionId:N}?c=c1>", message.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.True(_rule.Evaluate(new ContentRuleContext(Context(customer), candidate, message, Now)).IsAllowed);
    }

    [Fact]
    public void Composer_HttpTemplate_Rejected()
    {
        Assert.Throws<ArgumentException>(() => new ListUnsubscribeComposer(new FixedComposer(), "http://example.com/u/{decisionId}"));
    }

    private sealed class FixedComposer : IContentComposer
    {
        public ValueTask<ComposedMessage> ComposeAsync(ComposeRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new ComposedMessage("Hello") { Subject = "Hi" });
    }
}
