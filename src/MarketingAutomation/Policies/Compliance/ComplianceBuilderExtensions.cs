using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation;

/// <summary>
/// Compliance packs: each adds the rules of one regime. Packs compose: adding two packs adds both rule sets, and because every rule must
/// allow, overlapping windows and caps resolve to the most restrictive (for example TCPA 08:00-21:00 and Florida 08:00-20:00 give
/// 08:00-20:00 for a Florida number). Packs are legal engineering aids, not legal advice: verify each rule with counsel.
/// </summary>
public static class ComplianceBuilderExtensions
{
    /// <summary>
    /// US TCPA for marketing SMS: the consent rule (prior express written consent, TC-02), the federal calling window 08:00-21:00 recipient
    /// local time (TC-01; unknown zone is deferred, TC-05) and opt-out keyword replies as revocation (TC-03, TW-06).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseComplianceUsTcpa(this IMarketingAutomationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddConsentOnce(builder, strictSoftOptIn: false);
        builder.AddPolicy(new QuietHoursPolicy(new LocalTime(8, 0), new LocalTime(21, 0), ChannelKind.Sms));
        return builder.AddPolicy(new SmsRevocationPolicy());
    }

    /// <summary>
    /// US state "mini-TCPA" rules as data (TC-04): by default Florida, Oklahoma and Maryland (<see cref="UsStateRules.Default"/>):
    /// 08:00-20:00 recipient local time and at most 3 marketing texts per rolling 24 h on the same subject (goal), applied to numbers
    /// with an in-state area code.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="rules">The state rules, or null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseComplianceUsStates(this IMarketingAutomationBuilder builder, IEnumerable<StateRule>? rules = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var rule in rules ?? UsStateRules.Default)
        {
            builder.AddPolicy(new StateRulePolicy(rule));
        }

        return builder;
    }

    /// <summary>
    /// US CAN-SPAM for marketing e-mail (EM-03): the consent rule (an opt-out, i.e. a revoked consent, is honoured at once) and a content
    /// rule requiring a visible unsubscribe link and the sender's postal address (<see cref="RequiredElementsRule"/>, e-mail only).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="postalAddress">The sender's valid physical postal address, as printed in the footer.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseComplianceCanSpam(this IMarketingAutomationBuilder builder, string postalAddress)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddConsentOnce(builder, strictSoftOptIn: false);
        return builder.AddContentRule(new RequiredElementsRule(new RequiredElementsOptions { PostalAddress = postalAddress, CheckSms = false }));
    }

    /// <summary>
    /// GDPR/ePrivacy for marketing (GD-01, GD-02, GD-06): consent, or soft opt-in only for a customer who bought (a soft opt-in record
    /// for someone without a purchase is denied with <see cref="ComplianceReasonCodes.SoftOptInWithoutPurchase"/>); an objection is
    /// absolute on every channel.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseComplianceGdpr(this IMarketingAutomationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddConsentOnce(builder, strictSoftOptIn: true);
        return builder;
    }

    /// <summary>
    /// Gmail/Yahoo/Microsoft bulk-sender rules (EM-01, EM-02): marketing e-mail must carry RFC 8058 one-click unsubscribe headers
    /// (<c>List-Unsubscribe</c> with an https URI and <c>List-Unsubscribe-Post: List-Unsubscribe=One-Click</c>). Use
    /// <see cref="ListUnsubscribeComposer"/> to add them.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseComplianceBulkSender(this IMarketingAutomationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddContentRule(new ListUnsubscribeHeaderRule());
    }

    // The packs share one consent rule; GDPR's stricter soft opt-in adds a second, strict one (both must allow).
    private static void AddConsentOnce(IMarketingAutomationBuilder builder, bool strictSoftOptIn)
    {
        var marker = strictSoftOptIn ? typeof(StrictConsentMarker) : typeof(ConsentMarker);
        foreach (var descriptor in builder.Services)
        {
            if (descriptor.ServiceType == marker)
            {
                return;
            }
        }

        builder.Services.Add(ServiceDescriptor.Singleton(marker, strictSoftOptIn ? new StrictConsentMarker() : new ConsentMarker()));
        builder.AddPolicy(new ConsentPolicy { RequirePurchaseForSoftOptIn = strictSoftOptIn });
    }

    private sealed class ConsentMarker;

    private sealed class StrictConsentMarker;
}
