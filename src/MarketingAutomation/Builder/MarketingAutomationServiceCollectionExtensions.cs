using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MarketingAutomation;

/// <summary>Registers the MarketingAutomation engine.</summary>
public static class MarketingAutomationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine and returns the builder that composes its pipeline. Registers <see cref="MarketingAgent"/> as a hosted service,
    /// <see cref="MarketingPipeline"/>, <see cref="DecisionEngine"/>, <see cref="ReviewService"/> and <see cref="FeedbackIngestor"/>.
    /// The composition is validated at host start (and whenever one of these is first resolved): every problem in one message.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddMarketingAutomation(this IServiceCollection services, Action<MarketingAutomationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(MarketingAutomationRegistrations))?.ImplementationInstance as MarketingAutomationRegistrations;
        var registrations = existing ?? new MarketingAutomationRegistrations();
        if (existing is null)
        {
            services.AddSingleton(registrations);
            services.AddOptions<MarketingAutomationOptions>().ValidateOnStart();
            services.AddSingleton<IValidateOptions<MarketingAutomationOptions>, MarketingAutomationOptionsValidator>();
            services.TryAddSingleton<IClock>(SystemClock.Instance);
            services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
            services.TryAddSingleton(typeof(ILogger<>), typeof(Logger<>));
            services.TryAddSingleton(sp => MarketingPipeline.Create(sp));
            services.TryAddSingleton(sp => new DecisionEngine(sp.GetRequiredService<MarketingPipeline>()));
            services.TryAddSingleton<OutboxDispatcher>();
            services.TryAddSingleton<FeedbackIngestor>();
            services.TryAddSingleton<ReviewService>();
            services.TryAddSingleton<CustomerImporter>();
            services.TryAddSingleton<CustomerFileImporter>();
            services.TryAddSingleton<MarketingAgent>();
            services.TryAddSingleton(sp => sp.GetRequiredService<MarketingAgent>().DataRights);
            services.AddSingleton<IHostedService, MarketingAgentHost>();
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new MarketingAutomationBuilder(services, registrations);
    }
}

/// <summary>
/// Starts <see cref="MarketingAgent"/> with the host. The agent is resolved when the host starts (after <c>ValidateOnStart</c> has run),
/// so a misconfiguration is reported by the options validation with every problem listed.
/// </summary>
internal sealed class MarketingAgentHost(IServiceProvider services) : IHostedService
{
    private MarketingAgent? _agent;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _agent = services.GetRequiredService<MarketingAgent>();
        return _agent.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _agent?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}

/// <summary>Validates the options and the builder's composition at host start, so misconfiguration fails before the first tick.</summary>
internal sealed class MarketingAutomationOptionsValidator(MarketingAutomationRegistrations registrations) : IValidateOptions<MarketingAutomationOptions>
{
    public ValidateOptionsResult Validate(string? name, MarketingAutomationOptions options)
    {
        var problems = registrations.StructuralProblems();
        problems.AddRange(options.Validate());
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
