using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.Benchmarking;

/// <summary>
/// Throughput console: builds a population, composes the real pipeline, and decides for every customer with
/// <see cref="DecisionEngine.DecideParallel"/> for several rounds, reporting decisions per second, the outcome mix and allocations.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (!ThroughputOptions.TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine("Run with --help to see the options.");
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(ThroughputOptions.Usage);
            return 0;
        }

        return new ThroughputRun(options).Run();
    }
}

/// <summary>One run of the throughput benchmark.</summary>
internal sealed class ThroughputRun(ThroughputOptions options)
{
    public int Run()
    {
        Print($"MarketingAutomation throughput benchmark");
        Print($"  machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}");
        Print($"  gc: {(GCSettings.IsServerGC ? "server" : "workstation")}, latency mode {GCSettings.LatencyMode}, tiered PGO {AppContext.TryGetSwitch("System.Runtime.TieredPGO", out var pgo) && pgo}");
        Print($"  load average at start: {LoadAverage()} (other processes on the machine skew the numbers)");
#if DEBUG
        Print($"  WARNING: Debug build; run with -c Release for meaningful numbers.");
#endif
        Print($"  config: customers={options.Customers} goals={options.Goals} policies={options.Policies} channels={options.Channels} strategy={options.Strategy} rounds={options.Rounds} threads={options.Threads} seed={options.Seed}");
        Print($"  goals: {string.Join(", ", BenchmarkPipeline.GoalNames.Take(options.Goals))}");
        Print($"  policies: {(options.Policies == 0 ? "(none)" : string.Join(", ", BenchmarkPipeline.PolicyNames.Take(options.Policies)))}");
        Print($"  channels: {string.Join(", ", BenchmarkPipeline.ChannelNames.Take(options.Channels).Select(c => c.Name))}");

        // 1. Population.
        var sw = Stopwatch.StartNew();
        var customers = PopulationBuilder.Build(options.Customers, options.Seed, Environment.ProcessorCount);
        sw.Stop();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        Print($"population: {options.Customers:N0} customers built in {sw.Elapsed.TotalSeconds:0.00} s (heap {heap / (1024.0 * 1024 * 1024):0.00} GiB, as of {PopulationBuilder.AsOf})");
        PrintPopulationFacts(customers);

        // 2. The real pipeline, composed as an application does.
        sw.Restart();
        using var services = BenchmarkPipeline.CreateServices(options.Goals, options.Policies, options.Channels, options.Threads, adaptive: options.Strategy == "adaptive");
        var engine = services.GetRequiredService<DecisionEngine>();
        sw.Stop();
        Print($"pipeline: services.AddMarketingAutomation(...) composed and DecisionEngine resolved in {sw.Elapsed.TotalMilliseconds:0} ms ({engine.Pipeline.Goals.Length} goals, {engine.Pipeline.Policies.Length} policies, {engine.Pipeline.Channels.Length} channels, strategy {engine.Pipeline.Strategy.Name})");

        var results = new DecisionResult[customers.Length];

        // 3. Warm-up (JIT tiering, per-thread scratch buffers), then measured rounds.
        sw.Restart();
        engine.DecideParallel(customers, customers.Length, RoundInstant(0), results, options.Threads);
        sw.Stop();
        Print($"warm-up: {customers.Length:N0} decisions at {RoundInstant(0)} in {sw.Elapsed.TotalSeconds:0.000} s");

        var rates = new double[options.Rounds];
        long totalAllocated = 0;
        long totalDecisions = 0;
        long totalSends = 0;
        Tally? first = null;
        for (var r = 0; r < options.Rounds; r++)
        {
            var now = RoundInstant(r);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var gc0 = GC.CollectionCount(0);
            var gc2 = GC.CollectionCount(2);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var start = Stopwatch.GetTimestamp();
            engine.DecideParallel(customers, customers.Length, now, results, options.Threads);
            var elapsed = Stopwatch.GetElapsedTime(start);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var gen0 = GC.CollectionCount(0) - gc0;
            var gen2 = GC.CollectionCount(2) - gc2;

            var tally = Tally.Of(results, customers.Length);
            first ??= tally;
            rates[r] = customers.Length / elapsed.TotalSeconds;
            totalAllocated += allocated;
            totalDecisions += customers.Length;
            totalSends += tally.Sends;
            Print($"round {r + 1} at {now} ({LocalHint(now)}): {customers.Length:N0} decisions in {elapsed.TotalSeconds:0.000} s = {rates[r]:N0} decisions/s; send {tally.Sends * 100.0 / customers.Length:0.00}%, no action {tally.NoAction * 100.0 / customers.Length:0.00}%; allocated {allocated:N0} B ({(double)allocated / customers.Length:0.0} B/decision), GCs gen0 {gen0} gen2 {gen2}; digest {tally.Digest:x16}");
        }

        // 4. Outcome mix of the first measured round.
        Print($"outcome mix, round 1 at {RoundInstant(0)} (reason code, or goal/variant via channel for sends):");
        foreach (var (key, value) in first!.Counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            Print($"  {key,-58} {value,12:N0}  {value * 100.0 / customers.Length,6:0.00}%");
        }

        // 5. Allocation per no-action decision: decide again for only the customers who got no action in round 1.
        MeasureNoAction(engine, customers, results);
        Print($"allocation over all measured rounds: {totalAllocated:N0} B for {totalDecisions:N0} decisions = {(double)totalAllocated / totalDecisions:0.0} B/decision on average ({(totalSends == 0 ? 0 : (double)totalAllocated / totalSends):N0} B per send decision if the sends carry it all: traces, decision ids)");

        // 6. Result.
        var sorted = (double[])rates.Clone();
        Array.Sort(sorted);
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        var best = sorted[^1];
        Print($"result: median of {options.Rounds} round(s) = {median:N0} decisions/s (best {best:N0}, worst {sorted[0]:N0}) for {customers.Length:N0} customers, {options.Goals} goals, {options.Policies} policies, {options.Channels} channels, {options.Threads} thread(s); the last line is the median");
        Print($"  load average at end: {LoadAverage()}");
        Print($"{(long)median} decisions/s");
        return 0;
    }

