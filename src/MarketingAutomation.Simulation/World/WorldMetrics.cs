using System.Globalization;
using System.Text;

namespace MarketingAutomation.Simulation;

/// <summary>What happened on one channel kind in a simulated world.</summary>
public sealed class ChannelMetrics
{
    /// <summary>Gets the channel kind.</summary>
    public ChannelKind Kind { get; internal init; }

    /// <summary>Gets how many messages were handed to the channel (accepted or not).</summary>
    public int Sends { get; internal set; }

    /// <summary>Gets how many the channel rejected (unknown customer, no or invalid address).</summary>
    public int Rejected { get; internal set; }

    /// <summary>Gets how many were delivered.</summary>
    public int Delivered { get; internal set; }

    /// <summary>Gets how many were opened by a person.</summary>
    public int HumanOpens { get; internal set; }

    /// <summary>Gets how many were opened by a machine (privacy proxy).</summary>
    public int MachineOpens { get; internal set; }

    /// <summary>Gets how many were clicked.</summary>
    public int Clicks { get; internal set; }

    /// <summary>Gets how many led to a message-driven purchase (incremental or pulled forward).</summary>
    public int Conversions { get; internal set; }

    /// <summary>Gets how many of <see cref="Conversions"/> would not have happened without the message.</summary>
    public int IncrementalConversions { get; internal set; }

    /// <summary>Gets the revenue of message-driven purchases on this channel.</summary>
    public double Revenue { get; internal set; }

    /// <summary>Gets how many made the customer unsubscribe (STOP replies included).</summary>
    public int Unsubscribes { get; internal set; }

    /// <summary>Gets how many drew a spam complaint.</summary>
    public int Complaints { get; internal set; }

    /// <summary>Gets how many bounced (hard and soft).</summary>
    public int Bounces { get; internal set; }

    internal ChannelMetrics Copy() => (ChannelMetrics)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Kind}: sends {Sends}, delivered {Delivered}, opens {HumanOpens} (+{MachineOpens} machine), clicks {Clicks}, conversions {Conversions} ({IncrementalConversions} incremental, {Revenue:F2}), unsubscribes {Unsubscribes}, complaints {Complaints}, bounces {Bounces}, rejected {Rejected}");
}

/// <summary>What happened in a simulated world: per channel kind, revenue totals, and per simulated day since the start.</summary>
public sealed class WorldMetrics
{
    private static readonly ChannelKind[] Kinds = [ChannelKind.Email, ChannelKind.Sms, ChannelKind.Push, ChannelKind.InApp, ChannelKind.Webhook];
    private readonly ChannelMetrics[] _channels;
    private readonly List<int> _dailyConversions;
    private readonly List<double> _dailyRevenue;

    internal WorldMetrics()
    {
        _channels = new ChannelMetrics[Kinds.Length];
        for (var i = 0; i < Kinds.Length; i++)
        {
            _channels[i] = new ChannelMetrics { Kind = Kinds[i] };
        }

        _dailyConversions = [];
        _dailyRevenue = [];
    }

    private WorldMetrics(WorldMetrics source)
    {
        _channels = new ChannelMetrics[source._channels.Length];
        for (var i = 0; i < _channels.Length; i++)
        {
            _channels[i] = source._channels[i].Copy();
        }

        _dailyConversions = [.. source._dailyConversions];
        _dailyRevenue = [.. source._dailyRevenue];
        Purchases = source.Purchases;
        OrganicPurchases = source.OrganicPurchases;
        OrganicRevenue = source.OrganicRevenue;
        DrivenRevenue = source.DrivenRevenue;
        AttributedOrganicPurchases = source.AttributedOrganicPurchases;
        Renewals = source.Renewals;
        Cancellations = source.Cancellations;
    }

    /// <summary>Gets the metrics of every channel kind.</summary>
    public IReadOnlyList<ChannelMetrics> Channels => _channels;

    /// <summary>Gets the metrics of one channel kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The metrics.</returns>
    public ChannelMetrics this[ChannelKind kind] => For(kind);

