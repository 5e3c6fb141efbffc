using CustomChannel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace MarketingAutomation;

/// <summary>Registers a <see cref="SignedWebhookChannel"/> on the marketing automation builder.</summary>
public static class SignedWebhookBuilderExtensions
{
    /// <summary>
    /// Adds a signed webhook channel. Its <see cref="HttpClient"/> comes from <c>IHttpClientFactory</c> as a named client (the channel
    /// name), so handler lifetimes, proxies and extra handlers are configured the usual way with <c>services.AddHttpClient(name)</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options (endpoint and secret are required).</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddSignedWebhookChannel(this IMarketingAutomationBuilder builder, Action<SignedWebhookChannelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SignedWebhookChannelOptions();
        configure(options);
        options.Validate(); // Fail at registration, not at the first send.
        var clientName = "MarketingAutomation.SignedWebhook." + options.Name;

        // The channel enforces its own timeout and maps it to Unknown; the client's timeout only has to be longer.
        builder.Services.AddHttpClient(clientName, client => client.Timeout = options.Timeout + TimeSpan.FromSeconds(5));
        return builder.AddChannel(sp => new SignedWebhookChannel(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(clientName),
            options,
            sp.GetService<ILogger<SignedWebhookChannel>>(),
            sp.GetService<IClock>()));
    }
}