    private void MeasureNoAction(DecisionEngine engine, CustomerContext[] customers, DecisionResult[] results)
    {
        var now = RoundInstant(0);
        engine.DecideParallel(customers, customers.Length, now, results, options.Threads);
        var noAction = new List<CustomerContext>(customers.Length);
        for (var i = 0; i < customers.Length; i++)
        {
            if (results[i].Outcome == DecisionOutcome.NoAction)
            {
                noAction.Add(customers[i]);
            }
        }

        var slice = noAction.ToArray();
        if (slice.Length == 0)
        {
            Print($"no-action allocation: no customer got no action at {now}; nothing to measure");
            return;
        }

        // On this thread: warm once, then measure exactly what this thread allocates while deciding for every no-action customer.
        engine.Decide(slice, now, results);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        engine.Decide(slice, now, results);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        var stillNoAction = 0;
        for (var i = 0; i < slice.Length; i++)
        {
            stillNoAction += results[i].Outcome == DecisionOutcome.NoAction ? 1 : 0;
        }

        Print($"no-action allocation, one thread (Decide, GC.GetAllocatedBytesForCurrentThread): {bytes:N0} B for {slice.Length:N0} no-action decisions = {(double)bytes / slice.Length:0.000} B per no-action decision ({stillNoAction:N0} of them no action again; {slice.Length / elapsed.TotalSeconds:N0} decisions/s on one thread)");

        // All threads: what DecideParallel allocates in the whole process for the same slice, call by call (a call may include the
        // runtime's own allocations when its thread pool happens to start a worker thread; that is per thread, not per customer).
        engine.DecideParallel(slice, slice.Length, now, results, options.Threads);
        GC.Collect();
        var calls = new long[3];
        var best = double.MaxValue;
        for (var c = 0; c < calls.Length; c++)
        {
            var total = GC.GetTotalAllocatedBytes(precise: true);
            start = Stopwatch.GetTimestamp();
            engine.DecideParallel(slice, slice.Length, now, results, options.Threads);
            elapsed = Stopwatch.GetElapsedTime(start);
            calls[c] = GC.GetTotalAllocatedBytes(precise: true) - total;
            best = Math.Min(best, elapsed.TotalSeconds);
        }

        var min = calls.Min();
        Print($"no-action allocation, all threads (DecideParallel, GC.GetTotalAllocatedBytes(true)), 3 calls: {string.Join(" / ", calls.Select(b => b.ToString("N0", CultureInfo.InvariantCulture)))} B for {slice.Length:N0} no-action decisions each = {(double)min / slice.Length:0.000} B per no-action decision in the best call ({slice.Length / best:N0} decisions/s)");
    }

    /// <summary>Round r: Monday 09:00, 13:00 and 17:00 UTC, then the same hours on the following days.</summary>
    private static Instant RoundInstant(int round) =>
        PopulationBuilder.AsOf + Duration.FromDays(round / 3) + Duration.FromHours(4 * (round % 3));

    private static string LocalHint(Instant now)
    {
        var ny = now.InZone(DateTimeZoneProviders.Tzdb["America/New_York"]).LocalDateTime;
        var berlin = now.InZone(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).LocalDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{ny:HH:mm} New York, {berlin:HH:mm} Berlin");
    }

