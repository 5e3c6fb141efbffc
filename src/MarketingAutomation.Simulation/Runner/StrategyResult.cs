using System.Globalization;

namespace MarketingAutomation.Simulation;

/// <summary>What one channel kind carried in a run.</summary>
/// <param name="Kind">The channel kind.</param>
/// <param name="Messages">Messages sent.</param>
/// <param name="Delivered">Messages delivered.</param>
/// <param name="Opens">Human opens.</param>
/// <param name="MachineOpens">Machine (privacy proxy) opens.</param>
/// <param name="Clicks">Clicks.</param>
/// <param name="Conversions">Purchases driven by a message on this channel.</param>
/// <param name="Unsubscribes">Unsubscribes (including SMS opt-out replies).</param>
/// <param name="Complaints">Spam complaints.</param>
/// <param name="Bounces">Bounces.</param>
public sealed record ChannelResult(
    ChannelKind Kind, long Messages, long Delivered, long Opens, long MachineOpens, long Clicks, long Conversions, long Unsubscribes, long Complaints, long Bounces);

/// <summary>
/// The outcome of one strategy over one simulated period: what was sent and what it earned, rule violations (must be 0), uplift against
/// the global control group, and net value against the no-contact run on the same random draws.
/// </summary>
public sealed record StrategyResult
{
    /// <summary>Gets the strategy's name.</summary>
    public required string Strategy { get; init; }

    /// <summary>Gets the population seed.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the population size (control group included).</summary>
    public int Customers { get; init; }

    /// <summary>Gets the simulated days.</summary>
    public int Days { get; init; }

    /// <summary>Gets the per-channel figures.</summary>
    public ImmutableArray<ChannelResult> Channels { get; init; } = [];

    /// <summary>Gets the messages sent, all channels.</summary>
    public long Messages { get; init; }

    /// <summary>Gets the human opens, all channels.</summary>
    public long Opens { get; init; }

    /// <summary>Gets the clicks, all channels.</summary>
    public long Clicks { get; init; }

    /// <summary>Gets every purchase in the run (organic and message-driven), control group included.</summary>
    public long Conversions { get; init; }

    /// <summary>Gets the purchases driven by a message.</summary>
    public long DrivenConversions { get; init; }

    /// <summary>Gets the revenue of every purchase in the run.</summary>
    public decimal Revenue { get; init; }

    /// <summary>Gets the revenue of purchases driven by a message.</summary>
    public decimal DrivenRevenue { get; init; }

    /// <summary>Gets the unsubscribes (including SMS opt-out replies), all channels.</summary>
    public long Unsubscribes { get; init; }

    /// <summary>Gets the spam complaints, all channels.</summary>
    public long Complaints { get; init; }

    /// <summary>Gets the messages that broke a lab rule, as found by <see cref="ViolationAuditor"/>. Must be 0.</summary>
    public int Violations { get; init; }

    /// <summary>Gets up to 20 of the violations, for the report.</summary>
    public ImmutableArray<RuleViolation> ViolationSamples { get; init; } = [];

    /// <summary>Gets, over the whole run, how many decisions each rule held (every candidate held), keyed <c>rule: code</c>
    /// (<see cref="DecideResult.HeldByRule"/> summed over the ticks).</summary>
    public ImmutableSortedDictionary<string, long> HeldByRule { get; init; } = ImmutableSortedDictionary<string, long>.Empty;

    /// <summary>Gets the messages sent per goal (one decision each).</summary>
    public ImmutableSortedDictionary<string, long> DecisionsByGoal { get; init; } = ImmutableSortedDictionary<string, long>.Empty;

    /// <summary>Gets the customers in the treated group (imported into the agent).</summary>
    public int TreatedCustomers { get; init; }

    /// <summary>Gets the customers in the global control group (never messaged).</summary>
    public int ControlCustomers { get; init; }

    /// <summary>Gets the share of treated customers who bought at least once in the run.</summary>
    public double TreatedConversionRate { get; init; }

    /// <summary>Gets the share of control customers who bought at least once in the run.</summary>
    public double ControlConversionRate { get; init; }

    /// <summary>Gets the uplift: treated minus control conversion rate (percentage points as a fraction).</summary>
    public double Uplift => TreatedConversionRate - ControlConversionRate;

    /// <summary>Gets the revenue of the no-contact run on the same seed (the counterfactual).</summary>
    public decimal BaselineRevenue { get; init; }

