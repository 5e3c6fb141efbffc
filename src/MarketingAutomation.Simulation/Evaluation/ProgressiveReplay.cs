using System.Globalization;

namespace MarketingAutomation.Simulation;

/// <summary>A learning policy that the replay method can score: it picks an arm for a context and learns from observed rewards.</summary>
/// <typeparam name="TContext">What the learner sees of a row before choosing.</typeparam>
public interface IReplayLearner<in TContext>
{
    /// <summary>Picks an arm for <paramref name="context"/>.</summary>
    /// <param name="context">The row's context.</param>
    /// <param name="random">The seeded generator of the replay run (the learner's only source of randomness).</param>
    /// <returns>An arm in [0, arm count).</returns>
    int Choose(TContext context, Random random);

    /// <summary>Learns the reward of <paramref name="arm"/> in <paramref name="context"/> (called only when the chosen arm was the logged one).</summary>
    /// <param name="context">The row's context.</param>
    /// <param name="arm">The arm that was played.</param>
    /// <param name="reward">The observed reward.</param>
    void Update(TContext context, int arm, double reward);
}

/// <summary>One row of uniformly-logged bandit data.</summary>
/// <typeparam name="TContext">The context type.</typeparam>
/// <param name="Context">What a learner sees before choosing.</param>
/// <param name="Arm">The logged (uniformly randomised) arm.</param>
/// <param name="Reward">The reward of the logged arm.</param>
public readonly record struct ReplayEvent<TContext>(TContext Context, int Arm, double Reward);

/// <summary>One seeded replay run.</summary>
/// <param name="Seed">The seed of the shuffle and of the learner's randomness.</param>
/// <param name="Value">Mean reward over matched rows (NaN when none matched).</param>
/// <param name="MatchedRows">Rows whose logged arm equalled the learner's choice.</param>
/// <param name="Rows">Rows replayed.</param>
/// <param name="Interval">Normal-approximation (binomial for 0/1 rewards) 95 % interval of <paramref name="Value"/>.</param>
public sealed record ReplayRun(int Seed, double Value, int MatchedRows, int Rows, ConfidenceInterval Interval);

/// <summary>Replay runs of one learner over several seeds.</summary>
/// <param name="Learner">The learner's name.</param>
/// <param name="Runs">One run per seed, in seed order.</param>
public sealed record ReplaySummary(string Learner, IReadOnlyList<ReplayRun> Runs)
{
    /// <summary>Gets the mean of the run values.</summary>
    public double Mean => Aggregate().Mean;

    /// <summary>Gets the smallest run value.</summary>
    public double Min => Aggregate().Min;

    /// <summary>Gets the largest run value.</summary>
    public double Max => Aggregate().Max;

    /// <summary>Gets the sample standard deviation of the run values (0 for a single run).</summary>
    public double StandardDeviation => Aggregate().Sd;

    /// <summary>Gets the mean number of matched rows per run.</summary>
    public double MeanMatchedRows
    {
        get
        {
            var s = 0.0;
            foreach (var r in Runs)
            {
                s += r.MatchedRows;
            }

            return Runs.Count > 0 ? s / Runs.Count : double.NaN;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"learner={Learner} replay_mean={Mean:0.0000} min={Min:0.0000} max={Max:0.0000} sd={StandardDeviation:0.0000} matched={MeanMatchedRows:0} seeds={Runs.Count}");

    private (double Mean, double Min, double Max, double Sd) Aggregate()
    {
        if (Runs.Count == 0)
        {
            return (double.NaN, double.NaN, double.NaN, double.NaN);
        }

        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var r in Runs)
        {
            sum += r.Value;
            min = Math.Min(min, r.Value);
            max = Math.Max(max, r.Value);
        }

        var mean = sum / Runs.Count;
        var ss = 0.0;
        foreach (var r in Runs)
        {
            ss += (r.Value - mean) * (r.Value - mean);
        }

        return (mean, min, max, Runs.Count > 1 ? Math.Sqrt(ss / (Runs.Count - 1)) : 0);
    }
}

