namespace MarketingAutomation.Tests.Learning;

/// <summary><see cref="AdaptiveStrategy.Describe"/>: what the strategy learned about a customer, read from their learned state.</summary>
public sealed class LearnedProfileTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 2, 9, 0);

    [Fact]
    public void A_customer_without_a_state_gets_the_population_prior_on_every_channel_and_hour()
    {
        var strategy = new AdaptiveStrategy();

        var profile = strategy.Describe(new CustomerContext(new Customer("c-1")), Now);

        Assert.False(profile.HasPersonalState);
        Assert.Equal("c-1", profile.CustomerId);
        Assert.Equal([ChannelKind.Email, ChannelKind.Sms, ChannelKind.Push, ChannelKind.InApp], profile.Channels.Select(c => c.Kind));
        Assert.All(profile.Channels, c => Assert.Equal((c.PopulationRate, 0.0), (c.ResponseRate, c.Evidence)));
        Assert.Equal(LearnedProfile.HoursPerWeek, profile.EngagementByHourOfWeek.Length);
        Assert.All(profile.EngagementByHourOfWeek, r => Assert.InRange(r, 0.0, 1.0));
        Assert.All(profile.TrialsByHourOfWeek, t => Assert.Equal(0, t));
        Assert.Null(profile.ToleranceMessagesPerWeek);
    }

    [Fact]
    public void Own_evidence_moves_the_channel_rate_and_the_hour_it_was_seen_at()
    {
        var strategy = new AdaptiveStrategy();
        var state = default(CustomerModelState);
        for (var i = 0; i < 20; i++)
        {
            state.RecordChannel(ChannelKind.Sms, success: true);
            state.RecordChannel(ChannelKind.Email, success: false);
            state.Hours.Record(HourOfWeekMask.SlotOf(IsoDayOfWeek.Tuesday, 19), engaged: true);
        }

        var bytes = new byte[CustomerModelState.SerializedSize];
        state.Serialize(bytes);
        var customer = new CustomerContext(new Customer("c-2")) { LearnedState = bytes };

        var profile = strategy.Describe(customer, Now);

        Assert.True(profile.HasPersonalState);
        var sms = profile.Channels.Single(c => c.Kind == ChannelKind.Sms);
        var email = profile.Channels.Single(c => c.Kind == ChannelKind.Email);
        Assert.True(sms.ResponseRate > sms.PopulationRate, $"{sms}");
        Assert.True(email.ResponseRate < email.PopulationRate, $"{email}");
        Assert.True(sms.Evidence > 0 && email.Evidence > 0);
        var tuesdayEvening = HourOfWeekMask.SlotOf(IsoDayOfWeek.Tuesday, 19);
        Assert.True(profile.TrialsByHourOfWeek[tuesdayEvening] > 0);
        Assert.Equal(tuesdayEvening, profile.EngagementByHourOfWeek.IndexOf(profile.EngagementByHourOfWeek.Max()));
    }
}
