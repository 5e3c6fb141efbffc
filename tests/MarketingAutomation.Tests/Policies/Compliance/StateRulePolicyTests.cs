using static MarketingAutomation.Tests.Policies.Compliance.UsCustomers;

namespace MarketingAutomation.Tests.Policies.Compliance;

/// <summary>TC-04 state rules as data (Florida, Oklahoma, Maryland) and the area-code presumption (TC-04, TC-05).</summary>
public sealed class StateRulePolicyTests
{
    private readonly StateRulePolicy _florida = new(UsStateRules.Florida);

    private static MessageRecord Sms(string goalId, Instant at, MessageStatus status = MessageStatus.Sent) =>
        Customers.Message(goalId, goalId + "-v", at, ChannelKind.Sms, status);

    [Theory]
    [InlineData("+13055550123", "FL")]
    [InlineData("+18505550123", "FL")]
    [InlineData("+19545550123", "FL")]
    [InlineData("+19185550123", "OK")]
    [InlineData("+14055550123", "OK")]
    [InlineData("+14105550123", "MD")]
    [InlineData("+13015550123", "MD")]
    public void IsPresumedInState_InStateAreaCode_MatchesOnlyThatState(string phone, string state)
    {
        foreach (var rule in UsStateRules.Default)
        {
            Assert.Equal(rule.State == state, new StateRulePolicy(rule).IsPresumedInState(phone));
        }
    }

    [Theory]
    [InlineData("+14155550123")]
    [InlineData("+493012345678")]
    [InlineData("3055550123")]
    [InlineData("+1305555012")]
    public void IsPresumedInState_OtherNumbers_NoState(string phone)
    {
        foreach (var rule in UsStateRules.Default)
        {
            Assert.False(new StateRulePolicy(rule).IsPresumedInState(phone));
        }
    }

    [Fact]
    public void Defaults_FloridaOklahomaMaryland_EightToEightAndThreePer24h()
    {
        Assert.Equal(["FL", "OK", "MD"], UsStateRules.Default.Select(r => r.State));
        Assert.All(UsStateRules.Default, r =>
        {
            Assert.Equal(new LocalTime(8, 0), r.Start);
            Assert.Equal(new LocalTime(20, 0), r.End);
            Assert.Equal(3, r.MaxPerRolling24hSameSubject);
            Assert.Empty(r.Validate());
            Assert.Contains("TC-04", r.Source);
        });
    }

    [Theory]
    // TC-04: 08:00-20:00 recipient local; boundaries at ±1 s.
    [InlineData(7, 59, 59, false)]
    [InlineData(8, 0, 0, true)]
    [InlineData(19, 59, 59, true)]
    [InlineData(20, 0, 0, false)]
    [InlineData(20, 30, 0, false)]
    public void Evaluate_FloridaNumber_WindowEightToEightLocal(int hour, int minute, int second, bool allowed)
    {
        var now = Local(Eastern, hour, minute, second);
        var verdict = _florida.Evaluate(SmsContext(Texter("+13055550123", "America/New_York"), now));

        Assert.Equal(allowed, verdict.IsAllowed);
        if (!allowed)
        {
            Assert.Equal(VerdictKind.Defer, verdict.Kind);
            Assert.Equal(ComplianceReasonCodes.StateCallingWindow, verdict.Code);
            Assert.Equal(hour < 8 ? Local(Eastern, 8) : Local(Eastern, 8, days: 1), verdict.Until);
        }
    }

    [Fact]
    public void Evaluate_FloridaNumberWithoutKnownZone_UsesAreaCodeZones()
    {
        // +1 305 (Miami) places the recipient in America/New_York through libphonenumber (TC-05).
        var customer = Texter("+13055550123", zone: null);

        Assert.True(_florida.Evaluate(SmsContext(customer, Local(Eastern, 19, 59))).IsAllowed);
        Assert.Equal(ComplianceReasonCodes.StateCallingWindow, _florida.Evaluate(SmsContext(customer, Local(Eastern, 20, 0))).Code);
    }

    [Fact]
    public void Evaluate_OutOfStateNumberOrNotMarketingSms_NotThisRulesConcern()
    {
        var late = Local(Eastern, 22);

        Assert.True(_florida.Evaluate(SmsContext(Texter("+14155550123", "America/New_York"), late)).IsAllowed);
        Assert.True(_florida.Evaluate(SmsContext(Texter("+13055550123", "America/New_York"), late, purpose: MessagePurpose.Transactional)).IsAllowed);
    }

    [Fact]
    public void Evaluate_FourthOnSameSubjectInRolling24h_DeferredUntilFirstRollsOff()
    {
        // TC-04 Florida: at most 3 per rolling 24 h on the same subject; the 4th waits until the first leaves the window (rolling, not calendar).
        var customer = Texter("+13055550123", "America/New_York");
        var now = Local(Eastern, 14);
        var first = now - Duration.FromHours(23);
        MessageRecord[] history = [Sms("promo", first), Sms("promo", now - Duration.FromHours(20)), Sms("promo", now - Duration.FromHours(1))];

        var verdict = _florida.Evaluate(SmsContext(customer, now, "promo", MessagePurpose.Marketing, history));

        Assert.Equal(VerdictKind.Defer, verdict.Kind);
        Assert.Equal(ComplianceReasonCodes.StateSubjectCap, verdict.Code);
        Assert.Equal(first + Duration.FromHours(24), verdict.Until);
        Assert.False(_florida.Evaluate(SmsContext(customer, verdict.Until - Duration.FromSeconds(1), "promo", MessagePurpose.Marketing, history)).IsAllowed);
        Assert.True(_florida.Evaluate(SmsContext(customer, verdict.Until, "promo", MessagePurpose.Marketing, history)).IsAllowed);
    }