/// <summary>
/// The replay method of Li, Chu, Langford and Wang (2011) for a learning policy on uniformly-logged data: rows are shuffled
/// with a seeded generator; for each row the learner chooses an arm from the row's context; when the choice equals the
/// logged arm the learner observes the reward (and updates) and the row counts toward the replay value, otherwise the row is
/// skipped and the learner learns nothing from it. Unbiased for the learner's online value when the logging was uniform.
/// </summary>
public static class ProgressiveReplay
{
    /// <summary>Replays <paramref name="events"/> once in a seeded random order.</summary>
    /// <typeparam name="TContext">The context type.</typeparam>
    /// <param name="events">The uniformly-logged rows (not modified).</param>
    /// <param name="learner">A fresh learner (it is updated during the run).</param>
    /// <param name="seed">Seed of the shuffle and of the generator handed to the learner.</param>
    /// <returns>The run.</returns>
    public static ReplayRun Run<TContext>(IReadOnlyList<ReplayEvent<TContext>> events, IReplayLearner<TContext> learner, int seed)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(learner);
        var order = new int[events.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var random = new Random(seed);
#pragma warning disable CA5394 // Simulation randomness, not security.
        random.Shuffle(order);
#pragma warning restore CA5394

        double sum = 0, sumSq = 0;
        var matched = 0;
        foreach (var index in order)
        {
            var e = events[index];
            if (learner.Choose(e.Context, random) != e.Arm)
            {
                continue;
            }

            learner.Update(e.Context, e.Arm, e.Reward);
            sum += e.Reward;
            sumSq += e.Reward * e.Reward;
            matched++;
        }

        if (matched == 0)
        {
            return new ReplayRun(seed, double.NaN, 0, events.Count, new ConfidenceInterval(double.NaN, double.NaN, 0.95));
        }

        var mean = sum / matched;
        var variance = matched > 1 ? Math.Max(0, (sumSq - (matched * mean * mean)) / (matched - 1)) : 0;
        var half = 1.959963984540054 * Math.Sqrt(variance / matched);
        return new ReplayRun(seed, mean, matched, events.Count, new ConfidenceInterval(mean - half, mean + half, 0.95));
    }

    /// <summary>Replays <paramref name="events"/> once per seed, each time with a fresh learner.</summary>
    /// <typeparam name="TContext">The context type.</typeparam>
    /// <param name="name">The learner's name for the summary.</param>
    /// <param name="events">The uniformly-logged rows.</param>
    /// <param name="createLearner">Creates a fresh learner for each run.</param>
    /// <param name="seeds">The seeds.</param>
    /// <returns>The runs in seed order.</returns>
    public static ReplaySummary Run<TContext>(string name, IReadOnlyList<ReplayEvent<TContext>> events, Func<IReplayLearner<TContext>> createLearner, IReadOnlyList<int> seeds)
    {
        ArgumentNullException.ThrowIfNull(createLearner);
        ArgumentNullException.ThrowIfNull(seeds);
        var runs = new ReplayRun[seeds.Count];
        Parallel.For(0, seeds.Count, i => runs[i] = Run(events, createLearner(), seeds[i]));
        return new ReplaySummary(name, runs);
    }
}

/// <summary>Simple reference learners for replay.</summary>
public static class ReplayLearners
{
    /// <summary>Always plays <paramref name="arm"/>.</summary>
    /// <typeparam name="TContext">The context type.</typeparam>
    /// <param name="arm">The arm.</param>
    /// <returns>The learner.</returns>
    public static IReplayLearner<TContext> Always<TContext>(int arm) => new FixedArm<TContext>(arm);

    /// <summary>Plays an arm uniformly at random.</summary>
    /// <typeparam name="TContext">The context type.</typeparam>
    /// <param name="arms">The number of arms.</param>
    /// <returns>The learner.</returns>
    public static IReplayLearner<TContext> Uniform<TContext>(int arms)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(arms, 1);
        return new UniformArm<TContext>(arms);
    }

    private sealed class FixedArm<TContext>(int arm) : IReplayLearner<TContext>
    {
        public int Choose(TContext context, Random random) => arm;

        public void Update(TContext context, int arm, double reward)
        {
        }
    }

    private sealed class UniformArm<TContext>(int arms) : IReplayLearner<TContext>
    {
#pragma warning disable CA5394 // Simulation randomness, not security.
        public int Choose(TContext context, Random random) => random.Next(arms);
#pragma warning restore CA5394

        public void Update(TContext context, int arm, double reward)
        {
        }
    }
}
