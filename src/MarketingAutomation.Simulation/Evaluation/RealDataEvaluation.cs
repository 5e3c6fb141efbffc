using System.Globalization;

namespace MarketingAutomation.Simulation;

/// <summary>One fixed-arm policy of the Hillstrom test scored off-policy, next to the arm's measured rate.</summary>
/// <param name="Policy">"mens-email", "womens-email" or "no-email".</param>
/// <param name="Arm">The arm the policy always picks.</param>
/// <param name="Rows">Rows logged in that arm.</param>
/// <param name="MeasuredVisitRate">The arm's visit rate (on-policy truth for the policy).</param>
/// <param name="Report">IPS, SNIPS, DR and replay estimates with intervals.</param>
public sealed record HillstromArmResult(string Policy, HillstromArm Arm, int Rows, double MeasuredVisitRate, OffPolicyReport Report);

/// <summary>The uplift report of "Womens e-mail vs No e-mail" on Hillstrom (Mens rows dropped, seeded 50/50 split, target visit).</summary>
/// <param name="Rows">Rows after dropping the Mens arm (42,693 in the original file).</param>
/// <param name="TrainRows">Rows the two-model learner was fitted on.</param>
/// <param name="TestRows">Rows it was evaluated on.</param>
/// <param name="Curve">The Qini / uplift curve on the test half.</param>
/// <param name="AverageEffect">Treated minus control visit rate on the test half (what random targeting achieves at any k).</param>
public sealed record HillstromUpliftReport(int Rows, int TrainRows, int TestRows, UpliftCurve Curve, double AverageEffect)
{
    /// <summary>The published anchor: uplift@30 % = 0.0661 (scikit-uplift pipeline, class transformation with gradient boosting).</summary>
    public const double PublishedUpliftAt30 = 0.0661;

    /// <summary>Gets uplift@30 % with the top 30 % taken over all rows.</summary>
    public double UpliftAt30Overall => Curve.UpliftAtK(0.3, UpliftAtKStrategy.Overall);

    /// <summary>Gets uplift@30 % with the top 30 % taken within each group (scikit-uplift "by_group").</summary>
    public double UpliftAt30ByGroup => Curve.UpliftAtK(0.3, UpliftAtKStrategy.ByGroup);
}

/// <summary>uplift@30 % (overall) of the Hillstrom Womens-vs-No-e-mail two-model learner over several split seeds.</summary>
/// <param name="Seeds">The split seeds.</param>
/// <param name="UpliftAt30">uplift@30 % per seed, in seed order.</param>
public sealed record HillstromUpliftSeeds(IReadOnlyList<int> Seeds, IReadOnlyList<double> UpliftAt30)
{
    /// <summary>Gets the mean over seeds.</summary>
    public double Mean
    {
        get
        {
            var s = 0.0;
            foreach (var v in UpliftAt30)
            {
                s += v;
            }

            return UpliftAt30.Count > 0 ? s / UpliftAt30.Count : double.NaN;
        }
    }

    /// <summary>Gets the smallest value.</summary>
    public double Min
    {
        get
        {
            var m = double.PositiveInfinity;
            foreach (var v in UpliftAt30)
            {
                m = Math.Min(m, v);
            }

            return UpliftAt30.Count > 0 ? m : double.NaN;
        }
    }

    /// <summary>Gets the largest value.</summary>
    public double Max
    {
        get
        {
            var m = double.NegativeInfinity;
            foreach (var v in UpliftAt30)
            {
                m = Math.Max(m, v);
            }

            return UpliftAt30.Count > 0 ? m : double.NaN;
        }
    }
}

/// <summary>Progressive replay (Li et al., 2011) of the three Hillstrom arms on the visit outcome, with references measured the same way.</summary>
/// <param name="Learner">The contextual Thompson sampling learner.</param>
/// <param name="Uniform">Uniform random choice.</param>
/// <param name="FixedArms">"Always arm k" for Mens, Womens and No e-mail, in arm order.</param>
public sealed record HillstromReplayReport(ReplaySummary Learner, ReplaySummary Uniform, IReadOnlyList<ReplaySummary> FixedArms)
{
    /// <summary>Gets the best fixed arm in hindsight (highest replay value).</summary>
    public ReplaySummary BestFixed
    {
        get
        {
            var best = FixedArms[0];
            foreach (var f in FixedArms)
            {
                if (f.Mean > best.Mean)
                {
                    best = f;
                }
            }

            return best;
        }
    }
}

