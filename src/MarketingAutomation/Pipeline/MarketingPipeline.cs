using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MarketingAutomation;

/// <summary>
/// The composed pipeline: every goal, rule, channel and the single-slot components, resolved and validated once. Inspect it in tests
/// to assert what a registration produced. Resolving it (or starting the host) throws <see cref="MarketingAutomationConfigurationException"/>
/// listing every problem when the composition is invalid.
/// </summary>
public sealed class MarketingPipeline
{
    private readonly Dictionary<string, IChannel> _channelsByName;
    private readonly Dictionary<string, Goal> _goalsById;

    private MarketingPipeline(
        MarketingAutomationOptions options,
        IClock clock,
        ImmutableArray<Goal> goals,
        ImmutableArray<IPolicy> policies,
        ImmutableArray<IContentRule> contentRules,
        ImmutableArray<IChannel> channels,
        IDecisionStrategy strategy,
        ICustomerStore store,
        IReviewQueue reviewQueue,
        IContentComposer composer,
        ISendTimeStrategy sendTime,
        ImmutableArray<IDecisionMiddleware> middleware,
        IServiceProvider services)
    {
        Options = options;
        Clock = clock;
        Goals = goals;
        Policies = policies;
        ContentRules = contentRules;
        Channels = channels;
        Strategy = strategy;
        Store = store;
        ReviewQueue = reviewQueue;
        Composer = composer;
        SendTime = sendTime;
        Middleware = middleware;
        Services = services;
        _channelsByName = new Dictionary<string, IChannel>(StringComparer.Ordinal);
        foreach (var c in channels)
        {
            _channelsByName[c.Name] = c;
        }

        _goalsById = new Dictionary<string, Goal>(StringComparer.Ordinal);
        foreach (var g in goals)
        {
            _goalsById[g.Id] = g;
        }

        var goalChannels = new IChannel[goals.Length][];
        for (var gi = 0; gi < goals.Length; gi++)
        {
            goalChannels[gi] = OrderChannelsFor(goals[gi], channels);
        }

        GoalChannels = goalChannels;
    }

    /// <summary>Gets the options.</summary>
    public MarketingAutomationOptions Options { get; }

    /// <summary>Gets the clock.</summary>
    public IClock Clock { get; }

    /// <summary>Gets the goals, in registration order.</summary>
    public ImmutableArray<Goal> Goals { get; }

    /// <summary>Gets the rules, in evaluation order.</summary>
    public ImmutableArray<IPolicy> Policies { get; }

    /// <summary>Gets the content rules (the built-in length rule first).</summary>
    public ImmutableArray<IContentRule> ContentRules { get; }

    /// <summary>Gets the channels.</summary>
    public ImmutableArray<IChannel> Channels { get; }

    /// <summary>Gets the decision strategy.</summary>
    public IDecisionStrategy Strategy { get; }

    /// <summary>Gets the customer store.</summary>
    public ICustomerStore Store { get; }

    /// <summary>Gets the review queue.</summary>
    public IReviewQueue ReviewQueue { get; }

    /// <summary>Gets the content composer.</summary>
    public IContentComposer Composer { get; }

    /// <summary>Gets the send-time strategy.</summary>
    public ISendTimeStrategy SendTime { get; }

    /// <summary>Gets the middleware, outermost first.</summary>
    public ImmutableArray<IDecisionMiddleware> Middleware { get; }

    internal IServiceProvider Services { get; }

    /// <summary>Per goal (same index as <see cref="Goals"/>): the channels it may use, in its order of preference.</summary>
    internal IChannel[][] GoalChannels { get; }

    /// <summary>Finds a channel by name.</summary>
    /// <param name="name">The channel name.</param>
    /// <returns>The channel, or null.</returns>
    public IChannel? FindChannel(string name) => _channelsByName.GetValueOrDefault(name);

    /// <summary>Finds a goal by id.</summary>
    /// <param name="id">The goal id.</param>
    /// <returns>The goal, or null.</returns>
    public Goal? FindGoal(string id) => _goalsById.GetValueOrDefault(id);

    internal int IndexOfGoal(Goal goal)
    {
        for (var i = 0; i < Goals.Length; i++)
        {
            if (ReferenceEquals(Goals[i], goal))
            {
                return i;
            }
        }

        return -1;
    }