    /// <summary>Gets the incremental revenue: <see cref="Revenue"/> minus <see cref="BaselineRevenue"/>.</summary>
    public decimal IncrementalRevenue => Revenue - BaselineRevenue;

    /// <summary>Gets the contact costs: per message, the channel's price plus the attention cost (<see cref="ContactCosts"/>).</summary>
    public decimal ContactCost { get; init; }

    /// <summary>Gets the net value: <see cref="IncrementalRevenue"/> minus <see cref="ContactCost"/>.</summary>
    public decimal NetValue => IncrementalRevenue - ContactCost;

    /// <summary>Gets the customers the agent evaluated, summed over ticks.</summary>
    public long Evaluations { get; init; }

    /// <summary>Gets the cumulative purchases at the end of each simulated day (index 0 = end of day 1).</summary>
    public ImmutableArray<long> CumulativeConversionsByDay { get; init; } = [];

    /// <summary>Gets the cumulative revenue at the end of each simulated day (index 0 = end of day 1).</summary>
    public ImmutableArray<decimal> CumulativeRevenueByDay { get; init; } = [];

    /// <summary>Gets the cumulative contact cost at the end of each simulated day (by send instant; index 0 = end of day 1).</summary>
    public ImmutableArray<decimal> CumulativeContactCostByDay { get; init; } = [];

    /// <summary>Gets the no-contact run's cumulative revenue at the end of each simulated day (the counterfactual, day by day).</summary>
    public ImmutableArray<decimal> BaselineCumulativeRevenueByDay { get; init; } = [];

    /// <summary>
    /// Gets the net value earned over the last <paramref name="days"/> simulated days: revenue in those days minus the no-contact run's
    /// revenue in the same days, minus the contact cost of the messages sent in them. The whole run when <paramref name="days"/> is at
    /// least the run's length (then exactly <see cref="NetValue"/>).
    /// </summary>
    /// <param name="days">How many days, counted back from the end.</param>
    /// <returns>The net value, or 0 when the day series are missing.</returns>
    public decimal NetValueOverLastDays(int days)
    {
        var revenue = CumulativeRevenueByDay;
        var baseline = BaselineCumulativeRevenueByDay;
        var cost = CumulativeContactCostByDay;
        var n = revenue.Length;
        if (n == 0 || baseline.Length != n || cost.Length != n || days <= 0)
        {
            return 0;
        }

        if (days >= n)
        {
            return NetValue; // the whole run, exactly as reported (contact cost rounded the same way)
        }

        var from = n - days - 1; // the day before the window
        decimal At(ImmutableArray<decimal> series, int day) => day < 0 ? 0 : series[day];
        return (At(revenue, n - 1) - At(revenue, from)) - (At(baseline, n - 1) - At(baseline, from)) - (At(cost, n - 1) - At(cost, from));
    }

    /// <summary>Gets the wall-clock time the run took (population import and audit included).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the wall-clock time spent in the world (<c>AdvanceTo</c>).</summary>
    public TimeSpan WorldTime { get; init; }

    /// <summary>Gets the wall-clock time spent ingesting the world's events (<c>IngestAsync</c>).</summary>
    public TimeSpan IngestTime { get; init; }

    /// <summary>Gets the wall-clock time spent in the agent's ticks (<c>RunOnceAsync</c>: decide, compose, commit, dispatch).</summary>
    public TimeSpan AgentTime { get; init; }

    /// <summary>
    /// Returns the machine-readable line: <c>result strategy=&lt;name&gt; messages=&lt;n&gt; conversions=&lt;n&gt; revenue=&lt;x&gt;
    /// net_value=&lt;x&gt; net_value_last30=&lt;x&gt; unsubscribes=&lt;n&gt; complaints=&lt;n&gt; violations=&lt;n&gt;</c> (invariant culture, money
    /// with 2 decimals; <c>net_value_last30</c> is <see cref="NetValueOverLastDays"/> of 30).
    /// </summary>
    /// <returns>The line.</returns>
    public string ToResultLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"result strategy={Strategy} messages={Messages} conversions={Conversions} revenue={Revenue:0.00} net_value={NetValue:0.00} net_value_last30={NetValueOverLastDays(30):0.00} unsubscribes={Unsubscribes} complaints={Complaints} violations={Violations}");
}