    [Fact]
    public void Evaluate_SameSubjectFromAnotherSenderNumber_StillCounts()
    {
        // TC-04: "regardless of the phone number used": the limit counts marketing texts on the subject from every SMS channel.
        var customer = Texter("+13055550123", "America/New_York");
        var now = Local(Eastern, 14);
        MessageRecord[] history =
        [
            Sms("promo", now - Duration.FromHours(3)),
            Sms("promo", now - Duration.FromHours(2)) with { Channel = "sms-short-code" },
            Sms("promo", now - Duration.FromHours(1)) with { Channel = "sms-toll-free" },
        ];

        Assert.Equal(ComplianceReasonCodes.StateSubjectCap, _florida.Evaluate(SmsContext(customer, now, "promo", MessagePurpose.Marketing, history)).Code);
    }

    [Fact]
    public void Evaluate_850NumberWithoutZone_At1930CentralHeld()
    {
        // TC-05: 850 spans Eastern and Central; 19:30 Central is 20:30 Eastern, past Florida's 20:00 in the Eastern part.
        var central = DateTimeZoneProviders.Tzdb["America/Chicago"];
        var customer = Texter("+18505550123", zone: null);

        Assert.Equal(ComplianceReasonCodes.StateCallingWindow, _florida.Evaluate(SmsContext(customer, Local(central, 19, 30))).Code);
    }

    [Fact]
    public void Evaluate_ThreeOnAnotherSubjectOrCancelled_DoNotCount()
    {
        var customer = Texter("+13055550123", "America/New_York");
        var now = Local(Eastern, 14);
        MessageRecord[] history =
        [
            Sms("renewal", now - Duration.FromHours(3)), Sms("renewal", now - Duration.FromHours(2)), Sms("renewal", now - Duration.FromHours(1)),
            Sms("promo", now - Duration.FromHours(2), MessageStatus.Cancelled), Sms("promo", now - Duration.FromHours(1)),
        ];

        Assert.True(_florida.Evaluate(SmsContext(customer, now, "promo", MessagePurpose.Marketing, history)).IsAllowed);
        Assert.Equal(ComplianceReasonCodes.StateSubjectCap, _florida.Evaluate(SmsContext(customer, now, "renewal", MessagePurpose.Marketing, history)).Code);
    }

    [Theory]
    [InlineData(8, 8, 3, "never opens")]
    [InlineData(20, 8, 3, "crosses midnight")]
    [InlineData(8, 20, 0, "cap of 0")]
    public void Validate_ContradictoryRule_NamesTheRule(int start, int end, int cap, string expected)
    {
        var rule = new StateRule("FL", ["305"], new LocalTime(start, 0), new LocalTime(end, 0), cap);

        var problems = new StateRulePolicy(rule).Validate();

        Assert.Contains(problems, p => p.StartsWith("us-state:FL", StringComparison.Ordinal) && p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoOrMalformedAreaCodes_Reported()
    {
        Assert.Contains(new StateRule("XX", [], new LocalTime(8, 0), new LocalTime(20, 0), 3).Validate(), p => p.Contains("no area codes", StringComparison.Ordinal));
        Assert.Contains(new StateRule("XX", ["30"], new LocalTime(8, 0), new LocalTime(20, 0), 3).Validate(), p => p.Contains("'30'", StringComparison.Ordinal));
    }
}

/// <summary>Hot path rule: the compliance candidate rules allocate nothing per candidate once warmed up.</summary>
public sealed class ComplianceHotPathTests
{
    [Fact]
    public void Evaluate_StateRuleAndRevocation_DoNotAllocate()
    {
        var state = new StateRulePolicy(UsStateRules.Florida);
        var revocation = new SmsRevocationPolicy();
        var customer = UsCustomers.Texter("+13055550123", "America/New_York");
        var now = UsCustomers.Local(UsCustomers.Eastern, 14);
        var context = UsCustomers.SmsContext(customer, now, "promo", MessagePurpose.Marketing, Customers.Message("promo", "p", now - Duration.FromHours(1), ChannelKind.Sms));
        context = context with
        {
            Customer = context.Customer with
            {
                RecentEvents = [new MessageEvent("r1", "c1", now - Duration.FromHours(2), Guid.NewGuid(), MessageEventKind.Replied) { Channel = ChannelKind.Sms, ReplyText = "thanks" }],
            },
        };
        state.Evaluate(in context);
        revocation.Evaluate(in context);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            state.Evaluate(in context);
            revocation.Evaluate(in context);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