/// <summary>The Hillstrom evaluation: fixed-arm policies scored by IPS with empirical propensities, the uplift report, uplift over seeds and progressive replay.</summary>
/// <param name="Path">The file read.</param>
/// <param name="Rows">Rows read.</param>
/// <param name="Arms">One result per arm policy.</param>
/// <param name="Uplift">The Womens-vs-No-e-mail uplift report.</param>
/// <param name="UpliftSeeds">uplift@30 % over split seeds 1..n.</param>
/// <param name="Replay">Progressive replay of the three arms over seeds 1..n.</param>
public sealed record HillstromReport(string Path, int Rows, IReadOnlyList<HillstromArmResult> Arms, HillstromUpliftReport Uplift, HillstromUpliftSeeds UpliftSeeds, HillstromReplayReport Replay)
{
    /// <summary>Lines like <c>result dataset=hillstrom policy=mens-email ips=0.1828 ci=[0.1795,0.1861] ...</c>.</summary>
    /// <returns>The lines.</returns>
    public IReadOnlyList<string> ToResultLines()
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        foreach (var a in Arms)
        {
            var r = a.Report;
            lines.Add(string.Create(
                inv,
                $"result dataset=hillstrom policy={a.Policy} ips={r.Ips.Value:0.0000} ci={r.Ips.Interval} snips={r.Snips.Value:0.0000} ci={r.Snips.Interval} dr={r.DoublyRobust.Value:0.0000} ci={r.DoublyRobust.Interval} measured={a.MeasuredVisitRate:0.0000} target=visit arm_rows={a.Rows} rows={Rows} ess={r.Weights.EffectiveSampleSize:0} covered={r.Ips.Interval.Contains(a.MeasuredVisitRate).ToString().ToLowerInvariant()}"));
        }

        var u = Uplift;
        lines.Add(string.Create(
            inv,
            $"result dataset=hillstrom uplift=womens-vs-none model=two-model-logistic target=visit rows={u.Rows} train={u.TrainRows} test={u.TestRows} uplift@30%={u.UpliftAt30Overall:0.0000} uplift@30%_by_group={u.UpliftAt30ByGroup:0.0000} uplift@10%={u.Curve.UpliftAtK(0.1):0.0000} uplift@50%={u.Curve.UpliftAtK(0.5):0.0000} ate={u.AverageEffect:0.0000} qini={u.Curve.QiniCoefficient:0.0000} published_uplift@30%={HillstromUpliftReport.PublishedUpliftAt30:0.0000}"));
        var us = UpliftSeeds;
        lines.Add(string.Create(
            inv,
            $"result dataset=hillstrom uplift=womens-vs-none model=two-model-logistic target=visit seeds={us.Seeds.Count} uplift@30%_mean={us.Mean:0.0000} min={us.Min:0.0000} max={us.Max:0.0000} published_uplift@30%={HillstromUpliftReport.PublishedUpliftAt30:0.0000}"));
        var p = Replay;
        var best = p.BestFixed;
        lines.Add(string.Create(
            inv,
            $"result dataset=hillstrom replay target=visit learner={p.Learner.Learner} seeds={p.Learner.Runs.Count} visit_rate={p.Learner.Mean:0.0000} min={p.Learner.Min:0.0000} max={p.Learner.Max:0.0000} sd={p.Learner.StandardDeviation:0.0000} matched={p.Learner.MeanMatchedRows:0} uniform={p.Uniform.Mean:0.0000} min={p.Uniform.Min:0.0000} max={p.Uniform.Max:0.0000} best_fixed={best.Learner} best_fixed_rate={best.Mean:0.0000}"));
        lines.Add(string.Create(inv, $"result dataset=hillstrom uplift_at_30={us.Mean:0.0000} replay_visit_rate={p.Learner.Mean:0.0000}"));
        return lines;
    }
}

