using MarketingAutomation.Simulation;

namespace MarketingAutomation.Simulation.Tests.Runner;

public class ViolationAuditorTests
{
    // Monday 2 March 2026; Berlin is UTC+1.
    private static readonly Instant Monday = Instant.FromUtc(2026, 3, 2, 0, 0);

    private static readonly Customer Anna = new("anna")
    {
        TimeZoneId = "Europe/Berlin",
        ContactPoints = [new ContactPoint(ChannelKind.Email, "anna@example.com"), new ContactPoint(ChannelKind.Sms, "+4915112345678")],
        Consents =
        [
            new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, Monday - Duration.FromDays(100)),
            new ConsentRecord(ChannelKind.Sms, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.ExpressWritten, Monday - Duration.FromDays(100)),
        ],
    };

    [Fact]
    public void A_compliant_message_passes()
    {
        Assert.Empty(Auditor().Audit([Email(Local(10, 0))]));
    }

    [Fact]
    public void A_message_at_three_in_the_morning_local_time_is_caught()
    {
        var violation = Assert.Single(Auditor().Audit([Email(Local(3, 0))]));

        Assert.Equal(ViolationKind.QuietHours, violation.Kind);
        Assert.Contains("03:00 local", violation.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7, 59, true)]
    [InlineData(8, 0, false)]
    [InlineData(20, 59, false)]
    [InlineData(21, 0, true)]
    public void The_sending_window_is_08_00_to_21_00_local(int hour, int minute, bool violates)
    {
        var violations = Auditor().Audit([Email(Local(hour, minute))]);

        Assert.Equal(violates, violations.Any(v => v.Kind == ViolationKind.QuietHours));
    }

    [Fact]
    public void An_sms_that_may_sit_in_the_providers_queue_past_21_00_is_caught()
    {
        var delays = new Dictionary<ChannelKind, Duration> { [ChannelKind.Sms] = Duration.FromMinutes(10) };
        var auditor = new ViolationAuditor(LabRules.Default, id => id == "anna" ? Anna : null, delays);

        Assert.Empty(auditor.Audit([Sms(Local(20, 50))]));
        var violation = Assert.Single(auditor.Audit([Sms(Local(20, 55))]));
        Assert.Equal(ViolationKind.QuietHours, violation.Kind);
        Assert.Contains("until 21:05", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_message_within_24_hours_breaks_the_daily_cap()
    {
        var violations = Auditor().Audit([Email(Local(10, 0)), Email(Local(10, 0) + Duration.FromHours(23))]);

        var violation = Assert.Single(violations);
        Assert.Equal(ViolationKind.FrequencyCap, violation.Kind);
        Assert.Equal(Local(10, 0) + Duration.FromHours(23), violation.Message.At);
    }

    [Fact]
    public void A_fourth_message_within_seven_days_breaks_the_weekly_cap_across_channels()
    {
        var day = Duration.FromDays(1);
        var sent = new[] { Email(Local(10, 0)), Sms(Local(10, 0) + (2 * day)), Email(Local(10, 0) + (4 * day)), Sms(Local(10, 0) + (6 * day)) };

        var violation = Assert.Single(Auditor().Audit(sent));

        Assert.Equal(ViolationKind.FrequencyCap, violation.Kind);
        Assert.Equal(ChannelKind.Sms, violation.Message.Kind);
        Assert.Empty(Auditor().Audit(sent.Take(3).Append(Sms(Local(10, 0) + (7 * day))).ToList()));
    }

    [Fact]
    public void A_message_that_hard_bounced_before_the_next_send_does_not_count_against_the_cap()
    {
        var first = Email(Local(10, 0));
        var auditor = Auditor();
        auditor.Observe([new MessageEvent("b1", "anna", first.At + Duration.FromSeconds(10), first.DecisionId, MessageEventKind.Bounced) { Channel = ChannelKind.Email, IsHardBounce = true }]);

        Assert.Empty(auditor.Audit([first, Sms(Local(11, 0))]));
    }

    [Fact]
    public void A_message_after_an_unsubscribe_is_caught_and_one_before_it_is_not()
    {
        var auditor = Auditor();
        var unsubscribedAt = Local(12, 0);
        auditor.Observe([new MessageEvent("u1", "anna", unsubscribedAt, Guid.NewGuid(), MessageEventKind.Unsubscribed) { Channel = ChannelKind.Email }]);

        Assert.Empty(auditor.Audit([Email(Local(11, 0))]));
        var violation = Assert.Single(auditor.Audit([Email(Local(13, 0))]));
        Assert.Equal(ViolationKind.NoConsent, violation.Kind);
    }

    [Fact]
    public void A_stop_reply_revokes_marketing_sms()
    {
        var auditor = Auditor();
        Assert.Empty(auditor.Audit([Sms(Local(10, 0))]));

        auditor.Observe([new MessageEvent("r1", "anna", Local(10, 30), Guid.NewGuid(), MessageEventKind.Replied) { Channel = ChannelKind.Sms, ReplyText = "stop" }]);

        Assert.Equal(ViolationKind.NoConsent, Assert.Single(auditor.Audit([Sms(Local(11, 0) + Duration.FromDays(2))])).Kind);
    }

    [Fact]
    public void Marketing_sms_needs_express_written_consent()
    {
        var expressOnly = Anna with
        {
            Consents = Anna.Consents.Add(new ConsentRecord(ChannelKind.Sms, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, Monday - Duration.FromDays(50))),
        };
        var violation = Assert.Single(Auditor(expressOnly).Audit([Sms(Local(10, 0))]));

        Assert.Equal(ViolationKind.NoConsent, violation.Kind);
        Assert.Contains("express written", violation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_customers_and_unknown_zones_are_violations()
    {
        var nowhere = new Customer("anna") { Consents = Anna.Consents, ContactPoints = [new ContactPoint(ChannelKind.Email, "anna@example.com")] };

        Assert.Equal(ViolationKind.UnknownTimeZone, Assert.Single(Auditor(nowhere).Audit([Email(Local(10, 0))])).Kind);
        Assert.Equal(ViolationKind.UnknownCustomer, Assert.Single(Auditor().Audit([Email(Local(10, 0)) with { CustomerId = "bob" }])).Kind);
    }

    [Fact]
    public void Without_a_zone_the_phone_numbers_place_the_recipient()
    {
        // A German mobile number places Anna in Europe/Berlin.
        var phoneOnly = Anna with { TimeZoneId = null };

        Assert.Empty(Auditor(phoneOnly).Audit([Email(Local(10, 0))]));
        Assert.Equal(ViolationKind.QuietHours, Assert.Single(Auditor(phoneOnly).Audit([Email(Local(22, 0))])).Kind);
    }

    [Fact]
    public void Refused_sends_reached_nobody_and_are_not_audited()
    {
        Assert.Empty(Auditor().Audit([Email(Local(3, 0)) with { Accepted = false }]));
    }

    private static ViolationAuditor Auditor(Customer? customer = null)
    {
        var c = customer ?? Anna;
        return new ViolationAuditor(LabRules.Default, id => id == c.Id ? c : null);
    }

    private static Instant Local(int hour, int minute) => Monday + Duration.FromHours(hour - 1) + Duration.FromMinutes(minute);

    private static SentMessage Email(Instant at) => new("anna", Guid.NewGuid(), Guid.NewGuid().ToString(), ChannelKind.Email, MessagePurpose.Marketing, "promotion", null, at);

    private static SentMessage Sms(Instant at) => new("anna", Guid.NewGuid(), Guid.NewGuid().ToString(), ChannelKind.Sms, MessagePurpose.Marketing, "promotion", null, at);
}
