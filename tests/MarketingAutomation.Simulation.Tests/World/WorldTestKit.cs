using System.Globalization;
using NodaTime.Testing;

namespace MarketingAutomation.Simulation.Tests.World;

/// <summary>Drives a world the way the runner does: a fake clock, hourly ticks, sends through the world's channels.</summary>
internal sealed class WorldDriver
{
    private int _next;

    public WorldDriver(PopulationOptions population, IEnumerable<SimulatedCustomer> customers, WorldOptions? options = null)
    {
        Clock = new FakeClock(population.Start);
        World = new SimulatedWorld(population, customers, Clock, options);
        Email = World.CreateChannel("email", ChannelKind.Email);
        Sms = World.CreateChannel("sms", ChannelKind.Sms);
        Push = World.CreateChannel("push", ChannelKind.Push);
    }

    public FakeClock Clock { get; }

    public SimulatedWorld World { get; }

    public IChannel Email { get; }

    public IChannel Sms { get; }

    public IChannel Push { get; }

    public List<CustomerEvent> Events { get; } = [];

    public IReadOnlyList<CustomerEvent> AdvanceTo(Instant now)
    {
        Clock.Reset(now);
        var events = World.AdvanceTo(now);
        Events.AddRange(events);
        return events;
    }

    public SendResult Send(IChannel channel, string customerId, string goalId = "win-back", string? offerId = null, MessagePurpose purpose = MessagePurpose.Marketing, string body = "Hello", string variantId = "v1")
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"m{++_next:D7}");
        var message = new OutboundMessage(id, Guid.NewGuid(), customerId, channel.Name, "address", body)
        {
            Kind = channel.Kind,
            Purpose = purpose,
            GoalId = goalId,
            VariantId = variantId,
            OfferId = offerId,
        };
        return channel.SendAsync(message).AsTask().GetAwaiter().GetResult();
    }
}
