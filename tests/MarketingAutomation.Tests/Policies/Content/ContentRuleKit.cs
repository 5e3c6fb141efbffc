using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Pipeline;

namespace MarketingAutomation.Tests.Policies.Content;

/// <summary>Builds a <see cref="ContentRuleContext"/> for one rendered message without the engine.</summary>
internal static class ContentRuleKit
{
    public static PolicyVerdict Judge(
        IContentRule rule,
        string body,
        string? subject = null,
        ChannelKind kind = ChannelKind.Email,
        Offer? offer = null,
        MessagePurpose purpose = MessagePurpose.Marketing,
        string? language = "en",
        string? customerLanguage = "en",
        params MessageRecord[] history)
    {
        var variant = new ContentVariant("v1") { Body = body, Subject = subject, Offer = offer };
        var goal = new StubGoal("promo", variant) { Purpose = purpose };
        var customer = Customers.Reachable() with { Language = customerLanguage };
        var contact = customer.FindContact(kind) ?? new ContactPoint(kind, "contact");
        var candidate = new Candidate(goal, variant, new RecordingChannel(Customers.ChannelName(kind), kind), contact);
        var message = new ComposedMessage(body) { Subject = subject, Language = language };
        var context = new ContentRuleContext(Customers.Context(customer, history), candidate, message, Customers.Now);
        return rule.Evaluate(in context);
    }

    public static void AssertDenied(PolicyVerdict verdict, string code)
    {
        Assert.Equal(VerdictKind.Deny, verdict.Kind);
        Assert.Equal(code, verdict.Code);
        Assert.False(string.IsNullOrWhiteSpace(verdict.Reason));
    }
}