/// <summary>An Open Bandit estimate next to the on-policy value it should recover.</summary>
/// <param name="Logs">Which logs were used ("bts/men", "random/men").</param>
/// <param name="Report">The estimates.</param>
/// <param name="OnPolicyValue">The on-policy CTR of the logs where the target policy actually ran (NaN when none).</param>
/// <param name="OnPolicyInterval">Its bootstrap interval.</param>
public sealed record OpenBanditEstimate(string Logs, OffPolicyReport Report, double OnPolicyValue, ConfidenceInterval OnPolicyInterval);

/// <summary>The Open Bandit evaluation of one campaign.</summary>
/// <param name="Campaign">"men" or "women".</param>
/// <param name="RandomCtr">On-policy CTR of the uniform-random logs.</param>
/// <param name="RandomCtrInterval">Its interval.</param>
/// <param name="BtsCtr">On-policy CTR of the Bernoulli TS logs.</param>
/// <param name="BtsCtrInterval">Its interval.</param>
/// <param name="Estimates">Off-policy estimates (uniform from BTS logs, BTS from random logs).</param>
/// <param name="AlwaysItem">"Always item k" on the random logs, best replay value first.</param>
public sealed record OpenBanditReport(
    string Campaign,
    double RandomCtr,
    ConfidenceInterval RandomCtrInterval,
    double BtsCtr,
    ConfidenceInterval BtsCtrInterval,
    IReadOnlyList<OpenBanditEstimate> Estimates,
    IReadOnlyList<OffPolicyReport> AlwaysItem)
{
    /// <summary>Lines like <c>result dataset=obd-men logs=bts policy=uniform ips=0.0046 ci=[...] ... on_policy=0.0046</c>.</summary>
    /// <param name="topItems">How many "always item k" policies to list.</param>
    /// <returns>The lines.</returns>
    public IReadOnlyList<string> ToResultLines(int topItems = 3)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(inv, $"result dataset=obd-{Campaign} on_policy random_ctr={RandomCtr:0.0000} ci={RandomCtrInterval} bts_ctr={BtsCtr:0.0000} ci={BtsCtrInterval}"),
        };
        foreach (var e in Estimates)
        {
            var r = e.Report;
            lines.Add(string.Create(
                inv,
                $"result dataset=obd-{Campaign} logs={e.Logs} policy={r.Policy} ips={r.Ips.Value:0.0000} ci={r.Ips.Interval} snips={r.Snips.Value:0.0000} ci={r.Snips.Interval} dr={r.DoublyRobust.Value:0.0000} ci={r.DoublyRobust.Interval} on_policy={e.OnPolicyValue:0.0000} ci={e.OnPolicyInterval} ess={r.Weights.EffectiveSampleSize:0} max_w={r.Weights.MaxWeight:0.0}"));
        }

        for (var i = 0; i < Math.Min(topItems, AlwaysItem.Count); i++)
        {
            var r = AlwaysItem[i];
            lines.Add(string.Create(
                inv,
                $"result dataset=obd-{Campaign} logs=random/{Campaign} policy={r.Policy} replay={r.Replay!.Value:0.0000} ci={r.Replay.Interval} matched={r.Replay.RowsUsed} ips={r.Ips.Value:0.0000} ci={r.Ips.Interval} dr={r.DoublyRobust.Value:0.0000} ci={r.DoublyRobust.Interval}"));
        }

        return lines;
    }
}

/// <summary>
/// Off-policy evaluation on real public data (the lab console calls these): the Hillstrom e-mail test and the Open Bandit
/// Dataset. Paths are arguments; the data never enters the repository.
/// </summary>
public static class RealDataEvaluation
{
    /// <summary>
    /// The bucket prior strength of the Hillstrom replay learner (500 pseudo-observations: buckets follow the global arm until
    /// they hold a few hundred matched rows of that arm).
    /// </summary>
    public const double HillstromPriorStrength = 500;

