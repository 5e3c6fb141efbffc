using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation;

/// <summary>The registrations collected by the builder; turned into a <see cref="MarketingPipeline"/> when first resolved.</summary>
internal sealed class MarketingAutomationRegistrations
{
    public List<Func<IServiceProvider, Goal>> Goals { get; } = [];

    public List<Func<IServiceProvider, IPolicy>> Policies { get; } = [];

    public List<Func<IServiceProvider, IContentRule>> ContentRules { get; } = [];

    public List<Func<IServiceProvider, IChannel>> Channels { get; } = [];

    public List<Func<IServiceProvider, IDecisionMiddleware>> Middleware { get; } = [];

    public Func<IServiceProvider, IDecisionStrategy>? Strategy { get; set; }

    public Func<IServiceProvider, ICustomerStore>? Store { get; set; }

    public Func<IServiceProvider, IReviewQueue>? ReviewQueue { get; set; }

    public Func<IServiceProvider, IContentComposer>? Composer { get; set; }

    public Func<IServiceProvider, ISendTimeStrategy>? SendTime { get; set; }

    /// <summary>Problems that can be seen without creating anything (missing required slots).</summary>
    public List<string> StructuralProblems()
    {
        var problems = new List<string>();
        if (Strategy is null)
        {
            problems.Add("No decision strategy is set: call builder.SetDecisionStrategy(...) (for example builder.UseGoalPriorityStrategy()).");
        }

        if (Store is null)
        {
            problems.Add("No customer store is set: call builder.SetCustomerStore(...) (for example builder.UseInMemoryStore() from MarketingAutomation.Testing, or the EF Core store).");
        }

        if (Channels.Count == 0)
        {
            problems.Add("No channel is registered: call builder.AddChannel(...) at least once (for example builder.AddRecordingChannel(\"email\", ChannelKind.Email) from MarketingAutomation.Testing).");
        }

        if (Goals.Count == 0)
        {
            problems.Add("No goal is registered: call builder.AddGoal(...) at least once (for example builder.AddWelcomeSequence(...) or builder.AddWinBack(...)).");
        }

        return problems;
    }
}

internal sealed class MarketingAutomationBuilder(IServiceCollection services, MarketingAutomationRegistrations registrations) : IMarketingAutomationBuilder
{
    public IServiceCollection Services { get; } = services;

    public IMarketingAutomationBuilder AddGoal(Func<IServiceProvider, Goal> factory) => Add(registrations.Goals, factory);

    public IMarketingAutomationBuilder AddPolicy(Func<IServiceProvider, IPolicy> factory) => Add(registrations.Policies, factory);

    public IMarketingAutomationBuilder AddContentRule(Func<IServiceProvider, IContentRule> factory) => Add(registrations.ContentRules, factory);

    public IMarketingAutomationBuilder AddChannel(Func<IServiceProvider, IChannel> factory) => Add(registrations.Channels, factory);

    public IMarketingAutomationBuilder Use(Func<IServiceProvider, IDecisionMiddleware> factory) => Add(registrations.Middleware, factory);

    public IMarketingAutomationBuilder SetDecisionStrategy(Func<IServiceProvider, IDecisionStrategy> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        registrations.Strategy = factory;
        return this;
    }

    public IMarketingAutomationBuilder SetCustomerStore(Func<IServiceProvider, ICustomerStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        registrations.Store = factory;
        return this;
    }

    public IMarketingAutomationBuilder SetReviewQueue(Func<IServiceProvider, IReviewQueue> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        registrations.ReviewQueue = factory;
        return this;
    }

    public IMarketingAutomationBuilder SetContentComposer(Func<IServiceProvider, IContentComposer> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        registrations.Composer = factory;
        return this;
    }

    public IMarketingAutomationBuilder SetSendTimeStrategy(Func<IServiceProvider, ISendTimeStrategy> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        registrations.SendTime = factory;
        return this;
    }

    private MarketingAutomationBuilder Add<T>(List<Func<IServiceProvider, T>> list, Func<IServiceProvider, T> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        list.Add(factory);
        return this;
    }
}
