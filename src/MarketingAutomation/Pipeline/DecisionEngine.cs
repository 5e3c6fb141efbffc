using System.Runtime.InteropServices;

namespace MarketingAutomation;

/// <summary>
/// The synchronous heart of the pipeline: for each customer, goals propose, every rule judges every candidate, the strategy chooses
/// among the allowed ones, and timing picks the instant. Works on plain data already loaded: no I/O, no LINQ, and no allocation for a
/// customer who gets no action. Batches can be decided in parallel with <see cref="DecideParallel"/>.
/// </summary>
/// <remarks>
/// Composing, content rules, the review gate and persistence happen afterwards, only for customers who get a message
/// (see <see cref="MarketingAgent.RunOnceAsync(Instant, CancellationToken)"/>).
/// </remarks>
public sealed class DecisionEngine
{
    [ThreadStatic]
    private static DecisionScratch? t_scratch;

    private readonly MarketingPipeline _pipeline;
    private readonly Goal[] _goals;
    private readonly IChannel[][] _goalChannels;
    private readonly IPolicy[] _policies;
    private readonly IDecisionStrategy _strategy;
    private readonly ISendTimeStrategy _sendTime;
    private readonly Duration _reevaluation;
    private readonly Duration _afterSend;
    private readonly Duration _errorRetry;
    private readonly VerdictTrace?[] _allowTraces;
    private readonly GoalTrace[] _idleGoalTraces;
    private readonly RulesAtInstant _rulesAt;
    private ImmutableArray<VerdictTrace> _allAllowedTraces;
    private ParallelDecideWork? _idleParallelWork;

    /// <summary>Initializes a new instance of the <see cref="DecisionEngine"/> class.</summary>
    /// <param name="pipeline">The composed pipeline.</param>
    public DecisionEngine(MarketingPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _goals = [.. pipeline.Goals];
        _goalChannels = pipeline.GoalChannels;
        _policies = [.. pipeline.Policies];
        _strategy = pipeline.Strategy;
        _sendTime = pipeline.SendTime;
        _reevaluation = pipeline.Options.ReevaluationInterval;
        _afterSend = pipeline.Options.ReevaluationAfterSend;
        _errorRetry = pipeline.Options.ErrorRetryInterval;
        _allowTraces = new VerdictTrace?[_policies.Length];
        _rulesAt = new RulesAtInstant(_policies);
        _idleGoalTraces = new GoalTrace[_goals.Length];
        for (var gi = 0; gi < _goals.Length; gi++)
        {
            _idleGoalTraces[gi] = new GoalTrace(_goals[gi].Id, 0, null);
        }
    }

    /// <summary>Gets the pipeline the engine runs.</summary>
    public MarketingPipeline Pipeline => _pipeline;

    /// <summary>Decides for a span of customers on the calling thread.</summary>
    /// <param name="customers">The customers.</param>
    /// <param name="now">The evaluation instant.</param>
    /// <param name="results">One result per customer (same length or longer).</param>
    /// <param name="explain">When true, every decision keeps a full trace (explain mode); the hot path leaves it false.</param>
    public void Decide(ReadOnlySpan<CustomerContext> customers, Instant now, Span<DecisionResult> results, bool explain = false)
    {
        if (results.Length < customers.Length)
        {
            throw new ArgumentException($"results has {results.Length} slots for {customers.Length} customers; pass a buffer at least as long as customers.", nameof(results));
        }

        DecideWith(GetScratch(), customers, now, results, explain);
    }

    /// <summary>Decides for the first <paramref name="count"/> customers using up to <paramref name="maxDegreeOfParallelism"/> threads.</summary>
    /// <param name="customers">The customers.</param>
    /// <param name="count">How many of them to decide.</param>
    /// <param name="now">The evaluation instant.</param>
    /// <param name="results">The results buffer (at least <paramref name="count"/> long).</param>
    /// <param name="maxDegreeOfParallelism">The most threads to use.</param>
    public void DecideParallel(CustomerContext[] customers, int count, Instant now, DecisionResult[] results, int maxDegreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, customers.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(results.Length, count);
        if (maxDegreeOfParallelism <= 1 || count < 256)
        {
            Decide(customers.AsSpan(0, count), now, results.AsSpan(0, count));
            return;
        }

        // Small chunks claimed one at a time balance threads that the OS (or other work) slows down; 2,048 customers take about a
        // millisecond, so claiming one costs nothing. The work item is reused from call to call: no closure, task or options object
        // is allocated per batch (Parallel.For allocated about 3 KB per call, which is per customer for the agent's 1,024-batches).
        var chunk = (int)Math.Clamp(count / (maxDegreeOfParallelism * 8L), 128, 2048);
        var work = Interlocked.Exchange(ref _idleParallelWork, null) ?? new ParallelDecideWork(this);
        work.Run(customers, count, now, results, chunk, maxDegreeOfParallelism);
    }