    internal static MarketingPipeline Create(IServiceProvider services)
    {
        var registrations = services.GetRequiredService<MarketingAutomationRegistrations>();
        // Read the options without running the validators: every problem (options and composition) is reported together below.
        var options = new OptionsFactory<MarketingAutomationOptions>(
                services.GetServices<IConfigureOptions<MarketingAutomationOptions>>(),
                services.GetServices<IPostConfigureOptions<MarketingAutomationOptions>>())
            .Create(Microsoft.Extensions.Options.Options.DefaultName);
        var problems = registrations.StructuralProblems();
        problems.AddRange(options.Validate());

        var goals = Resolve(registrations.Goals, services, "goal", "AddGoal", problems);
        var policies = Resolve(registrations.Policies, services, "policy", "AddPolicy", problems);
        var contentRules = Resolve(registrations.ContentRules, services, "content rule", "AddContentRule", problems);
        var channels = Resolve(registrations.Channels, services, "channel", "AddChannel", problems);
        var middleware = Resolve(registrations.Middleware, services, "middleware", "Use", problems);
        var strategy = ResolveOne(registrations.Strategy, services, "decision strategy", "SetDecisionStrategy", problems);
        var store = ResolveOne(registrations.Store, services, "customer store", "SetCustomerStore", problems);
        var reviewQueue = registrations.ReviewQueue is not null
            ? ResolveOne(registrations.ReviewQueue, services, "review queue", "SetReviewQueue", problems)
            : store as IReviewQueue;
        if (reviewQueue is null && store is not null)
        {
            problems.Add($"No review queue is set and the customer store ({store.GetType().Name}) does not implement IReviewQueue: call builder.SetReviewQueue(...).");
        }

        var composer = registrations.Composer is not null
            ? ResolveOne(registrations.Composer, services, "content composer", "SetContentComposer", problems)
            : new TemplateContentComposer();
        var sendTime = registrations.SendTime is not null
            ? ResolveOne(registrations.SendTime, services, "send-time strategy", "SetSendTimeStrategy", problems)
            : new ImmediateSendTimeStrategy();

        var channelNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var channel in channels)
        {
            if (string.IsNullOrWhiteSpace(channel.Name))
            {
                problems.Add($"A channel of type {channel.GetType().Name} has an empty Name: give every channel a unique name.");
            }
            else if (!channelNames.Add(channel.Name))
            {
                problems.Add($"Two channels are named '{channel.Name}': channel names must be unique; rename one in its AddChannel registration.");
            }
        }

        var goalIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var goal in goals)
        {
            if (!goalIds.Add(goal.Id))
            {
                problems.Add($"Two goals have the id '{goal.Id}': goal ids must be unique; change one in its AddGoal registration.");
            }

            problems.AddRange(goal.Validate());
            if (channels.Length > 0 && OrderChannelsFor(goal, channels).Length == 0)
            {
                problems.Add($"Goal '{goal.Id}' allows channels [{string.Join(", ", goal.Channels)}] but none is registered: call builder.AddChannel(...) for one of them or change the goal's Channels.");
            }
        }

        var ruleContext = new RuleValidationContext(goals, channels);
        foreach (var rule in policies.Cast<object>().Concat(contentRules))
        {
            if (rule is IValidatableRule validatable)
            {
                try
                {
                    problems.AddRange(validatable.Validate(ruleContext));
                }
#pragma warning disable CA1031 // Configuration errors are collected and reported together.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    problems.Add($"Validating rule {rule.GetType().Name} failed: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new MarketingAutomationConfigurationException(problems);
        }

        var allContentRules = ImmutableArray.CreateBuilder<IContentRule>(contentRules.Length + 1);
        allContentRules.Add(new ChannelLengthContentRule());
        allContentRules.AddRange(contentRules);

        return new MarketingPipeline(
            options,
            services.GetService<IClock>() ?? SystemClock.Instance,
            goals,
            policies,
            allContentRules.ToImmutable(),
            channels,
            strategy!,
            store!,
            reviewQueue!,
            composer!,
            sendTime!,
            middleware,
            services);
    }

    private static IChannel[] OrderChannelsFor(Goal goal, ImmutableArray<IChannel> channels)
    {
        var ordered = new List<IChannel>();
        if (goal.Channels.IsDefaultOrEmpty)
        {
            ordered.AddRange(channels);
        }
        else
        {
            foreach (var kind in goal.Channels)
            {
                foreach (var c in channels)
                {
                    if (c.Kind == kind && !ordered.Contains(c))
                    {
                        ordered.Add(c);
                    }
                }
            }
        }

        return [.. ordered];
    }

    private static ImmutableArray<T> Resolve<T>(List<Func<IServiceProvider, T>> factories, IServiceProvider services, string what, string api, List<string> problems)
        where T : class
    {
        var result = ImmutableArray.CreateBuilder<T>(factories.Count);
        for (var i = 0; i < factories.Count; i++)
        {
            var item = ResolveOne(factories[i], services, $"{what} #{i + 1}", api, problems);
            if (item is not null)
            {
                result.Add(item);
            }
        }

        return result.ToImmutable();
    }

    private static T? ResolveOne<T>(Func<IServiceProvider, T>? factory, IServiceProvider services, string what, string api, List<string> problems)
        where T : class
    {
        if (factory is null)
        {
            return null;
        }

        try
        {
            var item = factory(services);
            if (item is null)
            {
                problems.Add($"The factory passed to {api} for the {what} returned null: return an instance.");
            }

            return item;
        }
#pragma warning disable CA1031 // Configuration errors are collected and reported together.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            problems.Add($"Creating the {what} registered with {api} failed: {ex.GetType().Name}: {ex.Message}");
            return null;
        }
    }
}
