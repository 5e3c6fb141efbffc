using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies.Caps;

/// <summary>Calendar-window caps in the customer's local time (issue "Hard rules", item 3).</summary>
public sealed class CalendarCapPolicyTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    private static PolicyVerdict Evaluate(CalendarCapPolicy policy, CustomerContext customer, Instant now, ChannelKind kind = ChannelKind.Email)
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence());
        var channel = harness.Pipeline.Channels.Single(c => c.Kind == kind);
        var goal = harness.Pipeline.Goals[0];
        var candidate = new Candidate(goal, goal.Variants[0], channel, customer.Customer.FindValidContact(kind)!);
        return policy.Evaluate(new PolicyContext(customer, candidate, now));
    }

    private static Instant Local(int y, int m, int d, int h, int min = 0) => new LocalDateTime(y, m, d, h, min).InZoneLeniently(Berlin).ToInstant();

    [Fact]
    public void Evaluate_MessageLateYesterdayLocal_DoesNotCountToday()
    {
        var policy = new CalendarCapPolicy(1, CalendarPeriod.Day, ChannelKind.Email);
        var customer = Context(Reachable(), Message("g", "v", Local(2026, 1, 4, 23, 30)));

        var verdict = Evaluate(policy, customer, Local(2026, 1, 5, 0, 30));

        Assert.True(verdict.IsAllowed); // a rolling 24 h cap would have deferred; the calendar day starts at local midnight
    }

    [Fact]
    public void Evaluate_CapReachedToday_DefersToNextLocalMidnight()
    {
        var policy = new CalendarCapPolicy(1, CalendarPeriod.Day, ChannelKind.Email);
        var customer = Context(Reachable(), Message("g", "v", Local(2026, 1, 5, 8)));

        var verdict = Evaluate(policy, customer, Local(2026, 1, 5, 18));

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(ReasonCodes.FrequencyCap, verdict.Code);
        Assert.Equal(Local(2026, 1, 6, 0), verdict.Until);
    }

    [Fact]
    public void PeriodAround_SpringForwardDay_Is23HoursLong()
    {
        var policy = new CalendarCapPolicy(1, CalendarPeriod.Day);

        var (start, end) = policy.PeriodAround(Local(2026, 3, 29, 12), Berlin);

        Assert.Equal(Duration.FromHours(23), end - start);
    }

    [Fact]
    public void PeriodAround_FallBackDay_Is25HoursLong()
    {
        var policy = new CalendarCapPolicy(1, CalendarPeriod.Day);

        var (start, end) = policy.PeriodAround(Local(2026, 10, 25, 12), Berlin);

        Assert.Equal(Duration.FromHours(25), end - start);
    }

    [Theory]
    [InlineData(IsoDayOfWeek.Monday, 5)]
    [InlineData(IsoDayOfWeek.Sunday, 4)]
    public void PeriodAround_Week_StartsOnConfiguredDay(IsoDayOfWeek weekStart, int expectedStartDay)
    {
        var policy = new CalendarCapPolicy(2, CalendarPeriod.Week) { WeekStart = weekStart };

        var (start, end) = policy.PeriodAround(Local(2026, 1, 7, 12), Berlin); // a Wednesday

        Assert.Equal(Local(2026, 1, expectedStartDay, 0), start);
        Assert.Equal(start.InZone(Berlin).Date.PlusWeeks(1), end.InZone(Berlin).Date);
    }

    [Fact]
    public void Evaluate_Month_CountsOnlyThisLocalMonth()
    {
        var policy = new CalendarCapPolicy(2, CalendarPeriod.Month);
        var customer = Context(Reachable(), Message("g", "v", Local(2026, 1, 31, 23)), Message("g", "v", Local(2026, 2, 1, 9)), Message("g", "v", Local(2026, 2, 10, 9)));

        var verdict = Evaluate(policy, customer, Local(2026, 2, 20, 9));

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(Local(2026, 3, 1, 0), verdict.Until);
    }

    [Fact]
    public void Evaluate_UnknownZone_FallsBackToTheLongerRollingWindow()
    {
        var policy = new CalendarCapPolicy(1, CalendarPeriod.Day, ChannelKind.Email);
        var customer = Context(Reachable() with { TimeZoneId = null }, Message("g", "v", Now - Duration.FromHours(20)));

        var verdict = Evaluate(policy, customer, Now);

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(Now - Duration.FromHours(20) + Duration.FromHours(25), verdict.Until);
    }

    [Fact]
    public void Evaluate_TransactionalMessagesNeitherCountNorAreCappedByDefault()
    {
        var policy = new CalendarCapPolicy(1, CalendarPeriod.Day, ChannelKind.Email);
        var customer = Context(Reachable(), Message("g", "v", Now - Duration.FromHours(1), purpose: MessagePurpose.Transactional));

        Assert.True(Evaluate(policy, customer, Now).IsAllowed);
    }
}
