using MarketingAutomation.Testing;

namespace MarketingAutomation.Tests.Pipeline;

/// <summary>A goal whose behaviour a test scripts: proposes all its variants (when <see cref="When"/> allows), may wake or throw.</summary>
internal sealed class StubGoal : Goal
{
    public StubGoal(string id, params ContentVariant[] variants)
        : base(id)
    {
        Variants = variants.Length == 0 ? [new ContentVariant(id + "-v") { Subject = "Hi {{FirstName}}", Body = "Hello {{FirstName}}", ShortBody = "Hi" }] : [.. variants];
    }

    /// <summary>Gets a condition: the goal proposes only when it returns true (always when null).</summary>
    public Func<CustomerContext, Instant, bool>? When { get; init; }

    /// <summary>Gets an instant the goal reports to <see cref="CandidateSink.WakeAt"/> on every call.</summary>
    public Instant? WakeAtInstant { get; init; }

    /// <summary>Gets an action run first on every call (for example to throw for one customer).</summary>
    public Action<CustomerContext>? OnPropose { get; init; }

    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
        OnPropose?.Invoke(customer);
        if (WakeAtInstant is { } wake)
        {
            sink.WakeAt(wake);
        }

        if (When is null || When(customer, now))
        {
            foreach (var variant in Variants)
            {
                sink.Propose(variant);
            }
        }
    }
}

/// <summary>A rule whose verdict a test scripts per candidate.</summary>
internal sealed class StubPolicy(string name, Func<Candidate, PolicyVerdict> verdict) : IPolicy
{
    public string Name { get; } = name;

    public PolicyVerdict Evaluate(in PolicyContext context) => verdict(context.Candidate);
}

/// <summary>A strategy that records what it was shown and delegates the choice (default: <see cref="GoalPriorityStrategy"/>).</summary>
internal sealed class SpyStrategy : IDecisionStrategy
{
    private readonly Lock _gate = new();
    private readonly GoalPriorityStrategy _inner = new();

    public List<Candidate> Seen { get; } = [];

    public int Calls { get; private set; }

    public Func<int, StrategyChoice>? Override { get; init; }

    public string Name => "spy";

    public StrategyChoice Choose(StrategyContext context)
    {
        lock (_gate)
        {
            Calls++;
            foreach (var c in context.Candidates)
            {
                Seen.Add(c);
            }
        }

        var choice = _inner.Choose(context);
        return Override is null ? choice : Override(context.Candidates.Length);
    }

    public void Learn(DecisionFeedback feedback)
    {
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;
}

/// <summary>Builds candidates without the engine, for rule and strategy tests.</summary>
internal static class TestCandidates
{
    /// <summary>A candidate of a goal's first variant on a recording channel of <paramref name="kind"/> to the customer's contact of that kind.</summary>
    public static Candidate For(Goal goal, ChannelKind kind, Customer? customer = null, double weight = 1.0)
    {
        var variant = goal.Variants[0];
        if (weight != 1.0)
        {
            variant = variant with { Weight = weight };
        }

        var contact = customer?.FindContact(kind) ?? new ContactPoint(kind, "contact-" + Customers.ChannelName(kind));
        return new Candidate(goal, variant, new RecordingChannel(Customers.ChannelName(kind), kind), contact);
    }

    /// <summary>A goal with the given priority, value and purpose, proposing one variant.</summary>
    public static StubGoal Goal(string id, int priority = 50, double value = 1.0, MessagePurpose purpose = MessagePurpose.Marketing) =>
        new(id) { Priority = priority, Value = value, Purpose = purpose };
}