    private static readonly string[] ArmPolicies = ["mens-email", "womens-email", "no-email"];

    /// <summary>
    /// Scores "always Mens e-mail", "always Womens e-mail" and "always No e-mail" on the visit outcome by IPS (SNIPS, DR,
    /// replay too) with the empirical arm propensities, next to each arm's measured visit rate; and reports uplift@k / Qini for
    /// Womens e-mail vs No e-mail (Mens rows dropped, seeded 50/50 split, two-model logistic learner fitted on one half and
    /// evaluated on the other).
    /// </summary>
    /// <param name="csvPath">Path of <c>hillstrom.csv</c>.</param>
    /// <param name="seed">Seed of the split and of the bootstrap.</param>
    /// <param name="resamples">Bootstrap resamples (default 1,000).</param>
    /// <param name="seedCount">uplift@30 % and progressive replay are averaged over seeds 1..<paramref name="seedCount"/> (default 10).</param>
    /// <returns>The report.</returns>
    public static HillstromReport EvaluateHillstrom(string csvPath, int seed, int resamples = 1000, int seedCount = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seedCount, 1);
        var rows = HillstromLoader.Load(csvPath);
        if (rows.Count == 0)
        {
            throw new DataFormatException(csvPath, 2, null, "the file has a header but no rows.");
        }

        var counts = new int[3];
        var visits = new double[3];
        foreach (var r in rows)
        {
            counts[(int)r.Segment]++;
            visits[(int)r.Segment] += r.Visit ? 1 : 0;
        }

        var logs = new LoggedDecision[rows.Count];
        for (var i = 0; i < logs.Length; i++)
        {
            var r = rows[i];
            var arm = (int)r.Segment;
            logs[i] = new LoggedDecision((r.Mens ? 1 : 0) + (r.Womens ? 2 : 0), arm, (double)counts[arm] / rows.Count, r.Visit ? 1 : 0);
        }

        var options = new BootstrapOptions { Resamples = resamples, Seed = seed };
        var arms = new List<HillstromArmResult>();
        for (var a = 0; a < 3; a++)
        {
            var target = TargetPolicy.Always(ArmPolicies[a], 3, a);
            var report = OffPolicyEstimators.Evaluate(logs, target, RewardModel.ContextActionMeans(seed: seed), options);
            arms.Add(new HillstromArmResult(ArmPolicies[a], (HillstromArm)a, counts[a], counts[a] > 0 ? visits[a] / counts[a] : double.NaN, report));
        }

        var seeds = new int[seedCount];
        var upliftAt30 = new double[seedCount];
        for (var i = 0; i < seedCount; i++)
        {
            seeds[i] = i + 1;
        }

