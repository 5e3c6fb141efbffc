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

        var scratch = GetScratch();
        for (var i = 0; i < customers.Length; i++)
        {
            results[i] = DecideOne(scratch, customers[i], now, explain);
        }
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

        var chunk = Math.Max(128, count / (maxDegreeOfParallelism * 4));
        var chunks = (count + chunk - 1) / chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, c =>
        {
            var start = c * chunk;
            var length = Math.Min(chunk, count - start);
            Decide(customers.AsSpan(start, length), now, results.AsSpan(start, length));
        });
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

    private DecisionScratch GetScratch()
    {
        var scratch = t_scratch;
        if (scratch is null || !ReferenceEquals(scratch.Owner, this))
        {
            scratch = new DecisionScratch(this, _goals.Length, _policies.Length);
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
            return NoAction(scratch, customer, now, code, wake, explain);
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
        var timing = _sendTime.ChooseSendTime(new TimingContext(customer, chosen, now));
        var sendAt = timing.SendAt < now ? now : timing.SendAt;
        var next = sendAt + _afterSend;
        var id = NewDecisionId(now);
        var trace = BuildTrace(scratch, customer, now, id, DecisionOutcome.Send, ReasonCodes.Selected, choice, sendAt, timing.Reason, next);
        return new DecisionResult(customer, DecisionOutcome.Send, ReasonCodes.Selected, next, id, chosen, choice, sendAt, timing.Reason, trace);
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

    private static Guid NewDecisionId(Instant now) => Guid.CreateVersion7(now.ToDateTimeOffset());

    private ImmutableArray<GoalTrace> BuildGoalTraces(DecisionScratch scratch)
    {
        var goals = ImmutableArray.CreateBuilder<GoalTrace>(_goals.Length);
        for (var gi = 0; gi < _goals.Length; gi++)
        {
            var w = scratch.GoalWake[gi];
            goals.Add(new GoalTrace(_goals[gi].Id, scratch.GoalProposals[gi], w == Instant.MaxValue ? null : w));
        }

        return goals.MoveToImmutable();
    }

    private DecisionTrace BuildTrace(
        DecisionScratch scratch, CustomerContext customer, Instant now, Guid id, DecisionOutcome outcome, string code, StrategyChoice choice, Instant? sendAt, string? timingReason, Instant next)
    {
        var pc = _policies.Length;
        var count = scratch.CandidateCount;
        var candidates = ImmutableArray.CreateBuilder<CandidateTrace>(count);
        var chosenIndex = -1;
        var allowedPos = 0;
        for (var ci = 0; ci < count; ci++)
        {
            var c = scratch.Candidates[ci];
            var verdicts = ImmutableArray.CreateBuilder<VerdictTrace>(pc);
            for (var pi = 0; pi < pc; pi++)
            {
                var v = scratch.Verdicts[(ci * pc) + pi];
                verdicts.Add(new VerdictTrace(_policies[pi].Name, v.Kind, v.Code, v.Reason, v.Kind == VerdictKind.Defer ? v.Until : null));
            }

            var allowed = scratch.States[ci] == DecisionScratch.StateAllowed;
            double? score = null;
            if (allowed)
            {
                score = scratch.Scores[allowedPos];
                if (choice.Index == allowedPos)
                {
                    chosenIndex = ci;
                }

                allowedPos++;
            }

            candidates.Add(new CandidateTrace(c.Goal.Id, c.Variant.Id, c.Channel.Name, c.Offer?.Id, verdicts.MoveToImmutable())
            {
                Allowed = allowed,
                Score = score,
                FollowUpOf = c.FollowUpOf,
            });
        }

        return new DecisionTrace(id, customer.Id, now, outcome, code)
        {
            Goals = BuildGoalTraces(scratch),
            Candidates = candidates.MoveToImmutable(),
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
}
