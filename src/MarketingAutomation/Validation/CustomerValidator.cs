using System.Text.RegularExpressions;
using FluentValidation;
using PhoneNumbers;

namespace MarketingAutomation;

/// <summary>
/// Validates a customer before it enters the store: id present, time zone an IANA id (or unknown), e-mail addresses well formed,
/// phone numbers valid E.164 (libphonenumber), language a BCP 47 tag, purchases sane. Messages name the field and the fix and never
/// repeat the address itself (personal data).
/// </summary>
public sealed partial class CustomerValidator : AbstractValidator<Customer>
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>Initializes a new instance of the <see cref="CustomerValidator"/> class.</summary>
    public CustomerValidator()
    {
        RuleFor(c => c.Id)
            .NotEmpty().WithMessage("Id is empty; every customer needs a stable id (the key in your database).")
            .MaximumLength(200).WithMessage("Id is longer than 200 characters; use a shorter stable key.");

        RuleFor(c => c.TimeZoneId)
            .Must(id => string.IsNullOrWhiteSpace(id) || DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is not null)
            .WithMessage(c => $"TimeZoneId '{c.TimeZoneId}' is not an IANA time zone id; use one such as 'Europe/Berlin' or 'America/New_York', or leave it empty if unknown.");

        RuleFor(c => c.Language)
            .Must(lang => string.IsNullOrWhiteSpace(lang) || LanguageTag().IsMatch(lang))
            .WithMessage(c => $"Language '{c.Language}' is not a BCP 47 tag; use one such as 'en' or 'de-DE', or leave it empty.");

        NotDefault(c => c.ContactPoints, nameof(Customer.ContactPoints));
        NotDefault(c => c.Consents, nameof(Customer.Consents));
        NotDefault(c => c.Purchases, nameof(Customer.Purchases));
        NotDefault(c => c.Subscriptions, nameof(Customer.Subscriptions));
        NotDefault(c => c.SupportContacts, nameof(Customer.SupportContacts));
        RuleFor(c => c.Attributes).NotNull().WithMessage("Attributes is null; set it to an empty dictionary.");

        When(c => !c.Consents.IsDefault, () => RuleForEach(c => c.Consents).NotNull().WithMessage("A consent record is null; remove the entry."));
        When(c => !c.Subscriptions.IsDefault, () => RuleForEach(c => c.Subscriptions).NotNull().WithMessage("A subscription is null; remove the entry."));
        When(c => !c.SupportContacts.IsDefault, () => RuleForEach(c => c.SupportContacts).NotNull().WithMessage("A support contact is null; remove the entry."));
        When(c => !c.ContactPoints.IsDefault, () => RuleForEach(c => c.ContactPoints).NotNull().WithMessage("A contact point is null; remove the entry.").ChildRules(contact =>
        {
            contact.RuleFor(p => p.Address).NotEmpty().WithMessage("Address is empty; remove the contact point or give it an address.");
            contact.RuleFor(p => p.Address)
                .Must(IsEmail).When(p => p.Kind == ChannelKind.Email && !string.IsNullOrEmpty(p.Address))
                .WithMessage("Address is not a valid e-mail address (expected name@domain.tld).");
            contact.RuleFor(p => p.Address)
                .Must(IsE164).When(p => p.Kind == ChannelKind.Sms && !string.IsNullOrEmpty(p.Address))
                .WithMessage("Address is not a valid E.164 phone number (expected a number such as +14155550100, with country code).");
        }));

        When(c => !c.Purchases.IsDefault, () => RuleForEach(c => c.Purchases).NotNull().WithMessage("A purchase is null; remove the entry.").ChildRules(purchase =>
        {
            purchase.RuleFor(p => p.OrderId).NotEmpty().WithMessage("OrderId is empty; give every purchase its order id.");
            purchase.RuleFor(p => p.Amount).GreaterThanOrEqualTo(0).WithMessage("Amount is negative; record refunds as separate events, not negative purchases.");
            purchase.RuleFor(p => p.Items).Must(items => !items.IsDefault).WithMessage("Items is not initialized; set it to [] when the purchase has no lines.");
            purchase.When(p => !p.Items.IsDefault, () => purchase.RuleForEach(p => p.Items).NotNull().WithMessage("A purchase item is null; remove the entry."));
        }));
    }

    private void NotDefault<T>(System.Linq.Expressions.Expression<Func<Customer, ImmutableArray<T>>> list, string name) =>
        RuleFor(list).Must(a => !a.IsDefault).WithMessage($"{name} is not initialized; set it to [] when there is none.");

    /// <summary>Returns whether a text is a well-formed e-mail address.</summary>
    /// <param name="address">The text.</param>
    /// <returns>True when valid.</returns>
    public static bool IsEmail(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(address, out var parsed))
        {
            return false;
        }

        return string.Equals(parsed.Address, address, StringComparison.Ordinal) && parsed.Host.Contains('.', StringComparison.Ordinal) && !parsed.Host.EndsWith('.');
    }

    /// <summary>Returns whether a text is a valid phone number in E.164 form.</summary>
    /// <param name="number">The text.</param>
    /// <returns>True when valid.</returns>
    public static bool IsE164(string? number)
    {
        if (string.IsNullOrWhiteSpace(number) || !E164Shape().IsMatch(number))
        {
            return false;
        }

        try
        {
            return Phones.IsValidNumber(Phones.Parse(number, null));
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164Shape();
}
