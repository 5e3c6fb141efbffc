using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Strategies;

public sealed class ImmediateSendTimeStrategyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(23)]
    public void ChooseSendTime_AnyInstant_SendsAtNowWithConstantReason(int hour)
    {
        var strategy = new ImmediateSendTimeStrategy();
        var now = Instant.FromUtc(2026, 1, 5, hour, 30);
        var candidate = TestCandidates.For(TestCandidates.Goal("promo"), ChannelKind.Sms, Reachable());

        var choice = strategy.ChooseSendTime(new TimingContext(Context(Reachable()), candidate, now));

        Assert.Equal(now, choice.SendAt);
        Assert.Same(ImmediateSendTimeStrategy.Reason, choice.Reason);
        Assert.Contains("immediate", choice.Reason, StringComparison.Ordinal);
    }
}
