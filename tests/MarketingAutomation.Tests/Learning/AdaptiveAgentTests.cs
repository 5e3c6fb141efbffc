using Microsoft.Extensions.DependencyInjection;
using MarketingAutomation.Tests.Support;
using static MarketingAutomation.Tests.Support.AgentCustomers;

namespace MarketingAutomation.Tests.Learning;

/// <summary>The learning strategy inside the real agent: decisions carry its propensities and its per-customer state goes through the store.</summary>
public sealed class AdaptiveAgentTests
{
    private static readonly Instant Start = TestAgent.Start;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Feedback_updates_the_customers_learned_state_in_the_store_and_it_round_trips_bit_exact()
    {
        await using var t = TestAgent.Create(b => b.AddGoal(new ProbeGoal()).AddConsentPolicy().UseAdaptiveStrategy(o => (o.ControlGroupShare, o.MaxSendDelay) = (0, Duration.Zero)));
        await t.ImportAsync(WithEmail("c-1"));
        Assert.True((await t.CustomerAsync("c-1")).LearnedState.IsEmpty, "a new customer starts from the priors (no state)");

        var tick = await t.RunAsync();
        Assert.Equal(1, tick.Dispatch.Sent);
        var sent = Assert.Single(t.Email.Accepted).Message;
        var trace = await t.Agent.WhyAsync(sent.DecisionId, Ct);
        Assert.Equal(AdaptiveStrategy.StrategyName, trace?.Strategy);

        var delivered = new MessageEvent("d-1", "c-1", Start + Duration.FromMinutes(1), sent.DecisionId, MessageEventKind.Delivered) { Channel = ChannelKind.Email };
        var clicked = new MessageEvent("k-1", "c-1", Start + Duration.FromHours(2), sent.DecisionId, MessageEventKind.Clicked) { Channel = ChannelKind.Email };
        var result = await t.Agent.IngestAsync([delivered, clicked], Ct);
        Assert.Equal(2, result.Learned);

        var stored = (await t.CustomerAsync("c-1")).LearnedState;
        Assert.Equal(CustomerModelState.SerializedSize, stored.Length);
        Assert.True(stored.Length <= 512);
        Assert.True(CustomerModelState.TryDeserialize(stored.Span, out var state, out var error), error);
        var (alpha, beta) = state.ChannelEvidence(ChannelKind.Email);
        Assert.Equal((1.0, 0.0), ((double)alpha, (double)beta)); // delivered (an ignore) then clicked inside the window: one response
        var written = new byte[CustomerModelState.SerializedSize];
        state.Serialize(written);
        Assert.Equal(stored.ToArray(), written);

        // Ingesting the same events again learns nothing twice.
        var again = await t.Agent.IngestAsync([delivered, clicked], Ct);
        Assert.Equal(0, again.Learned);
        Assert.Equal(stored.ToArray(), (await t.CustomerAsync("c-1")).LearnedState.ToArray());
    }

    [Fact]
    public async Task The_strategy_is_a_service_and_a_cap_rule_can_tighten_by_its_learned_tolerance()
    {
        await using var t = TestAgent.Create(b => b
            .AddGoal(new ProbeGoal())
            .UseAdaptiveStrategy(o => (o.ControlGroupShare, o.MaxSendDelay) = (0, Duration.Zero))
            .AddPolicy(sp => new FrequencyCapPolicy(5, Duration.FromDays(7)) { Tolerance = sp.GetRequiredService<AdaptiveStrategy>() }));
        var strategy = t.Services.GetRequiredService<AdaptiveStrategy>();
        Assert.Same(strategy, t.Services.GetRequiredService<MarketingPipeline>().Strategy);

        await t.ImportAsync(WithEmail("c-1"));
        await t.RunAsync();
        var sent = Assert.Single(t.Email.Accepted).Message;
        Assert.Null(strategy.MaxMessages(await t.CustomerAsync("c-1"), Duration.FromDays(7), null));

        // An unsubscribe after the first message of the week: the customer tolerates 1 message per 7 days from now on.
        await t.Agent.IngestAsync(
            [
                new MessageEvent("d-1", "c-1", Start + Duration.FromMinutes(1), sent.DecisionId, MessageEventKind.Delivered) { Channel = ChannelKind.Email },
                new MessageEvent("u-1", "c-1", Start + Duration.FromHours(1), sent.DecisionId, MessageEventKind.Unsubscribed) { Channel = ChannelKind.Email },
            ],
            Ct);

        var customer = await t.CustomerAsync("c-1");
        Assert.Equal(1, strategy.MaxMessages(customer, Duration.FromDays(7), null));
        Assert.Equal(4, strategy.MaxMessages(customer, Duration.FromDays(28), ChannelKind.Email));
        Assert.Null(strategy.MaxMessages(customer, Duration.FromDays(1), null)); // short windows are not tightened
    }
}
