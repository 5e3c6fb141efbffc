using MarketingAutomation.Tests.Pipeline;
using MarketingAutomation.Tests.Support;
using static MarketingAutomation.Tests.Policies.Compliance.UsCustomers;

namespace MarketingAutomation.Tests.Policies.Compliance;

/// <summary>The packs through a composed agent: held outside the window, sent at the next opening; bad rule data fails at startup.</summary>
public sealed class CompliancePackAgentTests
{
    private static Customer FloridaTexter() => Texter("+13055550123", "America/New_York") with
    {
        ContactPoints = [new ContactPoint(ChannelKind.Sms, "+13055550123")],
    };

    [Fact]
    public async Task TcpaPlusFlorida_At2030Local_HeldThenSentAtEightNextMorning()
    {
        // TC-01 allows until 21:00, TC-04 Florida only until 20:00: the stricter wins.
        var evening = Local(Eastern, 20, 30);
        await using var agent = TestAgent.Create(
            b => b.AddGoal(TestCandidates.Goal("promo")).UseComplianceUsTcpa().UseComplianceUsStates(),
            start: evening);
        await agent.ImportAsync(FloridaTexter());

        await agent.RunAtAsync(evening);

        Assert.Empty(agent.Sms.Sends);
        var trace = await agent.Agent.ExplainAsync("c1", evening, TestContext.Current.CancellationToken);
        Assert.NotNull(trace);
        var verdicts = Assert.Single(trace.Candidates).Verdicts;
        Assert.Contains(verdicts, v => v.Rule == "us-state:FL" && v.Code == ComplianceReasonCodes.StateCallingWindow && v.Until == Local(Eastern, 8, days: 1));
        Assert.DoesNotContain(verdicts, v => v.Code == ReasonCodes.QuietHours);

        await agent.RunAtAsync(Local(Eastern, 8, days: 1));

        Assert.Single(agent.Sms.Sends);
    }

    [Theory]
    [InlineData("Stop.", 0)]
    [InlineData("Thanks!", 1)]
    public async Task TcpaRevocation_StopReplyIngested_NoMoreMarketingSms(string reply, int expectedSends)
    {
        var noon = Local(Eastern, 12);
        await using var agent = TestAgent.Create(b => b.AddGoal(TestCandidates.Goal("promo")).UseComplianceUsTcpa(), start: noon);
        await agent.ImportAsync(FloridaTexter());
        await agent.Agent.IngestAsync(
            [new MessageEvent("in-1", "c1", noon - Duration.FromMinutes(5), Guid.NewGuid(), MessageEventKind.Replied) { Channel = ChannelKind.Sms, ReplyText = reply }],
            TestContext.Current.CancellationToken);

        await agent.RunAtAsync(noon);

        Assert.Equal(expectedSends, agent.Sms.Sends.Count);
    }

    [Fact]
    public void UsStates_RuleThatNeverOpens_ReportedAtStartup()
    {
        var broken = new StateRule("FL", ["305"], new LocalTime(20, 0), new LocalTime(8, 0), 0);

        var ex = Assert.Throws<MarketingAutomationConfigurationException>(
            () => TestAgent.Create(b => b.AddGoal(TestCandidates.Goal("promo")).UseComplianceUsStates([broken])));

        Assert.Contains("us-state:FL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("crosses midnight", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cap of 0", ex.Message, StringComparison.Ordinal);
    }
}
