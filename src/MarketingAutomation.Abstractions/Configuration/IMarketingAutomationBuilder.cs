using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation;

/// <summary>
/// Composes the decision pipeline. Returned by <c>services.AddMarketingAutomation()</c>. Verbs: <c>AddX</c> adds one of many,
/// <c>SetX</c> fills a single slot, <c>Use</c> adds ordered middleware. The composition is validated when the pipeline is
/// first built (at host start): every problem is reported in one message that names the call to make.
/// </summary>
public interface IMarketingAutomationBuilder
{
    /// <summary>Gets the service collection, for provider packages that register their own services.</summary>
    IServiceCollection Services { get; }

    /// <summary>Adds a goal.</summary>
    /// <param name="factory">Creates the goal.</param>
    /// <returns>The builder.</returns>
    IMarketingAutomationBuilder AddGoal(Func<IServiceProvider, Goal> factory);

    /// <summary>Adds a hard rule evaluated on every candidate, in the order added.</summary>
    /// <param name="factory">Creates the rule.</param>
    /// <returns>The builder.</returns>
    IMarketingAutomationBuilder AddPolicy(Func<IServiceProvider, IPolicy> factory);

    /// <summary>Adds a rule evaluated on every rendered message.</summary>
    /// <param name="factory">Creates the rule.</param>
    /// <returns>The builder.</returns>
    IMarketingAutomationBuilder AddContentRule(Func<IServiceProvider, IContentRule> factory);

    /// <summary>Adds a channel. Channel names must be unique.</summary>
    /// <param name="factory">Creates the channel.</param>
    /// <returns>The builder.</returns>
    IMarketingAutomationBuilder AddChannel(Func<IServiceProvider, IChannel> factory);

    /// <summary>Sets the decision strategy (required).</summary>
    /// <param name="factory">Creates the strategy.</param>
    /// <returns>The builder.</returns>
    IMarketingAutomationBuilder SetDecisionStrategy(Func<IServiceProvider, IDecisionStrategy> factory);

    /// <summary>Sets the customer store (required). If the store also implements <see cref="IReviewQueue"/>, it is the review queue unless one is set.</summary>
    /// <param name="factory">Creates the store.</param>
    /// <returns>The builder.</returns>
    IMarketingAutomationBuilder SetCustomerStore(Func<IServiceProvider, ICustomerStore> factory);

    /// <summary>Sets the review queue.</summary>
    /// <param name="factory">Creates the queue.</param>
    /// <returns>The builder.</returns>
    IMarketingAutomationBuilder SetReviewQueue(Func<IServiceProvider, IReviewQueue> factory);

    /// <summary>Sets the content composer (default: the template composer).</summary>
    /// <param name="factory">Creates the composer.</param>
    /// <returns>The builder.</returns>
    IMarketingAutomationBuilder SetContentComposer(Func<IServiceProvider, IContentComposer> factory);

    /// <summary>Sets the send-time strategy (default: send at once).</summary>
    /// <param name="factory">Creates the strategy.</param>
    /// <returns>The builder.</returns>
    IMarketingAutomationBuilder SetSendTimeStrategy(Func<IServiceProvider, ISendTimeStrategy> factory);

    /// <summary>Adds middleware around compose, content rules and review. The first added runs outermost.</summary>
    /// <param name="factory">Creates the middleware.</param>
    /// <returns>The builder.</returns>
    IMarketingAutomationBuilder Use(Func<IServiceProvider, IDecisionMiddleware> factory);
}

/// <summary>Instance and type overloads of the <see cref="IMarketingAutomationBuilder"/> verbs.</summary>
public static class MarketingAutomationBuilderExtensions
{
    /// <summary>Adds a goal instance.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="goal">The goal.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddGoal(this IMarketingAutomationBuilder builder, Goal goal)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(goal);
        return builder.AddGoal(_ => goal);
    }

    /// <summary>Adds a rule instance.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="policy">The rule.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddPolicy(this IMarketingAutomationBuilder builder, IPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        return builder.AddPolicy(_ => policy);
    }

    /// <summary>Adds a rule created from the service provider.</summary>
    /// <typeparam name="TPolicy">The rule type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddPolicy<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TPolicy>(this IMarketingAutomationBuilder builder)
        where TPolicy : class, IPolicy
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddPolicy(sp => ActivatorUtilities.CreateInstance<TPolicy>(sp));
    }

    /// <summary>Adds a content rule instance.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="rule">The rule.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddContentRule(this IMarketingAutomationBuilder builder, IContentRule rule)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(rule);
        return builder.AddContentRule(_ => rule);
    }

    /// <summary>Adds a channel instance.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="channel">The channel.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddChannel(this IMarketingAutomationBuilder builder, IChannel channel)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(channel);
        return builder.AddChannel(_ => channel);
    }

    /// <summary>Sets the decision strategy instance.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder SetDecisionStrategy(this IMarketingAutomationBuilder builder, IDecisionStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(strategy);
        return builder.SetDecisionStrategy(_ => strategy);
    }

    /// <summary>Sets the customer store instance.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="store">The store.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder SetCustomerStore(this IMarketingAutomationBuilder builder, ICustomerStore store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        return builder.SetCustomerStore(_ => store);
    }

    /// <summary>Sets the content composer instance.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="composer">The composer.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder SetContentComposer(this IMarketingAutomationBuilder builder, IContentComposer composer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(composer);
        return builder.SetContentComposer(_ => composer);
    }

    /// <summary>Adds a middleware instance.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="middleware">The middleware.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder Use(this IMarketingAutomationBuilder builder, IDecisionMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(middleware);
        return builder.Use(_ => middleware);
    }
}
