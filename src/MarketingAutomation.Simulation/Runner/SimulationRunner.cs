using System.Diagnostics;
using MarketingAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;

namespace MarketingAutomation.Simulation;

/// <summary>One finished run: the result, the world it ran in (for inspection) and every rule violation found.</summary>
/// <param name="Result">The strategy's result.</param>
/// <param name="World">The simulated world after the run (sent messages, metrics).</param>
/// <param name="Violations">Every violation the auditor found (empty when the strategy kept every rule).</param>
public sealed record SimulationRun(StrategyResult Result, SimulatedWorld World, IReadOnlyList<RuleViolation> Violations)
{
    /// <summary>Gets how many events the world produced and the agent ingested.</summary>
    public long EventsIngested { get; init; }

    /// <summary>Gets how many customers the agent imported (the treated group).</summary>
    public int Imported { get; init; }
}

/// <summary>
/// Drives the real agent over simulated days. For each strategy it builds a fresh world on the same population (same seed: common random
/// numbers), a real agent through <c>AddMarketingAutomation</c> with the in-memory store, the world's channels, the lab's rules and the
/// strategy's goals, imports the treated customers (the global control group stays out of the agent but is still simulated), and then,
/// tick by tick on a <see cref="FakeClock"/>: advances the world, ingests its events (<c>IngestAsync</c>) and runs
/// <c>MarketingAgent.RunOnceAsync(now)</c>. Every sent message is audited against the rules afterwards; net value is measured against a
/// no-contact run on the same seed, run once and cached.
/// </summary>
public sealed class SimulationRunner
{
    private readonly SimulatedCustomer[] _customers;
    private StrategyResult? _baseline;

    /// <summary>Initializes a new instance of the <see cref="SimulationRunner"/> class.</summary>
    /// <param name="population">The population (validated here).</param>
    /// <param name="options">The simulation options (validated here); defaults when null.</param>
    /// <exception cref="ArgumentException">The population or options are invalid; the message names every problem.</exception>
    public SimulationRunner(PopulationOptions population, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(population);
        var check = new PopulationOptionsValidator().Validate(population);
        if (!check.IsValid)
        {
            throw new ArgumentException("Invalid population options: " + string.Join(" ", check.Errors.Select(e => e.ErrorMessage)), nameof(population));
        }

        options ??= new SimulationOptions();
        options.EnsureValid();
        Population = population;
        Options = options;
        _customers = [.. PopulationGenerator.Generate(population)];
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="SimulationRunner"/> class that simulates your own customers (for example read from
    /// a CSV file): the i-th customer behaves as the i-th customer of the synthetic population would (its hidden truth: purchase
    /// rhythm, channel and hour preferences, tolerance), with your customer's facts (ids, contact points, consents, time zone).
    /// </summary>
    /// <param name="population">The population options (validated here; <see cref="PopulationOptions.Customers"/> is set to the
    /// number of <paramref name="customers"/>).</param>
    /// <param name="options">The simulation options (validated here); defaults when null.</param>
    /// <param name="customers">The customers to simulate (at least one, ids unique).</param>
    /// <exception cref="ArgumentException">The population, options or customers are invalid; the message names every problem.</exception>
    public SimulationRunner(PopulationOptions population, SimulationOptions? options, IReadOnlyList<Customer> customers)
        : this(WithCount(population, customers), options)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var own = new SimulatedCustomer[customers.Count];
        for (var i = 0; i < own.Length; i++)
        {
            var customer = customers[i] ?? throw new ArgumentException($"customers[{i}] is null; pass only customers.", nameof(customers));
            if (!ids.Add(customer.Id))
            {
                throw new ArgumentException($"customers[{i}] repeats the id '{customer.Id}'; every customer id must be unique.", nameof(customers));
            }

            own[i] = new SimulatedCustomer(i, customer, _customers[i].Truth);
        }

        _customers = own;
    }

    private static PopulationOptions WithCount(PopulationOptions population, IReadOnlyList<Customer> customers)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(customers);
        if (customers.Count == 0)
        {
            throw new ArgumentException("customers is empty; pass at least one customer to simulate.", nameof(customers));
        }

        population.Customers = customers.Count;
        return population;
    }

    /// <summary>Gets the population options.</summary>
    public PopulationOptions Population { get; }

    /// <summary>Gets the simulation options.</summary>
    public SimulationOptions Options { get; }

