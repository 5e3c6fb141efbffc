using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Validation;

public sealed class CustomerValidatorTests
{
    private readonly CustomerValidator _validator = new();

    private List<FluentValidation.Results.ValidationFailure> Errors(Customer customer) => _validator.Validate(customer).Errors;

    [Fact]
    public void Validate_ReachableCustomer_IsValid()
    {
        var result = _validator.Validate(Reachable() with { Purchases = [Purchase("o-1", Now, 10m, ("SKU", "cat"))] });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Validate_CustomerWithIdOnly_IsValid()
    {
        Assert.True(_validator.Validate(Bare()).IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_EmptyId_ReportsId(string id)
    {
        var error = Assert.Single(Errors(new Customer(id)));

        Assert.Equal("Id", error.PropertyName);
        Assert.Contains("stable id", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IdLongerThan200_ReportsId()
    {
        var error = Assert.Single(Errors(new Customer(new string('x', 201))));

        Assert.Equal("Id", error.PropertyName);
        Assert.Contains("200", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(Errors(new Customer(new string('x', 200))));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("CEST")]
    [InlineData("berlin")]
    public void Validate_UnknownTimeZone_ReportsTimeZoneIdWithExample(string zone)
    {
        var error = Assert.Single(Errors(Reachable() with { TimeZoneId = zone }));

        Assert.Equal("TimeZoneId", error.PropertyName);
        Assert.Contains("IANA", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("Europe/Berlin", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("America/New_York")]
    [InlineData("Asia/Kolkata")]
    [InlineData("UTC")]
    public void Validate_IanaTimeZone_IsValid(string zone)
    {
        Assert.Empty(Errors(Reachable() with { TimeZoneId = zone }));
    }

    [Theory]
    [InlineData("english")]
    [InlineData("en_US")]
    [InlineData("e")]
    [InlineData("en-")]
    public void Validate_BadLanguage_ReportsLanguage(string language)
    {
        var error = Assert.Single(Errors(Reachable() with { Language = language }));

        Assert.Equal("Language", error.PropertyName);
        Assert.Contains("BCP 47", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de-DE")]
    [InlineData("zh-Hant-TW")]
    [InlineData("gsw")]
    public void Validate_Bcp47Language_IsValid(string language)
    {
        Assert.Empty(Errors(Reachable() with { Language = language }));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("ada@")]
    [InlineData("@example.com")]
    [InlineData("ada@localhost")]
    [InlineData("ada@example.")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada@@example.com")]
    public void Validate_MalformedEmail_ReportsAddressPathWithoutRepeatingIt(string address)
    {
        var customer = Reachable() with { ContactPoints = [new ContactPoint(ChannelKind.Sms, Phone), new ContactPoint(ChannelKind.Email, address)] };

        var error = Assert.Single(Errors(customer));

        Assert.Equal("ContactPoints[1].Address", error.PropertyName);
        Assert.Contains("name@domain.tld", error.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(address, error.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(address, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0301234567")]
    [InlineData("+49 30 12345678")]
    [InlineData("004930123456")]
    [InlineData("+0301234567")]
    [InlineData("+4912")]
    [InlineData("+10000000000")]
    [InlineData("+999123456789")]
    [InlineData("+49301234567890123")]
    public void Validate_MalformedOrInvalidPhone_ReportsE164WithoutRepeatingIt(string number)
    {
        var customer = Reachable() with { ContactPoints = [new ContactPoint(ChannelKind.Email, Email), new ContactPoint(ChannelKind.Sms, number)] };

        var error = Assert.Single(Errors(customer));

        Assert.Equal("ContactPoints[1].Address", error.PropertyName);
        Assert.Contains("E.164", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("country code", error.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(number, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChannelKind.Email)]
    [InlineData(ChannelKind.Sms)]
    [InlineData(ChannelKind.Push)]
    public void Validate_EmptyAddress_ReportsAddressOnce(ChannelKind kind)
    {
        var error = Assert.Single(Errors(Bare() with { ContactPoints = [new ContactPoint(kind, string.Empty)] }));

        Assert.Equal("ContactPoints[0].Address", error.PropertyName);
        Assert.Contains("remove the contact point", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyTimeZoneAndLanguage_AreTreatedAsUnknown()
    {
        // CSV and form imports produce "" for a blank column; the messages advise leaving the field empty, so "" must pass (as unknown).
        var customer = Reachable() with { TimeZoneId = string.Empty, Language = string.Empty };

        Assert.Empty(Errors(customer));
        Assert.Null(customer.TimeZone);
    }

    [Theory]
    [InlineData("ContactPoints[1]")]
    [InlineData("Consents[0]")]
    [InlineData("Purchases[0]")]
    [InlineData("Purchases[0].Items[0]")]
    [InlineData("Subscriptions[0]")]
    [InlineData("SupportContacts[0]")]
    public void Validate_NullEntryInACollection_IsReportedWithItsPath(string field)
    {
        var customer = field switch
        {
            "ContactPoints[1]" => Reachable() with { ContactPoints = [new ContactPoint(ChannelKind.Email, Email), null!] },
            "Consents[0]" => Reachable() with { Consents = [null!] },
            "Purchases[0]" => Reachable() with { Purchases = [null!] },
            "Purchases[0].Items[0]" => Reachable() with { Purchases = [new Purchase("o-1", Now, 5m) { Items = [null!] }] },
            "Subscriptions[0]" => Reachable() with { Subscriptions = [null!] },
            _ => Reachable() with { SupportContacts = [null!] },
        };

        var error = Assert.Single(Errors(customer));

        Assert.Equal(field, error.PropertyName);
        Assert.Contains("remove the entry", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UninitializedCollection_IsReportedNotThrown()
    {
        var customer = Reachable() with { ContactPoints = default, Purchases = default };

        var fields = Errors(customer).Select(e => e.PropertyName).ToList();

        Assert.Equal(["ContactPoints", "Purchases"], fields);
    }

    [Fact]
    public void Validate_PushAndInAppHandles_AreNotCheckedAsEmailOrPhone()
    {
        var customer = Bare() with { ContactPoints = [new ContactPoint(ChannelKind.Push, "fcm:abc123"), new ContactPoint(ChannelKind.InApp, "user-42")] };

        Assert.Empty(Errors(customer));
    }

    [Fact]
    public void Validate_NegativeAmountAndEmptyOrderId_ReportPurchasePaths()
    {
        var customer = Reachable() with { Purchases = [Purchase("o-1", Now, 10m), new Purchase(string.Empty, Now, -5m)] };

        var errors = Errors(customer);

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.PropertyName == "Purchases[1].OrderId" && e.ErrorMessage.Contains("order id", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.PropertyName == "Purchases[1].Amount" && e.ErrorMessage.Contains("refunds", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ZeroAmount_IsValid()
    {
        Assert.Empty(Errors(Reachable() with { Purchases = [Purchase("free-sample", Now, 0m)] }));
    }

    [Fact]
    public void Validate_SeveralProblems_AreAllReported()
    {
        var customer = new Customer(string.Empty)
        {
            TimeZoneId = "Nowhere/Land",
            Language = "klingon language",
            ContactPoints = [new ContactPoint(ChannelKind.Email, "nope"), new ContactPoint(ChannelKind.Sms, "12345")],
            Purchases = [new Purchase("o-1", Now, -1m)],
        };

        var fields = Errors(customer).Select(e => e.PropertyName).ToList();

        Assert.Equal(["Id", "TimeZoneId", "Language", "ContactPoints[0].Address", "ContactPoints[1].Address", "Purchases[0].Amount"], fields);
    }

    [Theory]
    [InlineData("ada@example.com", true)]
    [InlineData("first.last+tag@sub.example.co.uk", true)]
    [InlineData("ADA@EXAMPLE.COM", true)]
    [InlineData(" ada@example.com", false)]
    [InlineData("ada example@example.com", false)]
    [InlineData(null, false)]
    [InlineData("", false)]
    public void IsEmail_Examples(string? address, bool expected)
    {
        Assert.Equal(expected, CustomerValidator.IsEmail(address));
    }

    [Fact]
    public void IsEmail_LongerThan254Characters_IsFalse()
    {
        var local = new string('a', 64);
        var domain = string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com";

        Assert.False(CustomerValidator.IsEmail($"{local}@{domain}"));
    }

    [Theory]
    [InlineData(Phone, true)]
    [InlineData("+14155552671", true)]
    [InlineData("+442071838750", true)]
    [InlineData("+61412345678", true)]
    [InlineData("+10000000000", false)]
    [InlineData("+1415555267", false)]
    [InlineData("14155552671", false)]
    [InlineData(null, false)]
    public void IsE164_Examples(string? number, bool expected)
    {
        Assert.Equal(expected, CustomerValidator.IsE164(number));
    }
}
