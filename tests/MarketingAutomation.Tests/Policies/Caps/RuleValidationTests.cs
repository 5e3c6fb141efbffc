using MarketingAutomation.Tests.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.Tests.Policies.Caps;

/// <summary>Contradictory rule configuration fails at startup with a message naming the rule (issue "Hard rules", bad input).</summary>
public sealed class RuleValidationTests
{
    [Fact]
    public void Resolve_ZeroCapOnTheOnlyChannelAGoalMayUse_FailsNamingTheRule()
    {
        using var services = EngineServices.Build(b => b.WithDefaults()
            .AddWinBack(new WinBackGoal { Channels = [ChannelKind.Sms] })
            .AddFrequencyCap(0, Duration.FromDays(1), ChannelKind.Sms));

        var error = Assert.Throws<MarketingAutomationConfigurationException>(() => services.GetRequiredService<MarketingPipeline>());

        var problem = Assert.Single(error.Problems);
        Assert.Contains("frequency-cap:0/1d:sms", problem, StringComparison.Ordinal);
        Assert.Contains("win-back", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ZeroCalendarCapAcrossChannels_FailsForEveryMarketingGoal()
    {
        using var services = EngineServices.Build(b => b.WithDefaults().AddWinBack().AddRenewalReminder().AddCalendarCap(0, CalendarPeriod.Week));

        var error = Assert.Throws<MarketingAutomationConfigurationException>(() => services.GetRequiredService<MarketingPipeline>());

        var problem = Assert.Single(error.Problems); // the renewal reminder is transactional: not capped
        Assert.Contains("calendar-cap:0/week", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ZeroCapOnAChannelAGoalCanAvoid_IsAccepted()
    {
        using var services = EngineServices.Build(b => b.WithDefaults().AddWinBack().AddFrequencyCap(0, Duration.FromDays(1), ChannelKind.Sms));

        Assert.NotNull(services.GetRequiredService<MarketingPipeline>());
    }

    [Fact]
    public void Resolve_QuietHoursWindowThatNeverOpens_FailsNamingTheRule()
    {
        using var services = EngineServices.Build(b => b.WithDefaults().AddWinBack().AddQuietHours(new LocalTime(9, 0), new LocalTime(9, 0)));

        var error = Assert.Throws<MarketingAutomationConfigurationException>(() => services.GetRequiredService<MarketingPipeline>());

        Assert.Contains(error.Problems, p => p.Contains("quiet-hours", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Resolve_ContentRulesWithEmptyConfiguration_FailNamingTheRule()
    {
        using var services = EngineServices.Build(b => b.WithDefaults().AddWinBack().AddBannedWords().AddLinkDomains());

        var error = Assert.Throws<MarketingAutomationConfigurationException>(() => services.GetRequiredService<MarketingPipeline>());

        Assert.Contains(error.Problems, p => p.Contains("banned", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(error.Problems, p => p.Contains("link", StringComparison.OrdinalIgnoreCase));
    }
}
