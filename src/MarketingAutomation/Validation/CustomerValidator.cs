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
            .Must(id => id is null || DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is not null)
            .WithMessage(c => $"TimeZoneId '{c.TimeZoneId}' is not an IANA time zone id; use one such as 'Europe/Berlin' or 'America/New_York', or leave it empty if unknown.");

        RuleFor(c => c.Language)
            .Must(lang => lang is null || LanguageTag().IsMatch(lang))
            .WithMessage(c => $"Language '{c.Language}' is not a BCP 47 tag; use one such as 'en' or 'de-DE', or leave it empty.");

        RuleForEach(c => c.ContactPoints).ChildRules(contact =>
        {
            contact.RuleFor(p => p.Address).NotEmpty().WithMessage("Address is empty; remove the contact point or give it an address.");
            contact.RuleFor(p => p.Address)
                .Must(IsEmail).When(p => p.Kind == ChannelKind.Email && !string.IsNullOrEmpty(p.Address))
                .WithMessage("Address is not a valid e-mail address (expected name@domain.tld).");
            contact.RuleFor(p => p.Address)
                .Must(IsE164).When(p => p.Kind == ChannelKind.Sms && !string.IsNullOrEmpty(p.Address))
                .WithMessage("Address is not a valid E.164 phone number (expected a number such as +14155550100, with country code).");
        });

        RuleForEach(c => c.Purchases).ChildRules(purchase =>
        {
            purchase.RuleFor(p => p.OrderId).NotEmpty().WithMessage("OrderId is empty; give every purchase its order id.");
            purchase.RuleFor(p => p.Amount).GreaterThanOrEqualTo(0).WithMessage("Amount is negative; record refunds as separate events, not negative purchases.");
        });
    }

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