    private static void PrintPopulationFacts(CustomerContext[] customers)
    {
        long purchases = 0, messages = 0, consents = 0, contacts = 0, items = 0;
        int newSignups = 0, subscribers = 0, openSupport = 0, noZone = 0, vip = 0, lapsed = 0, neverBought = 0, withMessagesToday = 0;
        var asOf = PopulationBuilder.AsOf;
        foreach (var c in customers)
        {
            var customer = c.Customer;
            purchases += customer.Purchases.Length;
            messages += c.Messages.Length;
            consents += customer.Consents.Length;
            contacts += customer.ContactPoints.Length;
            foreach (var p in customer.Purchases)
            {
                items += p.Items.Length;
            }

            newSignups += customer.SignedUpAt > asOf - Duration.FromDays(14) ? 1 : 0;
            subscribers += customer.Subscriptions.Length > 0 ? 1 : 0;
            openSupport += customer.SupportContacts.Any(s => !s.Resolved && s.At > asOf - Duration.FromDays(14)) ? 1 : 0;
            noZone += customer.TimeZone is null ? 1 : 0;
            vip += customer.LifetimeValue >= 1000m ? 1 : 0;
            lapsed += customer.LastPurchaseAt is { } lp && lp < asOf - Duration.FromDays(60) ? 1 : 0;
            neverBought += customer.Purchases.IsEmpty ? 1 : 0;
            withMessagesToday += c.Messages.Any(m => m.ScheduledAt > asOf - Duration.FromDays(1)) ? 1 : 0;
        }

        double n = customers.Length;
        Print($"  per customer: {contacts / n:0.00} contact points, {consents / n:0.00} consent records, {purchases / n:0.00} purchases ({items / n:0.00} lines), {messages / n:0.00} messages in history");
        Print($"  shares: new sign-ups (14 d) {newSignups / n:P1}, never bought {neverBought / n:P1}, lapsed (>60 d) {lapsed / n:P1}, VIP (LTV >= 1000) {vip / n:P1}, subscribers {subscribers / n:P1}, open support contact {openSupport / n:P1}, messaged in last 24 h {withMessagesToday / n:P1}, unknown time zone {noZone / n:P1}");
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static void Print(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    /// <summary>The outcome mix of one round and a digest of every result (to check that engine changes keep behaviour).</summary>
    private sealed class Tally
    {
        public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

        public long Sends { get; private set; }

        public long NoAction { get; private set; }

        public ulong Digest { get; private set; } = 14695981039346656037UL;

        public static Tally Of(DecisionResult[] results, int count)
        {
            var tally = new Tally();
            var byReason = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                ref readonly var r = ref results[i];
                string key;
                if (r.Outcome == DecisionOutcome.Send)
                {
                    tally.Sends++;
                    key = string.Create(CultureInfo.InvariantCulture, $"Send       {r.Chosen.Goal.Id}/{r.Chosen.Variant.Id} via {r.Chosen.Channel.Name}");
                    tally.Mix(r.Chosen.Goal.Id);
                    tally.Mix(r.Chosen.Variant.Id);
                    tally.Mix(r.Chosen.Channel.Name);
                    tally.Mix(r.SendAt.ToUnixTimeTicks());
                    tally.Mix(r.Trace);
                }
                else
                {
                    tally.NoAction += r.Outcome == DecisionOutcome.NoAction ? 1 : 0;
                    key = r.Outcome == DecisionOutcome.NoAction ? "NoAction   " + r.ReasonCode : r.Outcome + " " + r.ReasonCode;
                }

                byReason[key] = byReason.GetValueOrDefault(key) + 1;
                tally.Mix((long)r.Outcome);
                tally.Mix(r.ReasonCode);
                tally.Mix(r.NextEvaluationAt.ToUnixTimeTicks());
            }

            foreach (var (k, v) in byReason)
            {
                tally.Counts[k] = v;
            }

            return tally;
        }

        /// <summary>Mixes everything in a trace except the random decision id.</summary>
        private void Mix(DecisionTrace? trace)
        {
            if (trace is null)
            {
                Mix(-1);
                return;
            }

            Mix(trace.CustomerId);
            Mix((long)trace.Outcome);
            Mix(trace.ReasonCode);
            Mix(trace.ChosenIndex);
            Mix(trace.Strategy ?? "-");
            Mix(BitConverter.DoubleToInt64Bits(trace.Score));
            Mix(BitConverter.DoubleToInt64Bits(trace.Confidence));
            Mix(BitConverter.DoubleToInt64Bits(trace.Propensity));
            Mix(trace.SendAt?.ToUnixTimeTicks() ?? -1);
            Mix(trace.TimingReason ?? "-");
            Mix(trace.NextEvaluationAt?.ToUnixTimeTicks() ?? -1);
            foreach (var g in trace.Goals)
            {
                Mix(g.GoalId);
                Mix(g.Proposals);
                Mix(g.WakeAt?.ToUnixTimeTicks() ?? -1);
            }

            foreach (var c in trace.Candidates)
            {
                Mix(c.GoalId);
                Mix(c.VariantId);
                Mix(c.Channel);
                Mix(c.OfferId ?? "-");
                Mix(c.Allowed ? 1 : 0);
                Mix(c.Score is { } score ? BitConverter.DoubleToInt64Bits(score) : -1);
                foreach (var v in c.Verdicts)
                {
                    Mix(v.Rule);
                    Mix((long)v.Kind);
                    Mix(v.Code ?? "-");
                    Mix(v.Reason ?? "-");
                    Mix(v.Until?.ToUnixTimeTicks() ?? -1);
                }
            }
        }

        private void Mix(long value)
        {
            Digest = (Digest ^ (ulong)value) * 1099511628211UL;
        }

        private void Mix(string value)
        {
            foreach (var ch in value)
            {
                Mix(ch);
            }
        }
    }
}
