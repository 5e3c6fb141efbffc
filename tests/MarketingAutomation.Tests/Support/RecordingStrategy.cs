using System.Collections.Concurrent;

namespace MarketingAutomation.Tests.Support;

/// <summary>Delegates to <see cref="GoalPriorityStrategy"/> and records every <see cref="Learn"/> call.</summary>
public sealed class RecordingStrategy : IDecisionStrategy
{
    private readonly GoalPriorityStrategy _inner = new();
    private readonly ConcurrentQueue<DecisionFeedback> _learned = new();

    public string Name => "recording(goal-priority)";

    /// <summary>Gets every feedback passed to <see cref="Learn"/>, in call order.</summary>
    public IReadOnlyList<DecisionFeedback> Learned => [.. _learned];

    public StrategyChoice Choose(StrategyContext context) => _inner.Choose(context);

    /// <summary>Gets or sets a value indicating whether <see cref="Learn"/> throws (after recording the call).</summary>
    public bool ThrowOnLearn { get; set; }

    public void Learn(DecisionFeedback feedback)
    {
        _learned.Enqueue(feedback);
        if (ThrowOnLearn)
        {
            throw new InvalidOperationException("the model is read-only");
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);
}
