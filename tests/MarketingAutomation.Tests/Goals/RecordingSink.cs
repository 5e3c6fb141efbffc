namespace MarketingAutomation.Tests.Goals;

/// <summary>A <see cref="CandidateSink"/> that records what a goal proposed and every instant it asked to be woken at.</summary>
internal sealed class RecordingSink : CandidateSink
{
    public List<ContentVariant> Proposed { get; } = [];

    public List<Instant> WakeCalls { get; } = [];

    /// <summary>Gets the earliest wake instant asked for, as the engine keeps it.</summary>
    public Instant? Wake { get; private set; }

    public IEnumerable<string> ProposedIds => Proposed.Select(v => v.Id);

    public override void Propose(ContentVariant variant) => Proposed.Add(variant);

    public override void WakeAt(Instant instant)
    {
        WakeCalls.Add(instant);
        if (Wake is null || instant < Wake)
        {
            Wake = instant;
        }
    }

    /// <summary>Runs a goal for one customer and returns the sink.</summary>
    public static RecordingSink Run(Goal goal, CustomerContext customer, Instant now)
    {
        var sink = new RecordingSink();
        goal.Propose(customer, now, sink);
        return sink;
    }
}
