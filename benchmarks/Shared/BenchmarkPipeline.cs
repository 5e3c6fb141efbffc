using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.Benchmarking;

/// <summary>
/// Composes the real pipeline the way an application does (<c>services.AddMarketingAutomation(...)</c>) with the built-in goals,
/// up to ten rules and up to three recording channels, and resolves the <see cref="DecisionEngine"/>.
/// </summary>
internal static class BenchmarkPipeline
{
    public const int MaxGoals = 5;
    public const int MaxPolicies = 10;
    public const int MaxChannels = 3;

    /// <summary>Gets the goals in the order <c>--goals N</c> takes them.</summary>
    public static IReadOnlyList<string> GoalNames { get; } =
        ["welcome", "win-back", "cross-sell", "renewal-reminder", "vip-recommendation"];

    /// <summary>Gets the rules in the order <c>--policies N</c> takes them.</summary>
    public static IReadOnlyList<string> PolicyNames { get; } =
    [
        "consent",
        "open-support-issue",
        "cap 1/1d email",
        "cap 1/7d sms",
        "cap 3/30d push",
        "cap 2/7d all channels",
        "cap 4/30d all channels",
        "cap 1/12h all channels",
        "cap 2/7d email",
        "cap 8/30d all channels incl. transactional",
    ];

    /// <summary>Gets the channels in the order <c>--channels N</c> takes them.</summary>
    public static IReadOnlyList<(string Name, ChannelKind Kind)> ChannelNames { get; } =
        [("email", ChannelKind.Email), ("sms", ChannelKind.Sms), ("push", ChannelKind.Push)];

    /// <summary>Gets the related-products map of the cross-sell goal (categories from <see cref="PopulationBuilder"/>'s catalog).</summary>
    public static IReadOnlyList<CrossSellRule> CrossSellRules { get; } =
    [
        new("running-shoes", "running-socks", new ContentVariant("xs-running-socks") { Subject = "Socks that go the distance", Body = "Pair your new shoes with our running socks.", ShortBody = "Running socks for your new shoes." }),
        new("yoga-mats", "yoga-blocks", new ContentVariant("xs-yoga-blocks") { Subject = "Complete your practice", Body = "Yoga blocks to go with your mat.", ShortBody = "Yoga blocks for your mat." }),
        new("headphones", "headphone-cases", new ContentVariant("xs-headphone-case") { Subject = "Protect your headphones", Body = "A hard case made for your headphones.", ShortBody = "A case for your headphones." }),
        new("jackets", "hats", new ContentVariant("xs-hats") { Subject = "The finishing touch", Body = "A warm hat to match your jacket.", ShortBody = "A hat to match your jacket." }),
        new("tents", "sleeping-bags", new ContentVariant("xs-sleeping-bags") { Subject = "Sleep well outdoors", Body = "Sleeping bags rated for every season.", ShortBody = "Sleeping bags for your tent." }),
    ];

    /// <summary>Composes the pipeline and returns the service provider (dispose it when done).</summary>
    /// <param name="goals">How many goals (1 to 5).</param>
    /// <param name="policies">How many rules (0 to 10).</param>
    /// <param name="channels">How many channels (1 to 3).</param>
    /// <param name="threads">The engine's MaxDegreeOfParallelism option.</param>
    /// <param name="adaptive">Use the learning strategy (<c>UseAdaptiveStrategy</c>) instead of the goal-priority one.</param>
    /// <returns>The service provider.</returns>
    public static ServiceProvider CreateServices(int goals, int policies, int channels, int threads, bool adaptive = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(goals, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(goals, MaxGoals);
        ArgumentOutOfRangeException.ThrowIfNegative(policies);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(policies, MaxPolicies);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, MaxChannels);

        var services = new ServiceCollection();
        var builder = services.AddMarketingAutomation(o => o.MaxDegreeOfParallelism = threads);
        builder.UseInMemoryStore();
        for (var i = 0; i < channels; i++)
        {
            builder.AddRecordingChannel(ChannelNames[i].Name, ChannelNames[i].Kind);
        }

        for (var i = 0; i < goals; i++)
        {
            _ = i switch
            {
                0 => builder.AddWelcomeSequence(),
                1 => builder.AddWinBack(),
                2 => builder.AddCrossSell(new CrossSellGoal(CrossSellRules)),
                3 => builder.AddRenewalReminder(),
                _ => builder.AddVipRecommendation(),
            };
        }

        for (var i = 0; i < policies; i++)
        {
            _ = i switch
            {
                0 => builder.AddConsentPolicy(),
                1 => builder.AddPolicy(new OpenSupportIssuePolicy()),
                2 => builder.AddFrequencyCap(1, Duration.FromDays(1), ChannelKind.Email),
                3 => builder.AddFrequencyCap(1, Duration.FromDays(7), ChannelKind.Sms),
                4 => builder.AddFrequencyCap(3, Duration.FromDays(30), ChannelKind.Push),
                5 => builder.AddFrequencyCap(2, Duration.FromDays(7)),
                6 => builder.AddFrequencyCap(4, Duration.FromDays(30)),
                7 => builder.AddFrequencyCap(1, Duration.FromHours(12)),
                8 => builder.AddFrequencyCap(2, Duration.FromDays(7), ChannelKind.Email),
                _ => builder.AddPolicy(new FrequencyCapPolicy(8, Duration.FromDays(30)) { IncludeTransactional = true }),
            };
        }

        if (adaptive)
        {
            builder.UseAdaptiveStrategy();
        }
        else
        {
            builder.UseGoalPriorityStrategy();
        }

        return services.BuildServiceProvider();
    }
}
