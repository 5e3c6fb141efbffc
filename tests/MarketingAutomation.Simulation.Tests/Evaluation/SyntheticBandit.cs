using MarketingAutomation.Simulation;

namespace MarketingAutomation.Simulation.Tests.Evaluation;

/// <summary>A contextual bandit with known Bernoulli reward probabilities, a non-uniform logging policy and a different target.</summary>
internal static class SyntheticBandit
{
    public const int Contexts = 6;
    public const int Actions = 4;

    public static readonly double[] ContextProbabilities = [0.10, 0.15, 0.20, 0.25, 0.20, 0.10];

    // Reward probability p[c][a].
    public static readonly double[][] RewardProbabilities =
    [
        [0.05, 0.10, 0.30, 0.15],
        [0.20, 0.05, 0.10, 0.40],
        [0.12, 0.35, 0.08, 0.10],
        [0.30, 0.10, 0.20, 0.05],
        [0.08, 0.08, 0.25, 0.45],
        [0.15, 0.50, 0.10, 0.20],
    ];

    // Logging policy mu(a|c): non-uniform, every action at least 0.1.
    public static readonly double[][] Logging =
    [
        [0.50, 0.20, 0.10, 0.20],
        [0.40, 0.30, 0.20, 0.10],
        [0.10, 0.10, 0.60, 0.20],
        [0.10, 0.50, 0.25, 0.15],
        [0.40, 0.30, 0.20, 0.10],
        [0.25, 0.10, 0.40, 0.25],
    ];

    // Target policy pi(a|c): mostly the best action, a little exploration.
    public static readonly double[][] Target =
    [
        [0.10, 0.10, 0.70, 0.10],
        [0.10, 0.10, 0.10, 0.70],
        [0.10, 0.70, 0.10, 0.10],
        [0.70, 0.10, 0.10, 0.10],
        [0.10, 0.10, 0.10, 0.70],
        [0.10, 0.70, 0.10, 0.10],
    ];

    // Deterministic target: the best action per context.
    public static readonly int[] Best = [2, 3, 1, 0, 3, 1];

    public static double TrueValue(double[][] policy)
    {
        var v = 0.0;
        for (var c = 0; c < Contexts; c++)
        {
            for (var a = 0; a < Actions; a++)
            {
                v += ContextProbabilities[c] * policy[c][a] * RewardProbabilities[c][a];
            }
        }

        return v;
    }

    public static double TrueValueOfBest()
    {
        var v = 0.0;
        for (var c = 0; c < Contexts; c++)
        {
            v += ContextProbabilities[c] * RewardProbabilities[c][Best[c]];
        }

        return v;
    }

    public static TargetPolicy TargetPolicy() => MarketingAutomation.Simulation.TargetPolicy.FromTable("target", Target);

    public static TargetPolicy BestPolicy() =>
        MarketingAutomation.Simulation.TargetPolicy.Deterministic("best", Actions, (in LoggedDecision row) => Best[row.Context]);

    public static LoggedDecision[] Generate(int rows, int seed)
    {
        var rng = new Random(seed);
        var result = new LoggedDecision[rows];
        for (var i = 0; i < rows; i++)
        {
            var c = Draw(ContextProbabilities, rng.NextDouble());
            var a = Draw(Logging[c], rng.NextDouble());
            var r = rng.NextDouble() < RewardProbabilities[c][a] ? 1.0 : 0.0;
            result[i] = new LoggedDecision(c, a, Logging[c][a], r);
        }

        return result;
    }

    private static int Draw(double[] p, double u)
    {
        var cum = 0.0;
        for (var i = 0; i < p.Length - 1; i++)
        {
            cum += p[i];
            if (u < cum)
            {
                return i;
            }
        }

        return p.Length - 1;
    }
}
