using MarketingAutomation.Tests.Builder;
using Microsoft.Extensions.DependencyInjection;
using static MarketingAutomation.Tests.Policies.QuietHours.QuietHoursTestKit;

namespace MarketingAutomation.Tests.Policies.QuietHours;

/// <summary>Quiet hours (issue 3 "Hard rules" item 2; requirements TC-01, TC-04, TC-05, TC-06, TW-09).</summary>
public sealed class QuietHoursPolicyTests
{
    private const string NewYork = "America/New_York";
    private const string Berlin = "Europe/Berlin";

    private static readonly QuietHoursPolicy Federal = new(T(8), T(21));

    private static void AssertDeferred(PolicyVerdict verdict, Instant until, string code = ReasonCodes.QuietHours)
    {
        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(code, verdict.Code);
        Assert.Equal(until, verdict.Until);
        Assert.False(string.IsNullOrWhiteSpace(verdict.Reason));
    }

    // ---- TC-01: federal window, known zone ----------------------------------------------------------------------------------

    [Fact]
    public void TC01_KnownZone_InsideWindow_Allows()
    {
        Assert.True(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 10)).IsAllowed);
    }

    [Fact]
    public void TC01_OneSecondBeforeStart_DefersToStart_AtStart_Allows()
    {
        AssertDeferred(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 7, 59, 59)), Local(NewYork, 2026, 1, 5, 8));
        Assert.True(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 8)).IsAllowed);
    }

    [Fact]
    public void TC01_AtEnd_DefersToNextMorning_OneSecondBefore_Allows()
    {
        Assert.True(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 20, 59, 59)).IsAllowed);
        AssertDeferred(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 21)), Local(NewYork, 2026, 1, 6, 8));
    }

    [Fact]
    public void TC04_StateWindowAddedAsSecondPolicy_IsTheStricterOne()
    {
        var florida = new QuietHoursPolicy(T(8), T(20), ChannelKind.Sms);
        var now = Local(NewYork, 2026, 1, 5, 20, 30);

        Assert.True(Judge(Federal, InZone(NewYork), now).IsAllowed);
        AssertDeferred(Judge(florida, InZone(NewYork), now), Local(NewYork, 2026, 1, 6, 8));
    }

    // ---- TW-09: the provider queue delay -----------------------------------------------------------------------------------

    [Fact]
    public void TW09_DelayEndingBeforeWindowEnd_Allows_EndingAtWindowEnd_DefersToNextWindow()
    {
        var now = Local(NewYork, 2026, 1, 5, 20, 58);

        Assert.True(Judge(Federal, InZone(NewYork), now, Duration.FromSeconds(119)).IsAllowed);
        AssertDeferred(Judge(Federal, InZone(NewYork), now, Duration.FromMinutes(2)), Local(NewYork, 2026, 1, 6, 8));
    }

    [Fact]
    public void TW09_TenHourValidityPeriod_OnlyTheFirstThreeHoursOfTheWindowCanSend()
    {
        var tenHours = Duration.FromHours(10);

        Assert.True(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 10, 59), tenHours).IsAllowed);
        AssertDeferred(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 11), tenHours), Local(NewYork, 2026, 1, 6, 8));
        AssertDeferred(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 6), tenHours), Local(NewYork, 2026, 1, 5, 8));
    }

    [Fact]
    public void TW09_QueueDelayLongerThanWindow_DeniesWithWindowTooShort()
    {
        var verdict = Judge(new QuietHoursPolicy(T(8), T(9)), InZone(Berlin), Local(Berlin, 2026, 1, 5, 7), Duration.FromHours(1));

        Assert.Equal(VerdictKind.Deny, verdict.Kind);
        Assert.Equal(QuietHoursPolicy.WindowTooShortCode, verdict.Code);
    }

    [Fact]
    public void Clock_BetweenTicks_IsNeverAllowedEarly_AndDefersToTheExactStart()
    {
        // The policy works in 100 ns ticks; a clock between ticks is rounded towards the safe side (up to one tick stricter).
        AssertDeferred(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 8) - Duration.FromNanoseconds(50)), Local(NewYork, 2026, 1, 5, 8));
        Assert.True(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 8) + Duration.FromNanoseconds(50)).IsAllowed);
        AssertDeferred(Judge(Federal, InZone(NewYork), Local(NewYork, 2026, 1, 5, 21) - Duration.FromNanoseconds(50)), Local(NewYork, 2026, 1, 6, 8));
    }

    // ---- windows crossing midnight -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(23, 0, true)]
    [InlineData(3, 0, true)]
    [InlineData(7, 59, true)]
    [InlineData(8, 0, false)]
    [InlineData(19, 59, false)]
    [InlineData(20, 0, true)]
    public void Window_CrossingMidnight_AllowsTheNight(int hour, int minute, bool allowed)
    {
        var night = new QuietHoursPolicy(T(20), T(8));

        var verdict = Judge(night, InZone(Berlin), Local(Berlin, 2026, 1, 5, hour, minute));

        Assert.Equal(allowed, verdict.IsAllowed);
        if (!allowed)
        {
            AssertDeferred(verdict, Local(Berlin, 2026, 1, 5, 20));
        }
    }

    [Fact]
    public void Window_CrossingMidnight_DelayAcrossMidnightStaysInside()
    {
        var night = new QuietHoursPolicy(T(20), T(8));

        Assert.True(Judge(night, InZone(Berlin), Local(Berlin, 2026, 1, 5, 22), Duration.FromHours(9)).IsAllowed);
        AssertDeferred(Judge(night, InZone(Berlin), Local(Berlin, 2026, 1, 5, 23), Duration.FromHours(9)), Local(Berlin, 2026, 1, 6, 20));
    }

    [Fact]
    public void Window_EndingAtMidnight_RunsToTheEndOfTheDay()
    {
        var policy = new QuietHoursPolicy(T(8), LocalTime.Midnight);

        Assert.True(Judge(policy, InZone(Berlin), Local(Berlin, 2026, 1, 5, 23, 59, 59)).IsAllowed);
        AssertDeferred(Judge(policy, InZone(Berlin), Local(Berlin, 2026, 1, 6, 0, 30)), Local(Berlin, 2026, 1, 6, 8));
    }

    [Fact]
    public void Window_StartEqualsEnd_NeverOpens_ValidateReportsIt_AndEvaluateDenies()
    {
        var policy = new QuietHoursPolicy(T(9), T(9));

        var problem = Assert.Single(policy.Validate());
        Assert.Contains("never opens", problem, StringComparison.Ordinal);
        var verdict = Judge(policy, InZone(Berlin), Local(Berlin, 2026, 1, 5, 9));
        Assert.Equal(VerdictKind.Deny, verdict.Kind);
        Assert.Equal(QuietHoursPolicy.WindowTooShortCode, verdict.Code);
    }

    [Fact]
    public void Validate_ChannelQueueDelayNotFittingTheWindow_IsReported()
    {
        var policy = new QuietHoursPolicy(T(8), T(12), ChannelKind.Sms);
        var context = new RuleValidationContext([], [Channel(ChannelKind.Sms, Duration.FromHours(10)), Channel(ChannelKind.Email, Duration.FromHours(10))]);

        Assert.Empty(policy.Validate());
        var problem = Assert.Single(policy.Validate(context));
        Assert.Contains("'sms'", problem, StringComparison.Ordinal);
        Assert.Empty(Federal.Validate(new RuleValidationContext([], [Channel(ChannelKind.Sms, Duration.FromHours(10))])));
    }

    // ---- TC-06: DST, America/New_York -------------------------------------------------------------------------------------

    [Fact]
    public void TC06_NewYork_SpringForward_DefersToEightEdtNotEightEst()
    {
        // 2026-03-08 02:00 EST -> 03:00 EDT. 01:30 EST = 06:30Z; 08:00 EDT = 12:00Z (adding hours to local time would give 13:00Z).
        AssertDeferred(Judge(Federal, InZone(NewYork), Utc(2026, 3, 8, 6, 30)), Utc(2026, 3, 8, 12));
    }

    [Fact]
    public void TC06_NewYork_SpringForward_WindowStartInTheGap_OpensAtTheTransition()
    {
        // Window 02:30-05:00: 02:30 does not exist on 2026-03-08; local time jumps from 01:59:59 EST to 03:00 EDT (07:00Z), inside the window.
        var policy = new QuietHoursPolicy(T(2, 30), T(5));

        AssertDeferred(Judge(policy, InZone(NewYork), Utc(2026, 3, 8, 6, 50)), Utc(2026, 3, 8, 7));
        Assert.True(Judge(policy, InZone(NewYork), Utc(2026, 3, 8, 7)).IsAllowed);
    }

    [Fact]
    public void TC06_NewYork_SpringForward_DeliveryIntervalAcrossTheGap_IsMeasuredOnInstants()
    {
        // Window 01:00-04:00. 01:30 EST (06:30Z) + 1h50 = 08:20Z = 04:20 EDT: outside (local arithmetic would say 03:20: inside).
        var policy = new QuietHoursPolicy(T(1), T(4));

        Assert.True(Judge(policy, InZone(NewYork), Utc(2026, 3, 8, 6, 30), Duration.FromMinutes(80)).IsAllowed); // ends 03:50 EDT
        AssertDeferred(Judge(policy, InZone(NewYork), Utc(2026, 3, 8, 6, 30), Duration.FromMinutes(110)), Local(NewYork, 2026, 3, 9, 1));
    }

    [Fact]
    public void TC06_NewYork_FallBack_DefersToEightEst()
    {
        // 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z). 00:30 EDT = 04:30Z; 08:00 EST = 13:00Z.
        AssertDeferred(Judge(Federal, InZone(NewYork), Utc(2026, 11, 1, 4, 30)), Utc(2026, 11, 1, 13));
    }

    [Fact]
    public void TC06_NewYork_FallBack_RepeatedHourIsInsideTwice()
    {
        // Window 00:00-01:30 holds 04:00Z-05:30Z (EDT) and again 06:00Z-06:30Z (01:00-01:30 EST).
        var policy = new QuietHoursPolicy(LocalTime.Midnight, T(1, 30));

        AssertDeferred(Judge(policy, InZone(NewYork), Utc(2026, 11, 1, 5, 15), Duration.FromMinutes(20)), Utc(2026, 11, 1, 6));
        Assert.True(Judge(policy, InZone(NewYork), Utc(2026, 11, 1, 6), Duration.FromMinutes(20)).IsAllowed);
        AssertDeferred(Judge(policy, InZone(NewYork), Utc(2026, 11, 1, 6), Duration.FromMinutes(30)), Local(NewYork, 2026, 11, 2, 0));
    }

    // ---- TC-06: DST, Europe/Berlin ----------------------------------------------------------------------------------------

    [Fact]
    public void TC06_Berlin_SpringForward_WindowEndInTheGap_ClosesAtTheTransition()
    {
        // 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z). Window 22:00-02:30 ends in the gap: the night's window ends at 01:00Z.
        var policy = new QuietHoursPolicy(T(22), T(2, 30));
        var now = Utc(2026, 3, 28, 22, 30); // 23:30 CET

        Assert.True(Judge(policy, InZone(Berlin), now, Duration.FromMinutes(149)).IsAllowed); // ends 00:59Z = 01:59 CET
        AssertDeferred(Judge(policy, InZone(Berlin), now, Duration.FromMinutes(150)), Utc(2026, 3, 29, 20)); // 22:00 CEST
    }

    [Fact]
    public void TC06_Berlin_SpringForward_EightOClockIsSixUtc()
    {
        var policy = new QuietHoursPolicy(T(8), T(20));

        AssertDeferred(Judge(policy, InZone(Berlin), Utc(2026, 3, 29, 0, 30)), Utc(2026, 3, 29, 6));
        Assert.True(Judge(policy, InZone(Berlin), Utc(2026, 3, 29, 6)).IsAllowed);
    }

    [Fact]
    public void TC06_Berlin_FallBack_AmbiguousWindowOccursTwice()
    {
        // 2026-10-25 03:00 CEST -> 02:00 CET (01:00Z). Window 02:00-02:30: 00:00Z-00:30Z and again 01:00Z-01:30Z.
        var policy = new QuietHoursPolicy(T(2), T(2, 30));

        AssertDeferred(Judge(policy, InZone(Berlin), Utc(2026, 10, 25, 0, 10), Duration.FromMinutes(20)), Utc(2026, 10, 25, 1));
        Assert.True(Judge(policy, InZone(Berlin), Utc(2026, 10, 25, 0, 10), Duration.FromMinutes(19)).IsAllowed);
        Assert.True(Judge(policy, InZone(Berlin), Utc(2026, 10, 25, 1, 10), Duration.FromMinutes(19)).IsAllowed);
    }

    // ---- TC-06: unusual offsets -------------------------------------------------------------------------------------------

    [Fact]
    public void TC06_LordHowe_ThirtyMinuteSpringForward()
    {
        // 2026-10-04 02:00 +10:30 -> 02:30 +11 (15:30Z on the 3rd). Window 02:00-03:00 is only 02:30-03:00 that night (15:30Z-16:00Z).
        var policy = new QuietHoursPolicy(T(2), T(3));
        var customer = InZone("Australia/Lord_Howe");
        var now = Utc(2026, 10, 3, 15, 20);

        AssertDeferred(Judge(policy, customer, now, Duration.FromMinutes(29)), Utc(2026, 10, 3, 15, 30));
        AssertDeferred(Judge(policy, customer, now, Duration.FromMinutes(30)), Utc(2026, 10, 4, 15)); // 02:00 +11 the next night
    }

    [Fact]
    public void TC06_LordHowe_ThirtyMinuteFallBack_RepeatsHalfAnHour()
    {
        // 2026-04-05 02:00 +11 -> 01:30 +10:30 (15:00Z on the 4th). Window 01:30-02:00 holds 14:30Z-15:00Z and 15:00Z-15:30Z: one hour.
        var policy = new QuietHoursPolicy(T(1, 30), T(2));

        Assert.True(Judge(policy, InZone("Australia/Lord_Howe"), Utc(2026, 4, 4, 14, 30), Duration.FromMinutes(59)).IsAllowed);
    }

    [Fact]
    public void TC06_Kathmandu_QuarterHourOffset()
    {
        var policy = new QuietHoursPolicy(T(9), T(17));
        var customer = InZone("Asia/Kathmandu");

        AssertDeferred(Judge(policy, customer, Utc(2026, 6, 1, 3)), Utc(2026, 6, 1, 3, 15)); // 08:45 +05:45
        Assert.True(Judge(policy, customer, Utc(2026, 6, 1, 3, 15)).IsAllowed);
    }

    // ---- TC-05: zones inferred from phone numbers -------------------------------------------------------------------------

    [Fact]
    public void TC05_UnknownZone_NewYorkNumber_UsesAmericaNewYork()
    {
        var customer = WithPhones("+12125550123");

        Assert.Equal([NewYork], RecipientZones.ResolveZones(customer).Select(z => z.Id));
        AssertDeferred(Judge(Federal, customer, Utc(2026, 1, 5, 12)), Utc(2026, 1, 5, 13));
        Assert.True(Judge(Federal, customer, Utc(2026, 1, 5, 13)).IsAllowed);
    }

    [Fact]
    public void TC05_Idaho208_MustHoldInMountainAndPacific()
    {
        // TC-05 sketch: a 208 number at 08:30 Mountain (07:30 Pacific) is blocked until 08:00 Pacific.
        var customer = WithPhones("+12085550123");

        Assert.Equal(["America/Boise", "America/Los_Angeles"], RecipientZones.ResolveZones(customer).Select(z => z.Id).Order(StringComparer.Ordinal));
        AssertDeferred(Judge(Federal, customer, Utc(2026, 1, 6, 15, 30)), Utc(2026, 1, 6, 16));

        // 20:30 Mountain = 19:30 Pacific: the window closes at 21:00 Mountain.
        Assert.True(Judge(Federal, customer, Utc(2026, 1, 7, 3, 30), Duration.FromMinutes(29)).IsAllowed);
        AssertDeferred(Judge(Federal, customer, Utc(2026, 1, 7, 3, 30), Duration.FromMinutes(30)), Utc(2026, 1, 7, 16));
    }

    [Fact]
    public void TC05_TollFree800_MustHoldInEveryNanpZone()
    {
        var customer = WithPhones("+18005550123");
        var zones = RecipientZones.ResolveZones(customer);
        Assert.Contains(zones, z => z.Id == "Pacific/Honolulu");
        Assert.Contains(zones, z => z.Id == "America/St_Johns");

        var now = Utc(2026, 1, 5, 12);
        var verdict = Judge(Federal, customer, now);

        // Whatever the verdict, when it lets the message out the whole zone set must be inside the window.
        var at = verdict.IsAllowed ? now : verdict.Until;
        Assert.NotEqual(VerdictKind.Deny, verdict.Kind);
        foreach (var zone in zones)
        {
            Assert.True(SendWindow.UsFederal.Contains(at.InZone(zone).TimeOfDay), zone.Id);
        }
    }

    [Fact]
    public void TC05_RussianMobile_SpansElevenHours_ShortWindowIntersection()
    {
        // +7 mobile numbers map to zones from Europe/Bucharest (+2) to Asia/Anadyr (+12): 08-21 everywhere leaves 06:00Z-09:00Z.
        var customer = WithPhones("+79161234567");
        Assert.True(RecipientZones.ResolveZones(customer).Length > 10);

        AssertDeferred(Judge(Federal, customer, Utc(2026, 1, 5, 10)), Utc(2026, 1, 6, 6));
        Assert.True(Judge(Federal, customer, Utc(2026, 1, 6, 6), Duration.FromMinutes(179)).IsAllowed);
        var tooLong = Judge(Federal, customer, Utc(2026, 1, 6, 6), Duration.FromHours(3));
        Assert.Equal(VerdictKind.Deny, tooLong.Kind);
        Assert.Equal(QuietHoursPolicy.WindowTooShortCode, tooLong.Code);
    }

    [Fact]
    public void TC05_SeveralNumbers_WindowMustHoldForEveryNumber()
    {
        var customer = WithPhones("+12125550123", "+493012345678");

        Assert.Equal([NewYork, Berlin], RecipientZones.ResolveZones(customer).Select(z => z.Id).Order(StringComparer.Ordinal));

        // 08:00-21:00 is 07:00Z-20:00Z in Berlin and 13:00Z-02:00Z in New York: together 13:00Z-20:00Z.
        AssertDeferred(Judge(Federal, customer, Utc(2026, 1, 5, 9)), Utc(2026, 1, 5, 13));
    }

    [Fact]
    public void TC05_KnownZone_WinsOverThePhoneNumber()
    {
        var customer = InZone("Asia/Tokyo", "+12125550123");

        Assert.Equal(["Asia/Tokyo"], RecipientZones.ResolveZones(customer).Select(z => z.Id));
        Assert.True(Judge(Federal, customer, Local("Asia/Tokyo", 2026, 1, 5, 12)).IsAllowed);
    }

    [Theory]
    [InlineData("+1abc")]
    [InlineData("12125550123")]
    [InlineData("+1212")]
    [InlineData("+999123456789")]
    [InlineData("")]
    public void TC05_MalformedOrInvalidNumber_DefersWithUnknownTimeZone_NeverAllows(string phone)
    {
        var customer = WithPhones(phone);
        var now = Local(NewYork, 2026, 1, 5, 12);

        Assert.Empty(RecipientZones.ResolveZones(customer));
        AssertDeferred(Judge(Federal, customer, now), now + Duration.FromHours(24), ReasonCodes.UnknownTimeZone);
    }

    [Fact]
    public void TC05_UnknownZoneIdAndNoPhone_DefersWithUnknownTimeZone()
    {
        var customer = InZone("Mars/Olympus_Mons");
        var policy = new QuietHoursPolicy(T(0), T(23, 59)) { UnknownZoneRetry = Duration.FromHours(6) };
        var now = Utc(2026, 1, 5, 12);

        Assert.Null(customer.TimeZone);
        AssertDeferred(Judge(policy, customer, now), now + Duration.FromHours(6), ReasonCodes.UnknownTimeZone);
        AssertDeferred(Judge(policy, customer, now, kind: ChannelKind.Email), now + Duration.FromHours(6), ReasonCodes.UnknownTimeZone);
    }

    [Fact]
    public void UnknownZoneRetry_NotPositive_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuietHoursPolicy(T(8), T(21)) { UnknownZoneRetry = Duration.Zero });
    }

    [Fact]
    public void TC05_UnknownZoneId_FallsBackToThePhoneNumber()
    {
        var customer = InZone("Not/AZone", "+12125550123");

        Assert.Equal([NewYork], RecipientZones.ResolveZones(customer).Select(z => z.Id));
    }

    [Fact]
    public void TC05_DisabledNumber_IsNotUsedToPlaceTheRecipient()
    {
        var customer = new Customer("c1") { ContactPoints = [new ContactPoint(ChannelKind.Sms, "+12125550123") { IsValid = false }] };

        Assert.Empty(RecipientZones.ResolveZones(customer));
    }

    // ---- scope: channel and purpose ---------------------------------------------------------------------------------------

    [Fact]
    public void Scope_OtherChannelKind_IsAllowed()
    {
        var smsOnly = new QuietHoursPolicy(T(8), T(21), ChannelKind.Sms);
        var night = Local(NewYork, 2026, 1, 5, 3);

        Assert.True(Judge(smsOnly, InZone(NewYork), night, kind: ChannelKind.Email).IsAllowed);
        Assert.False(Judge(smsOnly, InZone(NewYork), night, kind: ChannelKind.Sms).IsAllowed);
        Assert.False(Judge(Federal, InZone(NewYork), night, kind: ChannelKind.Email).IsAllowed);
    }

    [Fact]
    public void Scope_Transactional_ExemptByDefault_HeldWhenApplyToTransactional()
    {
        var night = Local(NewYork, 2026, 1, 5, 3);

        Assert.True(Judge(Federal, InZone(NewYork), night, goal: Receipt).IsAllowed);
        var strict = new QuietHoursPolicy(T(8), T(21)) { ApplyToTransactional = true };
        AssertDeferred(Judge(strict, InZone(NewYork), night, goal: Receipt), Local(NewYork, 2026, 1, 5, 8));
    }

    // ---- naming, builder, hot path ----------------------------------------------------------------------------------------

    [Fact]
    public void Name_DescribesWindowAndChannel()
    {
        Assert.Equal("quiet-hours:08:00-21:00", Federal.Name);
        Assert.Equal("quiet-hours:20:00-08:00:sms", new QuietHoursPolicy(T(20), T(8), ChannelKind.Sms).Name);
    }

    [Fact]
    public void AddQuietHours_RegistersThePolicy()
    {
        using var services = EngineServices.Build(b => b.WithDefaults().AddWelcomeSequence().AddQuietHours(T(8), T(21), ChannelKind.Sms));

        var pipeline = services.GetRequiredService<MarketingPipeline>();

        var policy = Assert.IsType<QuietHoursPolicy>(Assert.Single(pipeline.Policies, p => p is QuietHoursPolicy));
        Assert.Equal(ChannelKind.Sms, policy.Channel);
        Assert.Equal(new SendWindow(T(8), T(21)), policy.Window);
    }

    [Fact]
    public void Evaluate_WarmHotPath_DoesNotAllocate()
    {
        var customers = new[] { InZone(NewYork), WithPhones("+12085550123"), WithPhones("+18005550123"), WithPhones("+1abc") };
        var channel = Channel(ChannelKind.Sms, Duration.FromHours(1));
        var contexts = customers.Select(c => new PolicyContext(Customers.Context(c), CandidateFor(c, channel), Utc(2026, 3, 8, 3))).ToArray();
        var sink = 0L;
        for (var i = 0; i < contexts.Length; i++)
        {
            sink += Federal.Evaluate(in contexts[i]).Until.ToUnixTimeTicks();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 200; round++)
        {
            for (var i = 0; i < contexts.Length; i++)
            {
                sink += Federal.Evaluate(in contexts[i]).Until.ToUnixTimeTicks();
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, sink);
    }
}