        Parallel.For(0, seedCount, i => upliftAt30[i] = HillstromUplift(rows, seeds[i]).UpliftAt30Overall);
        return new HillstromReport(csvPath, rows.Count, arms, HillstromUplift(rows, seed), new HillstromUpliftSeeds(seeds, upliftAt30), HillstromReplay(rows, seeds));
    }

    /// <summary>
    /// Progressive replay of the three Hillstrom arms on the visit outcome (rows shuffled per seed; a learner sees a row's
    /// outcome only when it chose the logged arm): the contextual Thompson sampling learner
    /// (<see cref="ContextualThompsonLearner.HillstromBucket"/> contexts), uniform random and each fixed arm.
    /// </summary>
    /// <param name="rows">The Hillstrom rows (the arms were assigned uniformly at random).</param>
    /// <param name="seeds">The replay seeds.</param>
    /// <param name="priorStrength">
    /// The learner's bucket prior strength: <see cref="HillstromPriorStrength"/> by default, null for empirical Bayes.
    /// </param>
    /// <returns>The report.</returns>
    public static HillstromReplayReport HillstromReplay(IReadOnlyList<HillstromRow> rows, IReadOnlyList<int> seeds, double? priorStrength = HillstromPriorStrength)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(seeds);
        var events = new ReplayEvent<int>[rows.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var r = rows[i];
            events[i] = new ReplayEvent<int>(ContextualThompsonLearner.HillstromBucket(r), (int)r.Segment, r.Visit ? 1 : 0);
        }

        var learner = ProgressiveReplay.Run("contextual-ts", events, () => new ContextualThompsonLearner(3, ContextualThompsonLearner.HillstromBucketCount, priorStrength), seeds);
        var uniform = ProgressiveReplay.Run("uniform", events, () => ReplayLearners.Uniform<int>(3), seeds);
        var fixedArms = new ReplaySummary[3];
        for (var a = 0; a < 3; a++)
        {
            var arm = a;
            fixedArms[a] = ProgressiveReplay.Run(ArmPolicies[a], events, () => ReplayLearners.Always<int>(arm), seeds);
        }

        return new HillstromReplayReport(learner, uniform, fixedArms);
    }

    /// <summary>
    /// Open Bandit estimates for one campaign: the uniform-random policy's CTR estimated from the Bernoulli TS logs (truth: the
    /// random logs' CTR), the Bernoulli TS policy's CTR estimated from the random logs (its per-position item frequencies in
    /// its own log as the target; truth: the BTS logs' CTR), and "always item k" by replay on the random logs.
    /// </summary>
    /// <param name="folder">The dataset root holding <c>random/</c> and <c>bts/</c> (e.g. <c>../shared/data/obd</c>).</param>
    /// <param name="seed">Seed of the bootstrap and the DR model's folds.</param>
    /// <param name="campaign">"men" (default) or "women".</param>
    /// <param name="resamples">Bootstrap resamples (default 1,000).</param>
    /// <returns>The report.</returns>
    public static OpenBanditReport EvaluateOpenBandit(string folder, int seed, string campaign = "men", int resamples = 1000)
    {
        var random = OpenBanditLoader.Load(folder, "random", campaign);
        var bts = OpenBanditLoader.Load(folder, "bts", campaign);
        var k = Math.Max(random.ItemCount, bts.ItemCount);
        var options = new BootstrapOptions { Resamples = resamples, Seed = seed };
        var model = RewardModel.ContextActionMeans(seed: seed);
        var randomLogs = random.ToLoggedDecisions();
        var btsLogs = bts.ToLoggedDecisions();

        var (randomCtr, randomCi) = Ctr(randomLogs, options);
        var (btsCtr, btsCi) = Ctr(btsLogs, options);

        var estimates = new List<OpenBanditEstimate>
        {
            new($"bts/{campaign}", OffPolicyEstimators.Evaluate(btsLogs, TargetPolicy.Uniform(k), model, options), randomCtr, randomCi),
            new($"random/{campaign}", OffPolicyEstimators.Evaluate(randomLogs, ActionFrequencyPolicy("bts-frequencies", btsLogs, k), model, options), btsCtr, btsCi),
        };

        var always = new List<OffPolicyReport>();
        for (var item = 0; item < k; item++)
        {
            always.Add(OffPolicyEstimators.Evaluate(randomLogs, TargetPolicy.Always($"always-item-{item}", k, item), model, options with { Resamples = Math.Min(resamples, 200) }));
        }

        always.Sort((x, y) => y.Replay!.Value.CompareTo(x.Replay!.Value));
        return new OpenBanditReport(campaign, randomCtr, randomCi, btsCtr, btsCi, estimates, always);
    }

    /// <summary>
    /// The stochastic policy that plays, in each context bucket, the actions with the frequencies they have in
    /// <paramref name="logs"/> (the marginal behaviour of the policy that logged them).
    /// </summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="logs">The logs whose action frequencies to copy.</param>
    /// <param name="actionCount">The number of actions.</param>
    /// <returns>The policy (a context never seen in the logs gets the uniform distribution).</returns>
    public static TargetPolicy ActionFrequencyPolicy(string name, IReadOnlyList<LoggedDecision> logs, int actionCount)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var contexts = 1;
        foreach (var r in logs)
        {
            contexts = Math.Max(contexts, r.Context + 1);
        }

        var table = new List<IReadOnlyList<double>>();
        var counts = new double[contexts, actionCount];
        var totals = new double[contexts];
        foreach (var r in logs)
        {
            counts[r.Context, r.Action]++;
            totals[r.Context]++;
        }

        for (var c = 0; c < contexts; c++)
        {
            var row = new double[actionCount];
            for (var a = 0; a < actionCount; a++)
            {
                row[a] = totals[c] > 0 ? counts[c, a] / totals[c] : 1.0 / actionCount;
            }

            table.Add(row);
        }

        return TargetPolicy.FromTable(name, table);
    }

    /// <summary>The features the uplift model uses for a Hillstrom row.</summary>
    /// <param name="r">The row.</param>
    /// <returns>recency, log(1 + history), history band, mens, womens, newbie, urban, suburban, phone, web.</returns>
    public static double[] HillstromFeatures(HillstromRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var band = r.HistorySegment.Length > 0 && char.IsDigit(r.HistorySegment[0]) ? r.HistorySegment[0] - '0' : 0;
        return
        [
            r.Recency,
            Math.Log(1 + Math.Max(0, r.History)),
            band,
            r.Mens ? 1 : 0,
            r.Womens ? 1 : 0,
            r.Newbie ? 1 : 0,
            r.ZipCode == "Urban" ? 1 : 0,
            r.ZipCode == "Surburban" ? 1 : 0,
            r.Channel == "Phone" ? 1 : 0,
            r.Channel == "Web" ? 1 : 0,
        ];
    }

    /// <summary>
    /// The uplift report of Womens e-mail vs No e-mail on the visit outcome: Mens rows dropped, a seeded 50/50 split, the
    /// two-model logistic learner fitted on the train half only and scored on the test half.
    /// </summary>
    /// <param name="rows">The Hillstrom rows.</param>
    /// <param name="seed">Seed of the split.</param>
    /// <returns>The report.</returns>
    public static HillstromUpliftReport HillstromUplift(IReadOnlyList<HillstromRow> rows, int seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var kept = new List<HillstromRow>();
        foreach (var r in rows)
        {
            if (r.Segment != HillstromArm.MensEmail)
            {
                kept.Add(r);
            }
        }

        // Seeded Fisher-Yates shuffle, first half trains.
        var order = new int[kept.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var rng = new Xoshiro256(unchecked((ulong)(uint)seed * 0xD6E8FEB86659FD93UL) + 1);
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = (int)rng.NextBounded((uint)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        var trainCount = kept.Count / 2;
        var x = new List<double[]>(trainCount);
        var t = new List<bool>(trainCount);
        var y = new List<double>(trainCount);
        for (var i = 0; i < trainCount; i++)
        {
            var r = kept[order[i]];
            x.Add(HillstromFeatures(r));
            t.Add(r.Segment == HillstromArm.WomensEmail);
            y.Add(r.Visit ? 1 : 0);
        }

        var model = TwoModelUplift.Fit(x, t, y);
        var test = new List<UpliftObservation>(kept.Count - trainCount);
        double yt = 0, nt = 0, yc = 0, nc = 0;
        for (var i = trainCount; i < order.Length; i++)
        {
            var r = kept[order[i]];
            var treated = r.Segment == HillstromArm.WomensEmail;
            var outcome = r.Visit ? 1.0 : 0.0;
            test.Add(new UpliftObservation(model.Score(HillstromFeatures(r)), treated, outcome));
            if (treated)
            {
                yt += outcome;
                nt++;
            }
            else
            {
                yc += outcome;
                nc++;
            }
        }

        var ate = nt > 0 && nc > 0 ? (yt / nt) - (yc / nc) : double.NaN;
        return new HillstromUpliftReport(kept.Count, trainCount, test.Count, UpliftCurve.Compute(test), ate);
    }

    private static (double Value, ConfidenceInterval Interval) Ctr(IReadOnlyList<LoggedDecision> logs, BootstrapOptions options)
    {
        var r = new double[logs.Count];
        var sum = 0.0;
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = logs[i].Reward;
            sum += r[i];
        }

        return (r.Length > 0 ? sum / r.Length : double.NaN, Bootstrap.Mean(r, options));
    }
}
