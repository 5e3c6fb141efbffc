using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime.Testing;

namespace MarketingAutomation.Tests.Builder;

public sealed class CompositionTests
{
    [Fact]
    public void Resolve_ValidComposition_ExposesEverythingInRegistrationOrder()
    {
        var rule = new StubPolicy("custom", _ => PolicyVerdict.Allow);
        var contentRule = new ForbiddenWordRule();
        var first = new PassThroughMiddleware();
        var second = new PassThroughMiddleware();
        using var services = EngineServices.Build(b => b
            .UseInMemoryStore()
            .AddRecordingChannel("sms", ChannelKind.Sms)
            .AddRecordingChannel("email", ChannelKind.Email)
            .AddChannel(new RecordingChannel("push", ChannelKind.Push))
            .UseGoalPriorityStrategy()
            .AddRenewalReminder()
            .AddWelcomeSequence()
            .AddWinBack()
            .AddVipRecommendation()
            .AddCrossSell(new CrossSellGoal([new CrossSellRule("a", "b", new ContentVariant("b") { Body = "b" })]))
            .AddConsentPolicy()
            .AddPolicy(rule)
            .AddFrequencyCap(2, Duration.FromDays(7))
            .AddFrequencyCap(1, Duration.FromDays(1), ChannelKind.Sms)
            .AddContentRule(contentRule)
            .Use(first)
            .Use(second));

        var pipeline = services.GetRequiredService<MarketingPipeline>();

        Assert.Equal(["renewal-reminder", "welcome", "win-back", "vip-recommendation", "cross-sell"], pipeline.Goals.Select(g => g.Id));
        Assert.Equal(["consent", "custom", "frequency-cap:2/7d", "frequency-cap:1/1d:sms"], pipeline.Policies.Select(p => p.Name));
        Assert.Same(rule, pipeline.Policies[1]);
        Assert.Equal(["sms", "email", "push"], pipeline.Channels.Select(c => c.Name));
        Assert.IsType<ChannelLengthContentRule>(pipeline.ContentRules[0]);
        Assert.Same(contentRule, pipeline.ContentRules[1]);
        Assert.Equal(2, pipeline.ContentRules.Length);
        Assert.Equal([first, second], pipeline.Middleware);
        Assert.IsType<GoalPriorityStrategy>(pipeline.Strategy);
        Assert.IsType<TemplateContentComposer>(pipeline.Composer);
        Assert.IsType<ImmediateSendTimeStrategy>(pipeline.SendTime);
        var store = services.GetRequiredService<InMemoryCustomerStore>();
        Assert.Same(store, pipeline.Store);
        Assert.Same(store, pipeline.ReviewQueue);
        Assert.IsType<FakeClock>(pipeline.Clock);
        Assert.Same(pipeline.Channels[1], pipeline.FindChannel("email"));
        Assert.Null(pipeline.FindChannel("EMAIL"));
        Assert.Same(pipeline.Goals[2], pipeline.FindGoal("win-back"));
        Assert.Null(pipeline.FindGoal("nope"));
    }

    [Fact]
    public void Resolve_ValidComposition_SharesOnePipelineAcrossEngineAndAgent()
    {
        using var services = EngineServices.Build(b => b.WithDefaults().AddWelcomeSequence());

        var pipeline = services.GetRequiredService<MarketingPipeline>();

        Assert.Same(pipeline, services.GetRequiredService<MarketingPipeline>());
        Assert.Same(pipeline, services.GetRequiredService<DecisionEngine>().Pipeline);
        Assert.Same(pipeline, services.GetRequiredService<MarketingAgent>().Pipeline);
        Assert.Single(services.GetServices<IHostedService>());
    }

    [Fact]
    public void Resolve_FactoriesRunOnceWithTheServiceProvider()
    {
        var calls = 0;
        var channel = new RecordingChannel("email", ChannelKind.Email);
        using var services = EngineServices.Build(
            b => b
                .UseInMemoryStore()
                .UseGoalPriorityStrategy()
                .AddWelcomeSequence()
                .AddChannel(sp =>
                {
                    calls++;
                    return sp.GetRequiredKeyedService<RecordingChannel>("registered");
                }),
            services: s => s.AddKeyedSingleton("registered", channel));

        services.GetRequiredService<MarketingPipeline>();
        services.GetRequiredService<DecisionEngine>();
        services.GetRequiredService<MarketingAgent>();

        Assert.Equal(1, calls);
        Assert.Same(channel, Assert.Single(services.GetRequiredService<MarketingPipeline>().Channels));
    }

    [Fact]
    public void Resolve_SingleSlotsSet_UseTheGivenComponents()
    {
        var composer = new TemplateContentComposer();
        var timing = new ImmediateSendTimeStrategy();
        var strategy = new SpyStrategy();
        using var services = EngineServices.Build(b => b
            .WithDefaults()
            .AddWelcomeSequence()
            .SetDecisionStrategy(strategy)
            .SetContentComposer(composer)
            .SetSendTimeStrategy(_ => timing));

        var pipeline = services.GetRequiredService<MarketingPipeline>();

        Assert.Same(strategy, pipeline.Strategy);
        Assert.Same(composer, pipeline.Composer);
        Assert.Same(timing, pipeline.SendTime);
    }

