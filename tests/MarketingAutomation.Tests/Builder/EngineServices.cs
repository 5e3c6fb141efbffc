using MarketingAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;

namespace MarketingAutomation.Tests.Builder;

/// <summary>Builds service providers with the engine registered, on a fake clock at <see cref="Customers.Now"/>.</summary>
internal static class EngineServices
{
    /// <summary>Registers the engine, lets the test compose it, and builds the provider.</summary>
    public static ServiceProvider Build(
        Action<IMarketingAutomationBuilder> compose,
        Action<MarketingAutomationOptions>? options = null,
        Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IClock>(new FakeClock(Customers.Now));
        services?.Invoke(collection);
        compose(collection.AddMarketingAutomation(options));
        return collection.BuildServiceProvider();
    }

    /// <summary>The minimal valid composition around the goals a test adds: in-memory store, e-mail and SMS recording channels, goal-priority strategy.</summary>
    public static IMarketingAutomationBuilder WithDefaults(this IMarketingAutomationBuilder builder) =>
        builder
            .UseInMemoryStore()
            .AddRecordingChannel("email", ChannelKind.Email)
            .AddRecordingChannel("sms", ChannelKind.Sms, c => c.Capabilities = new ChannelCapabilities { MaxBodyLength = 160 })
            .UseGoalPriorityStrategy();
}