    /// <summary>Decides for one customer in explain mode: every step recorded, nothing sent or stored.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="now">The evaluation instant.</param>
    /// <returns>The result with its full trace.</returns>
    public DecisionResult Explain(CustomerContext customer, Instant now)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return DecideOne(GetScratch(), customer, now, explain: true);
    }

    private void DecideWith(DecisionScratch scratch, ReadOnlySpan<CustomerContext> customers, Instant now, Span<DecisionResult> results, bool explain)
    {
        for (var i = 0; i < customers.Length; i++)
        {
            results[i] = DecideOne(scratch, customers[i], now, explain);
        }
    }

    private DecisionScratch NewScratch() => new(this, _goals.Length, _policies.Length);

    private DecisionScratch GetScratch()
    {
        var scratch = t_scratch;
        if (scratch is null || !ReferenceEquals(scratch.Owner, this))
        {
            scratch = NewScratch();
            t_scratch = scratch;
        }

        return scratch;
    }

    private DecisionResult DecideOne(DecisionScratch scratch, CustomerContext customer, Instant now, bool explain)
    {
        try
        {
            return DecideCore(scratch, customer, now, explain);
        }
#pragma warning disable CA1031 // One customer's failure must never stop the batch: it becomes an Error result with its trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var id = NewDecisionId(now);
            var next = now + _errorRetry;
            var trace = new DecisionTrace(id, customer?.Id ?? "(null)", now, DecisionOutcome.Error, ReasonCodes.EvaluationError)
            {
                Error = $"{ex.GetType().Name}: {ex.Message}",
                ErrorType = ex.GetType().Name,
                NextEvaluationAt = next,
                Goals = customer is null ? [] : BuildGoalTraces(scratch),
            };
            return new DecisionResult(customer!, DecisionOutcome.Error, ReasonCodes.EvaluationError, next, id, Candidate.NoAction, default, default, null, trace);
        }
    }

    private DecisionResult DecideCore(DecisionScratch scratch, CustomerContext customer, Instant now, bool explain)
    {
        ArgumentNullException.ThrowIfNull(customer);
        scratch.Reset(customer);

        // 1. Goals propose; the sink crosses each proposal with the goal's reachable channels.
        var goals = _goals;
        for (var gi = 0; gi < goals.Length; gi++)
        {
            scratch.BeginGoal(goals[gi], gi, _goalChannels[gi]);
            goals[gi].Propose(customer, now, scratch);
        }

        // 2. Follow-ups: important messages without engagement inside their window.
        ProposeFollowUps(scratch, customer, now);

        var wake = now + _reevaluation;
        var goalWake = scratch.GoalWake;
        for (var gi = 0; gi < goalWake.Length; gi++)
        {
            if (goalWake[gi] > now && goalWake[gi] < wake)
            {
                wake = goalWake[gi];
            }
        }

        var count = scratch.CandidateCount;
        if (count == 0)
        {
            var code = scratch.ProposalCount == 0 ? ReasonCodes.NoGoalTriggered : ReasonCodes.NoReachableChannel;
            return NoAction(scratch, customer, now, code, wake, explain);
        }

        // 3. Rules: every rule judges every candidate; every verdict is kept for the trace.
        var policies = _policies;
        var pc = policies.Length;
        var candidates = scratch.Candidates;
        var verdicts = scratch.Verdicts;
        var states = scratch.States;
        var deferUntil = scratch.DeferUntil;
        var allowedCount = 0;
        var earliestDefer = Instant.MaxValue;
        for (var ci = 0; ci < count; ci++)
        {
            var context = new PolicyContext(customer, candidates[ci], now);
            var state = DecisionScratch.StateAllowed;
            var until = Instant.MinValue;
            for (var pi = 0; pi < pc; pi++)
            {
                var verdict = policies[pi].Evaluate(in context);
                verdicts[(ci * pc) + pi] = verdict;
                if (verdict.Kind == VerdictKind.Deny)
                {
                    state = DecisionScratch.StateDenied;
                }
                else if (verdict.Kind == VerdictKind.Defer && state != DecisionScratch.StateDenied)
                {
                    state = DecisionScratch.StateDeferred;
                    if (verdict.Until > until)
                    {
                        until = verdict.Until;
                    }
                }
            }

            states[ci] = state;
            deferUntil[ci] = until;
            if (state == DecisionScratch.StateAllowed)
            {
                scratch.Allowed[allowedCount] = candidates[ci];
                scratch.AllowedIndex[allowedCount] = ci;
                allowedCount++;
            }
            else if (state == DecisionScratch.StateDeferred && until < earliestDefer)
            {
                earliestDefer = until;
            }
        }

        if (earliestDefer > now && earliestDefer < wake)
        {
            wake = earliestDefer;
        }

        if (allowedCount == 0)
        {
            var code = earliestDefer != Instant.MaxValue ? ReasonCodes.AllCandidatesDeferred : ReasonCodes.AllCandidatesDenied;
            var held = NoAction(scratch, customer, now, code, wake, explain);
            var (rule, ruleCode) = FindHoldingRule(scratch);
            return rule is null ? held : held with { HeldByRule = rule, HeldByCode = ruleCode };
        }

        // 4. Strategy: chooses among allowed candidates only.
        var scores = scratch.Scores.AsSpan(0, allowedCount);
        scores.Clear();
        var choice = _strategy.Choose(new StrategyContext(customer, now, scratch.Allowed.AsSpan(0, allowedCount), scores));
        if (choice.Index < 0 || choice.Index >= allowedCount)
        {
            return NoAction(scratch, customer, now, choice.ReasonCode ?? ReasonCodes.StrategyChoseNoAction, wake, explain, choice);
        }

        // 5. Timing.
        var chosen = scratch.Allowed[choice.Index];
        var timing = _sendTime.ChooseSendTime(new TimingContext(customer, chosen, now) { Rules = _rulesAt });
        var sendAt = timing.SendAt < now ? now : timing.SendAt;
        var timingReason = timing.Reason;
        if (sendAt > now && !_rulesAt.IsAllowedAt(customer, in chosen, sendAt))
        {
            // Rules always win: a later instant a rule would not allow falls back to now, which every rule allowed.
            sendAt = now;
            timingReason = ReasonCodes.SendTimeNotAllowedReason;
        }

        var next = sendAt + _afterSend;
        var id = NewDecisionId(now);
        var trace = BuildTrace(scratch, customer, now, id, DecisionOutcome.Send, ReasonCodes.Selected, choice, sendAt, timingReason, next);
        return new DecisionResult(customer, DecisionOutcome.Send, ReasonCodes.Selected, next, id, chosen, choice, sendAt, timingReason, trace);
    }

    private DecisionResult NoAction(DecisionScratch scratch, CustomerContext customer, Instant now, string code, Instant next, bool explain, StrategyChoice choice = default)
    {
        if (!explain)
        {
            return new DecisionResult(customer, DecisionOutcome.NoAction, code, next, Guid.Empty, Candidate.NoAction, choice, default, null, null);
        }

        var id = NewDecisionId(now);
        var trace = BuildTrace(scratch, customer, now, id, DecisionOutcome.NoAction, code, choice with { Index = -1 }, null, null, next);
        return new DecisionResult(customer, DecisionOutcome.NoAction, code, next, id, Candidate.NoAction, choice, default, null, trace);
    }

    /// <summary>The rule that held the highest-priority candidate: its first deny, or else its first deferral. No allocation.</summary>
    private (string? Rule, string? Code) FindHoldingRule(DecisionScratch scratch)
    {
        var best = -1;
        var bestPriority = int.MinValue;
        for (var ci = 0; ci < scratch.CandidateCount; ci++)
        {
            var priority = scratch.Candidates[ci].Goal.Priority;
            if (priority > bestPriority)
            {
                best = ci;
                bestPriority = priority;
            }
        }

        var pi = best < 0 ? -1 : FirstBlockingPolicy(scratch, best);
        return pi < 0 ? (null, null) : (_policies[pi].Name, scratch.Verdicts[(best * _policies.Length) + pi].Code);
    }

    /// <summary>The index of the rule that blocks a candidate: its first deny, or else its first deferral; -1 if none.</summary>
    private int FirstBlockingPolicy(DecisionScratch scratch, int candidateIndex)
    {
        var pc = _policies.Length;
        var wanted = scratch.States[candidateIndex] == DecisionScratch.StateDenied ? VerdictKind.Deny : VerdictKind.Defer;
        for (var pi = 0; pi < pc; pi++)
        {
            if (scratch.Verdicts[(candidateIndex * pc) + pi].Kind == wanted)
            {
                return pi;
            }
        }

        return -1;
    }

    private void ProposeFollowUps(DecisionScratch scratch, CustomerContext customer, Instant now)
    {
        var messages = customer.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (!m.Important || m.FollowUpOf is not null || m.EngagedAt is not null || m.Status != MessageStatus.Sent)
            {
                continue;
            }

            var due = m.ScheduledAt + m.FollowUpAfter;
            var goal = _pipeline.FindGoal(m.GoalId);
            if (goal is null || HasFollowUp(messages, m.DecisionId))
            {
                continue;
            }

            var gi = _pipeline.IndexOfGoal(goal);
            if (now < due)
            {
                if (due < scratch.GoalWake[gi])
                {
                    scratch.GoalWake[gi] = due;
                }

                continue;
            }

            if (now > due + m.FollowUpAfter)
            {
                continue; // window passed (customer was not evaluated in time); a late follow-up would be noise
            }

            var variant = FindVariant(goal, m.VariantId);
            if (variant is null)
            {
                continue;
            }

            scratch.BeginGoal(goal, gi, _goalChannels[gi], m.DecisionId, m.Channel);
            scratch.Propose(variant);
        }
    }

    private static bool HasFollowUp(ImmutableArray<MessageRecord> messages, Guid decisionId)
    {
        for (var i = 0; i < messages.Length; i++)
        {
            if (messages[i].FollowUpOf == decisionId && messages[i].Status != MessageStatus.Failed && messages[i].Status != MessageStatus.Cancelled)
            {
                return true;
            }
        }

        return false;
    }

    private static ContentVariant? FindVariant(Goal goal, string variantId)
    {
        var variants = goal.Variants;
        for (var i = 0; i < variants.Length; i++)
        {
            if (string.Equals(variants[i].Id, variantId, StringComparison.Ordinal))
            {
                return variants[i];
            }
        }

        return null;
    }

    private static Guid NewDecisionId(Instant now) => DecisionIds.Next(now);

    /// <summary>Runs every rule on a candidate at a later instant, for the send-time step.</summary>
    private sealed class RulesAtInstant(IPolicy[] policies) : ISendInstantCheck
    {
        public bool IsAllowedAt(CustomerContext customer, in Candidate candidate, Instant sendAt)
        {
            var context = new PolicyContext(customer, candidate, sendAt);
            for (var i = 0; i < policies.Length; i++)
            {
                if (policies[i].Evaluate(in context).Kind != VerdictKind.Allow)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private ImmutableArray<GoalTrace> BuildGoalTraces(DecisionScratch scratch)
    {
        var goals = new GoalTrace[_goals.Length];
        for (var gi = 0; gi < _goals.Length; gi++)
        {
            var w = scratch.GoalWake[gi];
            var proposals = scratch.GoalProposals[gi];
            goals[gi] = proposals == 0 && w == Instant.MaxValue
                ? _idleGoalTraces[gi] // immutable and equal to a new one: goals that did nothing share one instance
                : new GoalTrace(_goals[gi].Id, proposals, w == Instant.MaxValue ? null : w);
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(goals);
    }

    /// <summary>The trace of an "allow" verdict: every allow is the same value, so one immutable instance per rule is shared.</summary>
    private VerdictTrace AllowTrace(int policyIndex, string name)
    {
        var cached = _allowTraces[policyIndex];
        if (cached is not null && ReferenceEquals(cached.Rule, name))
        {
            return cached;
        }

        cached = new VerdictTrace(name, VerdictKind.Allow, null, null, null);
        _allowTraces[policyIndex] = cached;
        return cached;
    }

    /// <summary>The verdicts of a candidate that every rule allowed: one shared immutable array while the rules' names do not change.</summary>
    private ImmutableArray<VerdictTrace> AllAllowedTraces()
    {
        var cached = _allAllowedTraces;
        var pc = _policies.Length;
        if (!cached.IsDefault)
        {
            var same = true;
            for (var pi = 0; pi < pc && same; pi++)
            {
                same = ReferenceEquals(cached[pi].Rule, _policies[pi].Name);
            }

            if (same)
            {
                return cached;
            }
        }

        var verdicts = new VerdictTrace[pc];
        for (var pi = 0; pi < pc; pi++)
        {
            verdicts[pi] = AllowTrace(pi, _policies[pi].Name);
        }

        cached = ImmutableCollectionsMarshal.AsImmutableArray(verdicts);
        _allAllowedTraces = cached;
        return cached;
    }

    private string? FirstBlockingCode(DecisionScratch scratch, int candidateIndex)
    {
        var pi = FirstBlockingPolicy(scratch, candidateIndex);
        return pi < 0 ? null : scratch.Verdicts[(candidateIndex * _policies.Length) + pi].Code;
    }

    private DecisionTrace BuildTrace(
        DecisionScratch scratch, CustomerContext customer, Instant now, Guid id, DecisionOutcome outcome, string code, StrategyChoice choice, Instant? sendAt, string? timingReason, Instant next)
    {
        var pc = _policies.Length;
        var count = scratch.CandidateCount;
        var candidates = new CandidateTrace[count];
        var chosenIndex = -1;
        var allowedPos = 0;
        var chosenGoal = choice.Index >= 0 && choice.Index < scratch.CandidateCount ? scratch.Allowed[choice.Index].Goal : null;
        for (var ci = 0; ci < count; ci++)
        {
            var c = scratch.Candidates[ci];
            var allowed = scratch.States[ci] == DecisionScratch.StateAllowed;
            string? candidateCode;
            ImmutableArray<VerdictTrace> verdictTraces;
            if (allowed)
            {
                verdictTraces = AllAllowedTraces(); // allowed means every rule said allow
            }
            else
            {
                var verdicts = new VerdictTrace[pc];
                for (var pi = 0; pi < pc; pi++)
                {
                    var v = scratch.Verdicts[(ci * pc) + pi];
                    var name = _policies[pi].Name;
                    verdicts[pi] = v.Kind == VerdictKind.Allow
                        ? AllowTrace(pi, name)
                        : new VerdictTrace(name, v.Kind, v.Code, v.Reason, v.Kind == VerdictKind.Defer ? v.Until : null);
                }

                verdictTraces = ImmutableCollectionsMarshal.AsImmutableArray(verdicts);
            }

            double? score = null;
            if (allowed)
            {
                score = scratch.Scores[allowedPos];
                if (choice.Index == allowedPos)
                {
                    chosenIndex = ci;
                    candidateCode = ReasonCodes.Selected;
                }
                else if (chosenGoal is null)
                {
                    candidateCode = null;
                }
                else
                {
                    // One slot per evaluation: the chosen goal's message takes it; other goals wait for the next evaluation.
                    candidateCode = ReferenceEquals(c.Goal, chosenGoal) ? ReasonCodes.AlternativeChannel : ReasonCodes.CapBound;
                }

                allowedPos++;
            }
            else
            {
                candidateCode = FirstBlockingCode(scratch, ci);
            }

            candidates[ci] = new CandidateTrace(c.Goal.Id, c.Variant.Id, c.Channel.Name, c.Offer?.Id, verdictTraces)
            {
                Allowed = allowed,
                Score = score,
                FollowUpOf = c.FollowUpOf,
                ReasonCode = candidateCode,
            };
        }

        return new DecisionTrace(id, customer.Id, now, outcome, code)
        {
            Goals = BuildGoalTraces(scratch),
            Candidates = ImmutableCollectionsMarshal.AsImmutableArray(candidates),
            ChosenIndex = chosenIndex,
            Strategy = allowedPos > 0 ? _strategy.Name : null,
            Score = choice.Score,
            Confidence = choice.Confidence,
            Propensity = choice.Propensity,
            Exploratory = choice.Exploratory,
            SendAt = sendAt,
            TimingReason = timingReason,
            NextEvaluationAt = next,
        };
    }
    /// <summary>
    /// The shared state of a <see cref="DecideParallel"/> call, reused from call to call (the engine keeps one idle instance, so a call
    /// allocates nothing). The calling thread and up to <c>maxDegreeOfParallelism - 1</c> thread-pool helpers claim chunks of customers
    /// until none is left; each participant decides with its own scratch buffers, owned by this instance (not by the thread, so a pool
    /// thread the runtime creates later allocates nothing either).
    /// </summary>
    /// <remarks>
    /// A helper must take an entry ticket before touching the call. When the caller has finished its own chunks it withdraws the
    /// tickets left and waits until no helper is inside; then every chunk is decided and the instance may serve the next call. A helper
    /// the pool starts late finds no ticket and leaves, or, if the instance already serves a later call, takes one of that call's
    /// tickets and helps it (one of that call's own helpers then finds none): either way the number of participants stays right.
    /// </remarks>
    private sealed class ParallelDecideWork(DecisionEngine engine) : IThreadPoolWorkItem
    {
        private const long OneTicket = 1L << 32;
        private const long ActiveMask = 0xFFFF_FFFFL;

        [ThreadStatic]
        private static int t_participant;

        private readonly object _gate = new();
        private DecisionScratch?[] _scratches = [];
        private CustomerContext[] _customers = [];
        private DecisionResult[] _results = [];
        private Instant _now;
        private int _count;
        private int _chunk;
        private int _chunks;
        private int _next;
        private Exception? _error;
        private ExecutionContext? _context;

        /// <summary>Entry tickets left (high 32 bits) and helpers inside (low 32 bits).</summary>
        private long _state;

        public void Run(CustomerContext[] customers, int count, Instant now, DecisionResult[] results, int chunk, int maxDegreeOfParallelism)
        {
            _customers = customers;
            _results = results;
            _now = now;
            _count = count;
            _chunk = chunk;
            _chunks = (count + chunk - 1) / chunk;
            _next = 0;
            _error = null;
            _context = ExecutionContext.Capture(); // helpers see the caller's ambient context (Activity.Current...), as with Parallel.For
            var helpers = Math.Min(Math.Min(maxDegreeOfParallelism, _chunks), 1024) - 1;
            if (_scratches.Length < helpers + 1)
            {
                Array.Resize(ref _scratches, helpers + 1);
            }

            Interlocked.Exchange(ref _state, helpers * OneTicket); // publishes the fields above before any helper can enter
            for (var i = 0; i < helpers; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }

            Work(0);

            // Withdraw the tickets left, then wait for the helpers inside: they finish their chunk and find no other.
            if ((Interlocked.And(ref _state, ActiveMask) & ActiveMask) != 0)
            {
                lock (_gate)
                {
                    while ((Volatile.Read(ref _state) & ActiveMask) != 0)
                    {
                        Monitor.Wait(_gate);
                    }
                }
            }

            var error = _error;
            _customers = [];
            _results = [];
            _context = null;
            _error = null;
            Interlocked.CompareExchange(ref engine._idleParallelWork, this, null);
            if (error is not null)
            {
                throw new AggregateException(error);
            }
        }

        void IThreadPoolWorkItem.Execute()
        {
            var state = Volatile.Read(ref _state);
            while (true)
            {
                var tickets = (int)(state >> 32);
                if (tickets == 0)
                {
                    return; // the call is over (or had enough helpers): never touch it
                }

                var seen = Interlocked.CompareExchange(ref _state, state - OneTicket + 1, state);
                if (seen == state)
                {
                    break;
                }

                state = seen;
            }

            var participant = (int)(state >> 32); // 1..helpers, unique within the call
            try
            {
                var context = _context;
                if (context is null)
                {
                    Work(participant);
                }
                else
                {
                    t_participant = participant; // ExecutionContext.Run calls back on this thread: passes the index without boxing it
                    ExecutionContext.Run(context, static s => ((ParallelDecideWork)s!).Work(t_participant), this);
                }
            }
            finally
            {
                if (Interlocked.Decrement(ref _state) == 0)
                {
                    lock (_gate)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }
            }
        }

        private void Work(int participant)
        {
            var scratch = _scratches[participant] ??= engine.NewScratch();
            while (true)
            {
                var c = Interlocked.Increment(ref _next) - 1;
                if (c >= _chunks)
                {
                    return;
                }

                var start = c * _chunk;
                var length = Math.Min(_chunk, _count - start);
                try
                {
                    engine.DecideWith(scratch, _customers.AsSpan(start, length), _now, _results.AsSpan(start, length), explain: false);
                }
#pragma warning disable CA1031 // Decide already turns a customer's failure into an Error result; anything else is rethrown by the caller.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Interlocked.CompareExchange(ref _error, ex, null);
                }
            }
        }
    }
}