    /// <summary>Gets the metrics of one channel kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The metrics.</returns>
    public ChannelMetrics For(ChannelKind kind) => (uint)kind < (uint)_channels.Length ? _channels[(int)kind] : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown channel kind.");

    /// <summary>Gets every purchase (organic, renewals and message-driven).</summary>
    public int Purchases { get; internal set; }

    /// <summary>Gets the purchases that came from the BG/NBD process and subscription renewals (not driven by a message).</summary>
    public int OrganicPurchases { get; internal set; }

    /// <summary>Gets the organic purchases the world attributed to a message (clicked inside the attribution window) although they would have happened anyway.</summary>
    public int AttributedOrganicPurchases { get; internal set; }

    /// <summary>Gets the subscriptions renewed.</summary>
    public int Renewals { get; internal set; }

    /// <summary>Gets the subscriptions cancelled or expired.</summary>
    public int Cancellations { get; internal set; }

    /// <summary>Gets the revenue of organic purchases and renewals.</summary>
    public double OrganicRevenue { get; internal set; }

    /// <summary>Gets the revenue of message-driven purchases (net of discounts).</summary>
    public double DrivenRevenue { get; internal set; }

    /// <summary>Gets all revenue: organic plus driven.</summary>
    public double Revenue => OrganicRevenue + DrivenRevenue;

    /// <summary>Gets message-driven conversions over every channel.</summary>
    public int Conversions => Sum(static c => c.Conversions);

    /// <summary>Gets messages handed to channels over every channel.</summary>
    public int Sends => Sum(static c => c.Sends);

    /// <summary>Gets unsubscribes over every channel.</summary>
    public int Unsubscribes => Sum(static c => c.Unsubscribes);

    /// <summary>Gets complaints over every channel.</summary>
    public int Complaints => Sum(static c => c.Complaints);

    /// <summary>Gets cumulative message-driven conversions at the end of each simulated day since the start (index 0 is the first day), through the day of the last <see cref="SimulatedWorld.AdvanceTo"/>.</summary>
    public IReadOnlyList<int> CumulativeConversionsByDay
    {
        get
        {
            var result = new int[_dailyConversions.Count];
            var total = 0;
            for (var i = 0; i < result.Length; i++)
            {
                total += _dailyConversions[i];
                result[i] = total;
            }

            return result;
        }
    }

    /// <summary>Gets cumulative revenue (organic plus driven) at the end of each simulated day since the start.</summary>
    public IReadOnlyList<double> CumulativeRevenueByDay
    {
        get
        {
            var result = new double[_dailyRevenue.Count];
            var total = 0.0;
            for (var i = 0; i < result.Length; i++)
            {
                total += _dailyRevenue[i];
                result[i] = total;
            }

            return result;
        }
    }

    /// <summary>Copies the metrics as they are now.</summary>
    /// <returns>An independent copy.</returns>
    public WorldMetrics Snapshot() => new(this);

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"purchases {Purchases} (organic {OrganicPurchases}, attributed organic {AttributedOrganicPurchases}), revenue {Revenue:F2} (organic {OrganicRevenue:F2}, driven {DrivenRevenue:F2}), renewals {Renewals}, cancellations {Cancellations}");
        foreach (var c in _channels)
        {
            if (c.Sends > 0)
            {
                text.AppendLine().Append(c);
            }
        }

        return text.ToString();
    }

    internal void AddDaily(int day, int conversions, double revenue)
    {
        if (day < 0)
        {
            day = 0;
        }

        while (_dailyConversions.Count <= day)
        {
            _dailyConversions.Add(0);
            _dailyRevenue.Add(0);
        }

        _dailyConversions[day] += conversions;
        _dailyRevenue[day] += revenue;
    }

    private int Sum(Func<ChannelMetrics, int> selector)
    {
        var total = 0;
        foreach (var c in _channels)
        {
            total += selector(c);
        }

        return total;
    }
}
