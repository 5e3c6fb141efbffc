using MarketingAutomation.Tests.Pipeline;

namespace MarketingAutomation.Tests.Policies.Compliance;

/// <summary>US recipients for the compliance tests: an SMS number, an optional IANA zone and express written SMS consent.</summary>
internal static class UsCustomers
{
    public static readonly DateTimeZone Eastern = DateTimeZoneProviders.Tzdb["America/New_York"];

    public static readonly DateTimeZone Pacific = DateTimeZoneProviders.Tzdb["America/Los_Angeles"];

    /// <summary>A customer reachable by SMS (and e-mail) with express written SMS consent a year ago.</summary>
    public static Customer Texter(string phone, string? zone, string id = "c1") => new Customer(id)
    {
        ContactPoints = [new ContactPoint(ChannelKind.Sms, phone), new ContactPoint(ChannelKind.Email, "pat@example.com")],
        TimeZoneId = zone,
        Consents =
        [
            Customers.Consent(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.ExpressWritten, Customers.Now - Duration.FromDays(365)),
            Customers.Consent(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.Express, Customers.Now - Duration.FromDays(365)),
        ],
    };

    /// <summary>The instant of a local wall-clock time on Monday 5 January 2026 (+ days) in a zone.</summary>
    public static Instant Local(DateTimeZone zone, int hour, int minute = 0, int second = 0, int days = 0) =>
        new LocalDateTime(2026, 1, 5, hour, minute, second).PlusDays(days).InZoneStrictly(zone).ToInstant();

    /// <summary>The context of a marketing SMS (goal <paramref name="goalId"/>) to a customer with a message history.</summary>
    public static PolicyContext SmsContext(Customer customer, Instant now, string goalId = "promo", MessagePurpose purpose = MessagePurpose.Marketing, params MessageRecord[] history)
    {
        var goal = TestCandidates.Goal(goalId, purpose: purpose);
        var context = new CustomerContext(customer) { Messages = [.. history], NextEvaluationAt = now, Version = 1 };
        return new PolicyContext(context, TestCandidates.For(goal, ChannelKind.Sms, customer), now);
    }

    /// <summary>Combines verdicts the way the engine does: any deny wins, else the latest deferral, else allow.</summary>
    public static PolicyVerdict Combine(IEnumerable<IPolicy> policies, in PolicyContext context)
    {
        PolicyVerdict? deferred = null;
        foreach (var policy in policies)
        {
            var verdict = policy.Evaluate(in context);
            if (verdict.Kind == VerdictKind.Deny)
            {
                return verdict;
            }

            if (verdict.Kind == VerdictKind.Defer && (deferred is null || verdict.Until > deferred.Value.Until))
            {
                deferred = verdict;
            }
        }

        return deferred ?? PolicyVerdict.Allow;
    }
}
