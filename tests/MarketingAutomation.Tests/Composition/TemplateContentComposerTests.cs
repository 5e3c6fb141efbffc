using System.Globalization;
using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Composition;

public sealed class TemplateContentComposerTests
{
    private static readonly Customer Ada = Reachable("cust-42") with
    {
        Attributes = ImmutableDictionary<string, string>.Empty.Add("FirstName", "Ada").Add("Tier", "Gold"),
        Language = "en-GB",
    };

    private static readonly ContentVariant Offer = new("offer")
    {
        Subject = "{{FirstName}}, {{DiscountPercent}}% off",
        Body = "Hi {{FirstName}}, use {{OfferCode}} for {{DiscountPercent}}% off. Ref {{CustomerId}}.",
        ShortBody = "{{DiscountPercent}}% off: {{OfferCode}}",
        Offer = new Offer("spring", 12.5m) { Code = "SPRING12" },
    };

    private static string Render(string template, ContentVariant? variant = null) => TemplateContentComposer.Render(template, Ada, variant ?? Offer);

    private static async Task<ComposedMessage> ComposeAsync(ContentVariant variant, ChannelKind kind, ChannelCapabilities? capabilities = null, Customer? customer = null)
    {
        var goal = new StubGoal("promo", variant);
        var channel = new RecordingChannel(ChannelName(kind), kind) { Capabilities = capabilities ?? ChannelCapabilities.Default };
        var who = customer ?? Ada;
        var candidate = new Candidate(goal, variant, channel, new ContactPoint(kind, "somewhere"));
        return await new TemplateContentComposer().ComposeAsync(new ComposeRequest(Guid.NewGuid(), Context(who), candidate, Now), TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("Hello {{FirstName}}!", "Hello Ada!")]
    [InlineData("Hello {{ FirstName }}!", "Hello Ada!")]
    [InlineData("{{Tier}} member {{FirstName}}", "Gold member Ada")]
    [InlineData("Ref {{CustomerId}}", "Ref cust-42")]
    [InlineData("Code {{OfferCode}}", "Code SPRING12")]
    [InlineData("{{DiscountPercent}}% off", "12.5% off")]
    [InlineData("Hi {{Nickname}}.", "Hi .")]
    [InlineData("Hi {{firstname}}.", "Hi .")]
    [InlineData("{{}}x", "x")]
    [InlineData("{{FirstName}}{{FirstName}}", "AdaAda")]
    [InlineData("Unclosed {{FirstName", "Unclosed {{FirstName")]
    [InlineData("Closed {{FirstName}} then {{open", "Closed Ada then {{open")]
    [InlineData("Single {braces} stay", "Single {braces} stay")]
    [InlineData("}} before {{FirstName}}", "}} before Ada")]
    public void Render_Placeholders_AreFilledFromCustomerAndOffer(string template, string expected)
    {
        Assert.Equal(expected, Render(template));
    }

    [Fact]
    public void Render_NoPlaceholders_ReturnsTheTemplateItself()
    {
        var template = "Plain text.";

        Assert.Same(template, Render(template));
    }

    [Fact]
    public void Render_OfferPlaceholdersWithoutOffer_BecomeEmpty()
    {
        var plain = new ContentVariant("plain") { Body = "x" };

        Assert.Equal("Code: , discount: %", Render("Code: {{OfferCode}}, discount: {{DiscountPercent}}%", plain));
        Assert.Equal("Code: ", Render("Code: {{OfferCode}}", plain with { Offer = new Offer("no-code", 5m) }));
    }

    [Fact]
    public void Render_DiscountPercent_UsesInvariantCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");

            Assert.Equal("12.5", Render("{{DiscountPercent}}"));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Render_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => TemplateContentComposer.Render(null!, Ada, Offer));
        Assert.Throws<ArgumentNullException>(() => TemplateContentComposer.Render("x", null!, Offer));
        Assert.Throws<ArgumentNullException>(() => TemplateContentComposer.Render("x", Ada, null!));
    }

    [Fact]
    public async Task ComposeAsync_Email_UsesBodyAndSubject()
    {
        var message = await ComposeAsync(Offer, ChannelKind.Email);

        Assert.Equal("Hi Ada, use SPRING12 for 12.5% off. Ref cust-42.", message.Body);
        Assert.Equal("Ada, 12.5% off", message.Subject);
        Assert.Equal("en-GB", message.Language);
    }

    [Fact]
    public async Task ComposeAsync_Sms_UsesShortBodyAndNoSubject()
    {
        var message = await ComposeAsync(Offer, ChannelKind.Sms);

        Assert.Equal("12.5% off: SPRING12", message.Body);
        Assert.Null(message.Subject);
    }

    [Fact]
    public async Task ComposeAsync_SmsWithoutShortBody_FallsBackToBody()
    {
        var message = await ComposeAsync(Offer with { ShortBody = null }, ChannelKind.Sms);

        Assert.Equal("Hi Ada, use SPRING12 for 12.5% off. Ref cust-42.", message.Body);
    }

    [Fact]
    public async Task ComposeAsync_Push_UsesShortBodyAndSubjectAsTitle()
    {
        var message = await ComposeAsync(Offer, ChannelKind.Push);

        Assert.Equal("12.5% off: SPRING12", message.Body);
        Assert.Equal("Ada, 12.5% off", message.Subject);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "Ada, 12.5% off")]
    public async Task ComposeAsync_InApp_UsesBodyAndSubjectOnlyWhenSupported(bool supportsSubject, string? subject)
    {
        var message = await ComposeAsync(Offer, ChannelKind.InApp, new ChannelCapabilities { SupportsSubject = supportsSubject });

        Assert.Equal("Hi Ada, use SPRING12 for 12.5% off. Ref cust-42.", message.Body);
        Assert.Equal(subject, message.Subject);
    }

    [Fact]
    public async Task ComposeAsync_VariantLanguage_WinsOverCustomerLanguage()
    {
        var message = await ComposeAsync(Offer with { Language = "de" }, ChannelKind.Email);

        Assert.Equal("de", message.Language);
    }

    [Fact]
    public async Task ComposeAsync_NoSubjectTemplate_NoSubject()
    {
        var message = await ComposeAsync(Offer with { Subject = null }, ChannelKind.Email);

        Assert.Null(message.Subject);
    }

    [Fact]
    public async Task ComposeAsync_CustomerWithoutAttributes_LeavesPlaceholdersEmpty()
    {
        var message = await ComposeAsync(new ContentVariant("w") { Body = "Welcome, {{FirstName}}!" }, ChannelKind.Email, customer: Bare("anon"));

        Assert.Equal("Welcome, !", message.Body);
        Assert.Null(message.Language);
    }

    [Fact]
    public async Task ComposeAsync_BuiltInWelcomeStepOne_RendersFirstName()
    {
        var welcome = new WelcomeSequenceGoal().Variants[0];

        var email = await ComposeAsync(welcome, ChannelKind.Email);
        var sms = await ComposeAsync(welcome, ChannelKind.Sms);

        Assert.Equal("Welcome, Ada!", email.Subject);
        Assert.Equal("Thanks for joining us, Ada. Here is what to expect.", email.Body);
        Assert.Equal("Welcome! Thanks for joining.", sms.Body);
    }
}
