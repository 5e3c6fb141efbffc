using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.Tests.Shared;

/// <summary>A minimal <see cref="IMarketingAutomationBuilder"/> that records what was set, for testing builder extensions without the engine.</summary>
internal sealed class TestBuilder : IMarketingAutomationBuilder
{
    public IServiceCollection Services { get; } = new ServiceCollection();

    public Func<IServiceProvider, ICustomerStore>? CustomerStore { get; private set; }

    public Func<IServiceProvider, IReviewQueue>? ReviewQueue { get; private set; }

    public List<Func<IServiceProvider, IChannel>> Channels { get; } = [];

    public IMarketingAutomationBuilder AddChannel(Func<IServiceProvider, IChannel> factory)
    {
        Channels.Add(factory);
        return this;
    }

    public IMarketingAutomationBuilder SetCustomerStore(Func<IServiceProvider, ICustomerStore> factory)
    {
        CustomerStore = factory;
        return this;
    }

    public IMarketingAutomationBuilder SetReviewQueue(Func<IServiceProvider, IReviewQueue> factory)
    {
        ReviewQueue = factory;
        return this;
    }

    public IMarketingAutomationBuilder AddContentRule(Func<IServiceProvider, IContentRule> factory) => throw new NotSupportedException();

    public IMarketingAutomationBuilder AddGoal(Func<IServiceProvider, Goal> factory) => throw new NotSupportedException();

    public IMarketingAutomationBuilder AddPolicy(Func<IServiceProvider, IPolicy> factory) => throw new NotSupportedException();

    public IMarketingAutomationBuilder SetContentComposer(Func<IServiceProvider, IContentComposer> factory) => throw new NotSupportedException();

    public IMarketingAutomationBuilder SetDecisionStrategy(Func<IServiceProvider, IDecisionStrategy> factory) => throw new NotSupportedException();

    public IMarketingAutomationBuilder SetSendTimeStrategy(Func<IServiceProvider, ISendTimeStrategy> factory) => throw new NotSupportedException();

    public IMarketingAutomationBuilder Use(Func<IServiceProvider, IDecisionMiddleware> factory) => throw new NotSupportedException();
}
