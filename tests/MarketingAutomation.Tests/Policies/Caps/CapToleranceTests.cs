using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies.Caps;

/// <summary>Learned tolerances may only tighten a user's cap, never loosen it (issue "Hard rules", item 3).</summary>
public sealed class CapToleranceTests
{
    private sealed class FixedTolerance(int? learned) : ICapTolerance
    {
        public int? MaxMessages(CustomerContext customer, Duration window, ChannelKind? channel) => learned;
    }

    private static readonly EngineHarness Harness = new(b => b.AddWelcomeSequence());

    private static PolicyVerdict Evaluate(IPolicy policy, CustomerContext customer)
    {
        var channel = Harness.Pipeline.Channels.Single(c => c.Kind == ChannelKind.Email);
        var goal = Harness.Pipeline.Goals[0];
        var candidate = new Candidate(goal, goal.Variants[0], channel, customer.Customer.FindValidContact(ChannelKind.Email)!);
        return policy.Evaluate(new PolicyContext(customer, candidate, Now));
    }

    [Property(MaxTest = 2000)]
    public bool Tolerance_NeverLoosensTheUserCap(byte userMaxSeed, sbyte learnedSeed, byte messagesSeed, bool calendar)
    {
        var userMax = userMaxSeed % 5;
        var learned = learnedSeed % 8;
        var messages = messagesSeed % 7;
        var history = new MessageRecord[messages];
        for (var i = 0; i < messages; i++)
        {
            history[i] = Message("g", "v", Now - Duration.FromHours(1 + (i * 2)));
        }

        var customer = Context(Reachable(), history);
        IPolicy withTolerance = calendar
            ? new CalendarCapPolicy(userMax, CalendarPeriod.Day, ChannelKind.Email) { Tolerance = new FixedTolerance(learned) }
            : new FrequencyCapPolicy(userMax, Duration.FromDays(1), ChannelKind.Email) { Tolerance = new FixedTolerance(learned) };
        IPolicy userOnly = calendar
            ? new CalendarCapPolicy(userMax, CalendarPeriod.Day, ChannelKind.Email)
            : new FrequencyCapPolicy(userMax, Duration.FromDays(1), ChannelKind.Email);

        var tolerant = Evaluate(withTolerance, customer);
        var strict = Evaluate(userOnly, customer);

        // Allowed with the learned tolerance implies allowed by the user cap alone, and by the learned cap.
        var neverLooser = !tolerant.IsAllowed || strict.IsAllowed;
        var tighterHolds = !tolerant.IsAllowed || learned >= userMax || CountToday(customer) < Math.Max(0, learned);
        return neverLooser && tighterHolds;
    }

    [Fact]
    public void Tolerance_BelowUserCap_Tightens()
    {
        var customer = Context(Reachable(), Message("g", "v", Now - Duration.FromHours(2)));
        var policy = new FrequencyCapPolicy(3, Duration.FromDays(1), ChannelKind.Email) { Tolerance = new FixedTolerance(1) };

        Assert.Equal(VerdictKind.Defer, Evaluate(policy, customer).Kind);
    }

    [Fact]
    public void Tolerance_AboveUserCap_IsIgnored()
    {
        var customer = Context(Reachable(), Message("g", "v", Now - Duration.FromHours(2)));
        var policy = new FrequencyCapPolicy(1, Duration.FromDays(1), ChannelKind.Email) { Tolerance = new FixedTolerance(10) };

        Assert.Equal(VerdictKind.Defer, Evaluate(policy, customer).Kind);
    }

    private static int CountToday(CustomerContext customer) => customer.CountMessagesSince(Now - Duration.FromDays(1), ChannelKind.Email);
}
