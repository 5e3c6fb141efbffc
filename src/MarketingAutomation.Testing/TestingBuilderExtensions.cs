using MarketingAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MarketingAutomation;

/// <summary>Registers the MarketingAutomation.Testing helpers: the in-memory store and the recording channel.</summary>
public static class TestingBuilderExtensions
{
    /// <summary>
    /// Uses an <see cref="InMemoryCustomerStore"/> as the customer store and the review queue. The store is also registered as a
    /// singleton <see cref="InMemoryCustomerStore"/>, so tests can resolve it to seed customers and inspect the outbox.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="store">The store to use; when null, the <see cref="InMemoryCustomerStore"/> registered in the services is used, or a new one.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder UseInMemoryStore(this IMarketingAutomationBuilder builder, InMemoryCustomerStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Func<IServiceProvider, InMemoryCustomerStore> resolve;
        if (store is null)
        {
            builder.Services.TryAddSingleton(_ => new InMemoryCustomerStore());
            resolve = static sp => sp.GetRequiredService<InMemoryCustomerStore>();
        }
        else
        {
            builder.Services.TryAddSingleton(store);
            resolve = _ => store;
        }

        return builder.SetCustomerStore(resolve).SetReviewQueue(resolve);
    }

    /// <summary>
    /// Adds a <see cref="RecordingChannel"/> that records every send and accepts it (unless configured otherwise). The channel is also
    /// registered as a keyed singleton <see cref="RecordingChannel"/> under its name, so tests can resolve it to inspect the ledger.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The channel's registration name.</param>
    /// <param name="kind">The channel kind.</param>
    /// <param name="configure">Configures the channel (capabilities, scripted behaviour) before it is added.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddRecordingChannel(this IMarketingAutomationBuilder builder, string name, ChannelKind kind, Action<RecordingChannel>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var channel = new RecordingChannel(name, kind);
        configure?.Invoke(channel);
        return builder.AddRecordingChannel(channel);
    }

    /// <summary>
    /// Adds a <see cref="RecordingChannel"/> instance. The channel is also registered as a keyed singleton <see cref="RecordingChannel"/>
    /// under its name.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="channel">The channel.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddRecordingChannel(this IMarketingAutomationBuilder builder, RecordingChannel channel)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(channel);
        builder.Services.TryAddKeyedSingleton(channel.Name, channel);
        return builder.AddChannel(_ => channel);
    }
}
