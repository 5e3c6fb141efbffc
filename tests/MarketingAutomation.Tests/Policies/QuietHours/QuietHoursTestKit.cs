using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Pipeline;

namespace MarketingAutomation.Tests.Policies.QuietHours;

/// <summary>Builds customers, channels and candidates for quiet-hours tests.</summary>
internal static class QuietHoursTestKit
{
    public static readonly Goal Promo = TestCandidates.Goal("promo");
    public static readonly Goal Receipt = TestCandidates.Goal("receipt", purpose: MessagePurpose.Transactional);

    public static LocalTime T(int hour, int minute = 0, int second = 0) => new(hour, minute, second);

    public static DateTimeZone Zone(string id) => DateTimeZoneProviders.Tzdb[id];

    /// <summary>The instant of a local time in a zone; fails if the local time is skipped or ambiguous (tests state such instants in UTC).</summary>
    public static Instant Local(string zone, int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new LocalDateTime(year, month, day, hour, minute, second).InZoneStrictly(Zone(zone)).ToInstant();

    public static Instant Utc(int year, int month, int day, int hour, int minute = 0, int second = 0) => Instant.FromUtc(year, month, day, hour, minute, second);

    public static Customer InZone(string zoneId, params string[] phones) => new Customer("c1")
    {
        TimeZoneId = zoneId,
        ContactPoints = [new ContactPoint(ChannelKind.Email, "a@example.com"), .. phones.Select(p => new ContactPoint(ChannelKind.Sms, p))],
    };

    public static Customer WithPhones(params string[] phones) => new Customer("c1")
    {
        ContactPoints = [new ContactPoint(ChannelKind.Email, "a@example.com"), .. phones.Select(p => new ContactPoint(ChannelKind.Sms, p))],
    };

    public static IChannel Channel(ChannelKind kind, Duration delay) =>
        new RecordingChannel(Customers.ChannelName(kind), kind) { Capabilities = ChannelCapabilities.Default with { MaxProviderQueueDelay = delay } };

    public static Candidate CandidateFor(Customer customer, IChannel channel, Goal? goal = null)
    {
        goal ??= Promo;
        var contact = customer.FindContact(channel.Kind) ?? new ContactPoint(channel.Kind, "contact-" + Customers.ChannelName(channel.Kind));
        return new Candidate(goal, goal.Variants[0], channel, contact);
    }

    public static PolicyVerdict Judge(
        QuietHoursPolicy policy, Customer customer, Instant now, Duration delay = default, ChannelKind kind = ChannelKind.Sms, Goal? goal = null)
    {
        var context = new PolicyContext(Customers.Context(customer), CandidateFor(customer, Channel(kind, delay), goal), now);
        return policy.Evaluate(in context);
    }
}