    /// <summary>Gets the population (generated once, shared by every run).</summary>
    public IReadOnlyList<SimulatedCustomer> Customers => _customers;

    /// <summary>Gets the no-contact result once it has run (it runs before the first other strategy).</summary>
    public StrategyResult? Baseline => _baseline;

    /// <summary>Runs the no-contact counterfactual (once; later calls return the cached result).</summary>
    /// <param name="progress">Progress, once per simulated day.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The no-contact result.</returns>
    public async Task<StrategyResult> RunBaselineAsync(IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_baseline is null)
        {
            var run = await SimulateCoreAsync(new NoContactStrategy(), null, progress, cancellationToken).ConfigureAwait(false);
            _baseline = run.Result;
        }

        return _baseline;
    }

    /// <summary>Runs one strategy and returns its result (running the no-contact baseline first if it has not run yet).</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="progress">Progress, once per simulated day.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The result.</returns>
    public async Task<StrategyResult> RunAsync(LabStrategy strategy, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        (await SimulateAsync(strategy, progress, cancellationToken).ConfigureAwait(false)).Result;

    /// <summary>Runs several strategies one after the other (after the no-contact baseline).</summary>
    /// <param name="strategies">The strategies.</param>
    /// <param name="progress">Progress, once per simulated day of each run.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>One result per strategy, in order.</returns>
    public async Task<IReadOnlyList<StrategyResult>> RunAllAsync(IEnumerable<LabStrategy> strategies, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        var results = new List<StrategyResult>();
        foreach (var strategy in strategies)
        {
            results.Add(await RunAsync(strategy, progress, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Runs one strategy and returns the result with the world it ran in and every violation (for tests and reports).</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="progress">Progress, once per simulated day.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The run.</returns>
    public async Task<SimulationRun> SimulateAsync(LabStrategy strategy, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (strategy is NoContactStrategy)
        {
            var own = await SimulateCoreAsync(strategy, null, progress, cancellationToken).ConfigureAwait(false);
            _baseline ??= own.Result;
            return own;
        }

        var baseline = await RunBaselineAsync(progress, cancellationToken).ConfigureAwait(false);
        return await SimulateCoreAsync(strategy, baseline.Revenue, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SimulationRun> SimulateCoreAsync(LabStrategy strategy, decimal? baselineRevenue, IProgress<SimulationProgress>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var options = Options;
        var start = Population.Start;
        var clock = new FakeClock(start);
        var world = new SimulatedWorld(Population, _customers, new WorldOptions { Clock = clock });

        var channels = new Dictionary<ChannelKind, IChannel>();
        foreach (var kind in options.Channels)
        {
            channels[kind] = world.CreateChannel(kind.ToString().ToLowerInvariant(), kind);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IClock>(clock);
        var builder = services.AddMarketingAutomation(o =>
            {
                o.ReviewConfidenceThreshold = 0; // the lab has no reviewer: every decision goes out
                o.Dispatch.ImmediateRetries = 0;
                o.MaxDegreeOfParallelism = options.MaxDegreeOfParallelism;
                o.BatchSize = 4096;
                strategy.ConfigureOptions(o);
            })
            .UseInMemoryStore(new InMemoryCustomerStore(maxTracesPerCustomer: 4));
        foreach (var channel in channels.Values)
        {
            builder.AddChannel(channel);
        }

        options.Rules.Apply(builder);
        strategy.Configure(builder, world);
        options.ConfigureAgent?.Invoke(builder, strategy);

        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            var agent = provider.GetRequiredService<MarketingAgent>();
            var fraction = options.ControlGroupFraction;
            var control = new bool[_customers.Length];
            var indexById = new Dictionary<string, int>(_customers.Length, StringComparer.Ordinal);
            var batch = new List<Customer>(options.ImportBatchSize);
            var imported = 0;
            for (var i = 0; i < _customers.Length; i++)
            {
                var c = _customers[i];
                indexById[c.Customer.Id] = i;
                if (ControlGroup.IsControl(c.Customer.Id, fraction))
                {
                    control[i] = true;
                    continue;
                }

                batch.Add(c.Customer);
                if (batch.Count == options.ImportBatchSize)
                {
                    imported += (await agent.ImportCustomersAsync(batch, cancellationToken).ConfigureAwait(false)).Imported;
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                imported += (await agent.ImportCustomersAsync(batch, cancellationToken).ConfigureAwait(false)).Imported;
            }

            var queueDelays = new Dictionary<ChannelKind, Duration>();
            foreach (var (kind, channel) in channels)
            {
                queueDelays[kind] = channel.Capabilities.MaxProviderQueueDelay;
            }

            var auditor = new ViolationAuditor(options.Rules, id => indexById.TryGetValue(id, out var i) ? _customers[i].Customer : null, queueDelays);
            var converted = new bool[_customers.Length];
            var conversionsByDay = new long[options.Days];
            var revenueByDay = new decimal[options.Days];
            var ingest = new List<CustomerEvent>();
            long evaluations = 0, ingested = 0, worldTicks = 0, ingestTicks = 0, agentTicks = 0;
            var heldByRule = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var ticksPerDay = (int)(Duration.FromDays(1).BclCompatibleTicks / options.Tick.BclCompatibleTicks);

            void Collect(IReadOnlyList<CustomerEvent> events)
            {
                auditor.Observe(events);
                ingest.Clear();
                for (var e = 0; e < events.Count; e++)
                {
                    var ev = events[e];
                    if (!indexById.TryGetValue(ev.CustomerId, out var index))
                    {
                        continue;
                    }

                    if (ev is PurchaseEvent purchase)
                    {
                        converted[index] = true;
                        var day = (int)((purchase.OccurredAt - start).BclCompatibleTicks / Duration.FromDays(1).BclCompatibleTicks);
                        if (day >= 0 && day < conversionsByDay.Length)
                        {
                            conversionsByDay[day]++;
                            revenueByDay[day] += purchase.Purchase.Amount;
                        }
                    }

                    if (!control[index])
                    {
                        ingest.Add(ev);
                    }
                }
            }

            for (var day = 0; day < options.Days; day++)
            {
                for (var t = 0; t < ticksPerDay; t++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var now = start + (options.Tick * ((day * (long)ticksPerDay) + t));
                    clock.Reset(now);
                    var t0 = Stopwatch.GetTimestamp();
                    Collect(world.AdvanceTo(now));
                    var t1 = Stopwatch.GetTimestamp();
                    if (ingest.Count > 0)
                    {
                        ingested += ingest.Count;
                        await agent.IngestAsync(ingest.ToArray(), cancellationToken).ConfigureAwait(false);
                    }

                    var t2 = Stopwatch.GetTimestamp();
                    var tick = await agent.RunOnceAsync(now, cancellationToken).ConfigureAwait(false);
                    evaluations += tick.Decide.Evaluated;
                    foreach (var (rule, count) in tick.Decide.HeldByRule)
                    {
                        heldByRule[rule] = heldByRule.GetValueOrDefault(rule) + count;
                    }

                    worldTicks += t1 - t0;
                    ingestTicks += t2 - t1;
                    agentTicks += Stopwatch.GetTimestamp() - t2;
                }

                progress?.Report(new SimulationProgress(strategy.Name, day + 1, options.Days));
            }

            // Let the world finish the last day, so every run is measured over the same period.
            var end = start + Duration.FromDays(options.Days);
            clock.Reset(end);
            Collect(world.AdvanceTo(end));

            var violations = auditor.Audit(world.Sent);
            var result = BuildResult(strategy, world, channels, violations, control, converted, conversionsByDay, revenueByDay, evaluations, baselineRevenue, start) with
            {
                HeldByRule = heldByRule.ToImmutableSortedDictionary(StringComparer.Ordinal),
                Elapsed = Stopwatch.GetElapsedTime(started),
                WorldTime = Stopwatch.GetElapsedTime(0, worldTicks),
                IngestTime = Stopwatch.GetElapsedTime(0, ingestTicks),
                AgentTime = Stopwatch.GetElapsedTime(0, agentTicks),
            };
            return new SimulationRun(result, world, violations)
            {
                EventsIngested = ingested,
                Imported = imported,
            };
        }
    }

    private StrategyResult BuildResult(
        LabStrategy strategy,
        SimulatedWorld world,
        Dictionary<ChannelKind, IChannel> channels,
        IReadOnlyList<RuleViolation> violations,
        bool[] control,
        bool[] converted,
        long[] conversionsByDay,
        decimal[] revenueByDay,
        long evaluations,
        decimal? baselineRevenue,
        Instant start)
    {
        var costByDay = new decimal[revenueByDay.Length];
        var costs = Options.Costs;
        var costByKind = new Dictionary<ChannelKind, decimal>();
        foreach (var (kind, channel) in channels)
        {
            costByKind[kind] = (decimal)costs.CostOf(channel);
        }

        var contactCost = 0m;
        var byGoal = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var sent = world.Sent;
        for (var i = 0; i < sent.Count; i++)
        {
            var m = sent[i];
            if (!m.Accepted)
            {
                continue;
            }

            var cost = costByKind.TryGetValue(m.Kind, out var c) ? c : (decimal)costs.CostOf(m.Kind, 0);
            contactCost += cost;
            var day = (int)Math.Floor((m.At - start).TotalDays);
            costByDay[Math.Clamp(day, 0, costByDay.Length - 1)] += cost;
            byGoal[m.GoalId] = byGoal.GetValueOrDefault(m.GoalId) + 1;
        }

        int treated = 0, controlCount = 0, treatedConverted = 0, controlConverted = 0;
        for (var i = 0; i < control.Length; i++)
        {
            if (control[i])
            {
                controlCount++;
                controlConverted += converted[i] ? 1 : 0;
            }
            else
            {
                treated++;
                treatedConverted += converted[i] ? 1 : 0;
            }
        }

        var cumulativeConversions = new long[conversionsByDay.Length];
        var cumulativeRevenue = new decimal[revenueByDay.Length];
        long runningConversions = 0;
        var runningRevenue = 0m;
        var cumulativeCost = new decimal[costByDay.Length];
        var runningCost = 0m;
        for (var d = 0; d < costByDay.Length; d++)
        {
            runningCost += costByDay[d];
            cumulativeCost[d] = runningCost;
        }

        for (var d = 0; d < conversionsByDay.Length; d++)
        {
            runningConversions += conversionsByDay[d];
            runningRevenue += revenueByDay[d];
            cumulativeConversions[d] = runningConversions;
            cumulativeRevenue[d] = runningRevenue;
        }

        var metrics = world.Metrics;
        var channelResults = ImmutableArray.CreateBuilder<ChannelResult>();
        long messages = 0, opens = 0, clicks = 0, unsubscribes = 0, complaints = 0, driven = 0;
        foreach (var kind in Options.Channels)
        {
            var k = metrics.For(kind);
            channelResults.Add(new ChannelResult(kind, k.Sends - k.Rejected, k.Delivered, k.HumanOpens, k.MachineOpens, k.Clicks, k.Conversions, k.Unsubscribes, k.Complaints, k.Bounces));
            messages += k.Sends - k.Rejected;
            opens += k.HumanOpens;
            clicks += k.Clicks;
            unsubscribes += k.Unsubscribes;
            complaints += k.Complaints;
            driven += k.Conversions;
        }

        var samples = ImmutableArray.CreateBuilder<RuleViolation>();
        for (var i = 0; i < violations.Count && i < 20; i++)
        {
            samples.Add(violations[i]);
        }

        return new StrategyResult
        {
            Strategy = strategy.Name,
            Seed = Population.Seed,
            Customers = _customers.Length,
            Days = Options.Days,
            Channels = channelResults.ToImmutable(),
            Messages = messages,
            Opens = opens,
            Clicks = clicks,
            Conversions = runningConversions,
            DrivenConversions = driven,
            Revenue = runningRevenue,
            DrivenRevenue = Math.Round((decimal)metrics.DrivenRevenue, 2),
            Unsubscribes = unsubscribes,
            Complaints = complaints,
            Violations = violations.Count,
            ViolationSamples = samples.ToImmutable(),
            DecisionsByGoal = byGoal.ToImmutableSortedDictionary(StringComparer.Ordinal),
            TreatedCustomers = treated,
            ControlCustomers = controlCount,
            TreatedConversionRate = treated == 0 ? 0 : (double)treatedConverted / treated,
            ControlConversionRate = controlCount == 0 ? 0 : (double)controlConverted / controlCount,
            BaselineRevenue = baselineRevenue ?? runningRevenue,
            ContactCost = Math.Round(contactCost, 2),
            Evaluations = evaluations,
            CumulativeConversionsByDay = [.. cumulativeConversions],
            CumulativeRevenueByDay = [.. cumulativeRevenue],
            CumulativeContactCostByDay = [.. cumulativeCost],
            BaselineCumulativeRevenueByDay = _baseline is { } b && baselineRevenue is not null ? b.CumulativeRevenueByDay : [.. cumulativeRevenue],
        };
    }
}
