namespace MarketingAutomation.Simulation;

/// <summary>An <see cref="IChannel"/> that hands every send to a <see cref="SimulatedWorld"/>, which answers from the hidden truth.</summary>
internal sealed class SimulatedChannel : IChannel
{
    private static readonly ChannelMetadata Metadata = new("simulation");
    private readonly SimulatedWorld _world;

    public SimulatedChannel(SimulatedWorld world, string name, ChannelKind kind)
    {
        _world = world;
        Name = name;
        Kind = kind;
        Capabilities = kind switch
        {
            ChannelKind.Email => new ChannelCapabilities { SupportsSubject = true, CostPerMessage = 0.001 },
            ChannelKind.Sms => new ChannelCapabilities { MaxBodyLength = 306, MaxProviderQueueDelay = Duration.FromMinutes(10), CostPerMessage = 0.0079 },
            ChannelKind.Push => new ChannelCapabilities { MaxBodyLength = 178, SupportsSubject = true, CostPerMessage = 0.0005 },
            _ => new ChannelCapabilities { CostPerMessage = 0.0001 },
        };
    }

    public string Name { get; }

    public ChannelKind Kind { get; }

    public ChannelCapabilities Capabilities { get; }

    public ValueTask<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_world.Send(message, Name, Kind, Capabilities.MaxBodyLength));
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChannelMetadata))
        {
            return Metadata;
        }

        if (serviceType == typeof(SimulatedWorld))
        {
            return _world;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }
}