    [Fact]
    public void Resolve_OptionsConfigured_AreOnThePipeline()
    {
        using var services = EngineServices.Build(
            b => b.WithDefaults().AddWelcomeSequence(),
            o =>
            {
                o.BatchSize = 7;
                o.ReevaluationInterval = Duration.FromHours(3);
            });

        var options = services.GetRequiredService<MarketingPipeline>().Options;

        Assert.Equal(7, options.BatchSize);
        Assert.Equal(Duration.FromHours(3), options.ReevaluationInterval);
    }

    [Fact]
    public void AddMarketingAutomation_CalledTwice_SharesRegistrations()
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IClock>(new FakeClock(Customers.Now));

        var firstBuilder = collection.AddMarketingAutomation(o => o.BatchSize = 10).UseInMemoryStore().AddWelcomeSequence();
        var secondBuilder = collection.AddMarketingAutomation(o => o.MaxDegreeOfParallelism = 3)
            .AddRecordingChannel("email", ChannelKind.Email)
            .UseGoalPriorityStrategy()
            .AddWinBack();
        using var services = collection.BuildServiceProvider();
        var pipeline = services.GetRequiredService<MarketingPipeline>();

        Assert.Same(firstBuilder.Services, secondBuilder.Services);
        Assert.Equal(["welcome", "win-back"], pipeline.Goals.Select(g => g.Id));
        Assert.Equal("email", Assert.Single(pipeline.Channels).Name);
        Assert.Equal(10, pipeline.Options.BatchSize);
        Assert.Equal(3, pipeline.Options.MaxDegreeOfParallelism);
        Assert.Single(collection, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(collection, d => d.ServiceType == typeof(MarketingPipeline));
        Assert.Single(services.GetServices<Microsoft.Extensions.Options.IValidateOptions<MarketingAutomationOptions>>());
    }

    [Fact]
    public void AddMarketingAutomation_ClockRegisteredAfterwards_IsStillUsed()
    {
        var clock = new FakeClock(Customers.Now);
        var collection = new ServiceCollection();
        collection.AddMarketingAutomation().WithDefaults().AddWelcomeSequence();
        collection.AddSingleton<IClock>(clock);
        using var services = collection.BuildServiceProvider();

        Assert.Same(clock, services.GetRequiredService<MarketingPipeline>().Clock);
    }

    [Fact]
    public void AddMarketingAutomation_WithoutClock_UsesSystemClock()
    {
        var collection = new ServiceCollection();
        collection.AddMarketingAutomation().WithDefaults().AddWelcomeSequence();
        using var services = collection.BuildServiceProvider();

        Assert.Same(SystemClock.Instance, services.GetRequiredService<MarketingPipeline>().Clock);
    }

    [Fact]
    public void BuilderVerbs_NullArguments_Throw()
    {
        var builder = new ServiceCollection().AddMarketingAutomation();

        Assert.Throws<ArgumentNullException>(() => builder.AddGoal((Func<IServiceProvider, Goal>)null!));
        Assert.Throws<ArgumentNullException>(() => builder.AddPolicy((Func<IServiceProvider, IPolicy>)null!));
        Assert.Throws<ArgumentNullException>(() => builder.AddContentRule((Func<IServiceProvider, IContentRule>)null!));
        Assert.Throws<ArgumentNullException>(() => builder.AddChannel((Func<IServiceProvider, IChannel>)null!));
        Assert.Throws<ArgumentNullException>(() => builder.SetDecisionStrategy((Func<IServiceProvider, IDecisionStrategy>)null!));
        Assert.Throws<ArgumentNullException>(() => builder.SetCustomerStore((Func<IServiceProvider, ICustomerStore>)null!));
        Assert.Throws<ArgumentNullException>(() => builder.SetReviewQueue(null!));
        Assert.Throws<ArgumentNullException>(() => builder.SetContentComposer((Func<IServiceProvider, IContentComposer>)null!));
        Assert.Throws<ArgumentNullException>(() => builder.SetSendTimeStrategy(null!));
        Assert.Throws<ArgumentNullException>(() => builder.Use((Func<IServiceProvider, IDecisionMiddleware>)null!));
        Assert.Throws<ArgumentNullException>(() => builder.AddGoal((Goal)null!));
        Assert.Throws<ArgumentNullException>(() => builder.AddCrossSell(null!));
        Assert.Throws<ArgumentNullException>(() => MarketingAutomationServiceCollectionExtensions.AddMarketingAutomation(null!));
    }

    [Fact]
    public void BuilderVerbs_ReturnTheSameBuilder()
    {
        var builder = new ServiceCollection().AddMarketingAutomation();

        Assert.Same(builder, builder.AddGoal(new StubGoal("g")));
        Assert.Same(builder, builder.AddPolicy(new ConsentPolicy()));
        Assert.Same(builder, builder.SetDecisionStrategy(new GoalPriorityStrategy()));
        Assert.Same(builder, builder.Use(new PassThroughMiddleware()));
    }

    private sealed class ForbiddenWordRule : IContentRule
    {
        public string Name => "forbidden-word";

        public PolicyVerdict Evaluate(in ContentRuleContext context) => PolicyVerdict.Allow;
    }

    private sealed class PassThroughMiddleware : IDecisionMiddleware
    {
        public ValueTask InvokeAsync(DecisionContext context, DecisionHandler continuation, CancellationToken cancellationToken) =>
            continuation(context, cancellationToken);
    }
}
