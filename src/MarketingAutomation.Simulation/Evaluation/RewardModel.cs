namespace MarketingAutomation.Simulation;

/// <summary>Predicts the expected reward q(x, a) of taking an action in a logged row's context.</summary>
/// <param name="row">The logged row (its context and features describe x).</param>
/// <param name="action">The action.</param>
/// <returns>The predicted reward.</returns>
public delegate double RewardPrediction(in LoggedDecision row, int action);

/// <summary>
/// The reward model q-hat(x, a) the doubly robust estimator uses. Supply your own with <see cref="FromFunction"/>, or use
/// <see cref="ContextActionMeans"/> (per (context bucket, action) means, cross-fitted) or <see cref="Zero"/>.
/// </summary>
public abstract class RewardModel
{
    /// <summary>Gets the model that predicts 0 everywhere (doubly robust then equals IPS).</summary>
    public static RewardModel Zero { get; } = FromFunction("zero", (in LoggedDecision _, int _) => 0.0);

    /// <summary>Gets the model's name (used in reports).</summary>
    public abstract string Name { get; }

    /// <summary>Creates a model from a prediction function (already fitted, on other data or by hand).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="predict">The prediction.</param>
    /// <returns>The model.</returns>
    public static RewardModel FromFunction(string name, RewardPrediction predict)
    {
        ArgumentNullException.ThrowIfNull(predict);
        return new FunctionModel(name, predict);
    }

    /// <summary>
    /// Creates the built-in model: the mean reward per (context bucket, action), shrunk toward the action's overall mean with
    /// <paramref name="priorStrength"/> pseudo-rows, and cross-fitted: rows are split into <paramref name="folds"/> seeded
    /// folds and each row is predicted by the means of the other folds, so its own reward never enters its prediction.
    /// </summary>
    /// <param name="folds">Number of cross-fitting folds (at least 2).</param>
    /// <param name="seed">Seed of the fold assignment.</param>
    /// <param name="priorStrength">Pseudo-rows of shrinkage toward the action mean (0 for none).</param>
    /// <returns>The model.</returns>
    public static RewardModel ContextActionMeans(int folds = 2, int seed = 0, double priorStrength = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(priorStrength);
        return new ContextActionMeansModel(folds, seed, priorStrength);
    }

    /// <summary>Predicts q(x_i, a) for every row i and action a.</summary>
    /// <param name="logs">The logged rows (already validated).</param>
    /// <param name="actionCount">The number of actions.</param>
    /// <param name="predictions">Row-major output: <c>predictions[i * actionCount + a]</c>.</param>
    public abstract void PredictAll(IReadOnlyList<LoggedDecision> logs, int actionCount, Span<double> predictions);

    /// <inheritdoc/>
    public override string ToString() => Name;

    private sealed class FunctionModel(string name, RewardPrediction predict) : RewardModel
    {
        public override string Name => name;

        public override void PredictAll(IReadOnlyList<LoggedDecision> logs, int actionCount, Span<double> predictions)
        {
            for (var i = 0; i < logs.Count; i++)
            {
                var row = logs[i];
                for (var a = 0; a < actionCount; a++)
                {
                    predictions[(i * actionCount) + a] = predict(row, a);
                }
            }
        }
    }

    private sealed class ContextActionMeansModel(int folds, int seed, double priorStrength) : RewardModel
    {
        public override string Name => $"context-action-means(folds={folds})";

        public override void PredictAll(IReadOnlyList<LoggedDecision> logs, int actionCount, Span<double> predictions)
        {
            var n = logs.Count;
            var contexts = 1;
            for (var i = 0; i < n; i++)
            {
                if (logs[i].Context < 0)
                {
                    throw new ArgumentException($"logs[{i}].Context is {logs[i].Context}; the built-in reward model needs context buckets >= 0.", nameof(logs));
                }

                contexts = Math.Max(contexts, logs[i].Context + 1);
            }

            var fold = new int[n];
            var rng = new Xoshiro256(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL);
            for (var i = 0; i < n; i++)
            {
                fold[i] = (int)rng.NextBounded((uint)folds);
            }

            // Sums and counts per (fold, context, action) and per (fold, action).
            var cells = contexts * actionCount;
            var sum = new double[folds * cells];
            var cnt = new double[folds * cells];
            var aSum = new double[folds * actionCount];
            var aCnt = new double[folds * actionCount];
            for (var i = 0; i < n; i++)
            {
                var r = logs[i];
                var cell = (fold[i] * cells) + (r.Context * actionCount) + r.Action;
                sum[cell] += r.Reward;
                cnt[cell] += 1;
                aSum[(fold[i] * actionCount) + r.Action] += r.Reward;
                aCnt[(fold[i] * actionCount) + r.Action] += 1;
            }

            var totSum = new double[cells];
            var totCnt = new double[cells];
            var totASum = new double[actionCount];
            var totACnt = new double[actionCount];
            for (var f = 0; f < folds; f++)
            {
                for (var c = 0; c < cells; c++)
                {
                    totSum[c] += sum[(f * cells) + c];
                    totCnt[c] += cnt[(f * cells) + c];
                }

                for (var a = 0; a < actionCount; a++)
                {
                    totASum[a] += aSum[(f * actionCount) + a];
                    totACnt[a] += aCnt[(f * actionCount) + a];
                }
            }

            // Prediction table per held-out fold: means of the other folds.
            var table = new double[folds * cells];
            for (var f = 0; f < folds; f++)
            {
                for (var c = 0; c < contexts; c++)
                {
                    for (var a = 0; a < actionCount; a++)
                    {
                        var outASum = totASum[a] - aSum[(f * actionCount) + a];
                        var outACnt = totACnt[a] - aCnt[(f * actionCount) + a];
                        var prior = outACnt > 0 ? outASum / outACnt : 0.0;
                        var cell = (c * actionCount) + a;
                        var s = totSum[cell] - sum[(f * cells) + cell];
                        var m = totCnt[cell] - cnt[(f * cells) + cell];
                        table[(f * cells) + cell] = (m + priorStrength) > 0 ? (s + (priorStrength * prior)) / (m + priorStrength) : prior;
                    }
                }
            }

            for (var i = 0; i < n; i++)
            {
                var src = table.AsSpan((fold[i] * cells) + (logs[i].Context * actionCount), actionCount);
                src.CopyTo(predictions.Slice(i * actionCount, actionCount));
            }
        }
    }
}
