using System.Buffers;

namespace MarketingAutomation;

/// <summary>
/// The learning strategy: per customer and per context, Thompson sampling over the candidates the rules allowed, valued by expected
/// incremental revenue minus contact cost and unsubscribe/complaint risk, with "no action" always one of the choices.
/// </summary>
/// <remarks>
/// <para>
/// <b>Models.</b> A population model (<see cref="PopulationModel"/>) per context cell (lifecycle stage x purchase frequency x recent message
/// load) and arm (goal, variant, channel kind): conversion per delivered message, engagement, unsubscribe and complaint rates, and an
/// hour-of-week engagement profile. Each customer's own model (<see cref="CustomerModelState"/>, 272 bytes in
/// <see cref="CustomerContext.LearnedState"/>) holds their channel responses, engaged hours, offer responses per goal, follow-up answers
/// and a learned tolerance, all shrunk toward the population.
/// </para>
/// <para>
/// <b>Value.</b> For a candidate: P(conversion) = the cell's rate for the arm x the customer's channel responsiveness (their engagement
/// posterior over the cell's rate) x their offer response; times the order value made incremental (only the share of conversions that
/// would not have happened anyway in the attribution window counts, and a discount given to someone who would have bought anyway is a
/// loss), plus the lifetime value a win-back restores; minus the channel's contact cost and the expected unsubscribe and complaint
/// penalties. Transactional messages are always worth sending; the model only picks their channel.
/// </para>
/// <para>
/// <b>Choice.</b> Thompson sampling with a normal approximation of each candidate's value posterior. <see cref="AdaptiveStrategyOptions.PropensitySamples"/>
/// draws give the probability P(a) that each action (no action included) is best. The greedy action g has the highest posterior mean.
/// The decision samples from (1 - q) 1[a = g] + q P(a) with q = min(1, budget / (1 - P(g))), so the chance of an exploratory
/// decision (a != g) is min(1 - P(g), budget): never above the exploration budget. The propensity logged is exactly that mixture's
/// probability of the chosen action; the confidence is P(chosen action is best). Draws are seeded by (seed, customer, instant): the same
/// inputs give the same decision on any thread.
/// </para>
/// <para><b>Hot path.</b> <see cref="Choose"/> allocates nothing (state is read into a stack copy, draws use stack buffers) and uses no LINQ.</para>
/// </remarks>
public sealed class AdaptiveStrategy : IDecisionStrategy, ICustomerStateLearner, ICapTolerance, IPersistentModel
{
    /// <summary>The strategy's name, as shown on traces.</summary>
    public const string StrategyName = "adaptive";

    private const int StackCandidates = 64;
    private const double PersonalEngagementStrength = 10;
    private const double PersonalConversionStrength = 4;
    private const double FollowUpStrength = 2;

    private readonly AdaptiveStrategyOptions _options;
    private readonly PopulationModel _model;
    private readonly double[] _cost = new double[PopulationModel.Kinds];
    private readonly bool[] _costOverridden = new bool[PopulationModel.Kinds];
    private readonly uint _controlThreshold;
    private readonly ulong _controlSalt;
    private readonly double _windowDays;
    private readonly double _reactivationDays;

    /// <summary>Initializes a new instance of the <see cref="AdaptiveStrategy"/> class.</summary>
    /// <param name="options">The options; defaults when null.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public AdaptiveStrategy(AdaptiveStrategyOptions? options = null)
    {
        _options = options ?? new AdaptiveStrategyOptions();
        var problems = _options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        _model = new PopulationModel(_options);
        for (var k = 0; k < PopulationModel.Kinds; k++)
        {
            _costOverridden[k] = _options.ContactCost.TryGetValue((ChannelKind)k, out _cost[k]);
        }

        _controlThreshold = (uint)Math.Round(_options.ControlGroupShare * 10_000);
        _controlSalt = StableHash.Of(_options.ControlGroupSalt, 0xC0DE_C0DE_1234_5678UL);
        _windowDays = _options.AttributionWindow.TotalDays;
        _reactivationDays = _options.ReactivationHorizon.TotalDays;
    }

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>Gets the name the population snapshot is stored under (<see cref="IModelStateStore"/>): <c>adaptive.population</c>.</summary>
    public string ModelName => "adaptive.population";

    /// <summary>Gets the options.</summary>
    public AdaptiveStrategyOptions Options => _options;

    /// <summary>Gets the population model (shared by the send-time strategy).</summary>
    internal PopulationModel Model => _model;

    /// <summary>
    /// Writes what the population model has learned (per context, arm, channel and hour) as a versioned binary snapshot, so a restarted
    /// process does not fall back to the priors. Customers' own models live in their learned state and are saved by the store.
    /// </summary>
    /// <param name="destination">The stream (left open).</param>
    public void SaveModel(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _model.Save(destination);
    }

    /// <summary>Replaces the population model with a snapshot written by <see cref="SaveModel"/> (goals are matched by id).</summary>
    /// <param name="source">The stream (left open).</param>
    /// <exception cref="InvalidDataException">Not a snapshot, another format version or model shape, or truncated; nothing was changed.</exception>
    public void LoadModel(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _model.Load(source);
    }

    /// <summary>Tells whether a customer is in the global control group (a deterministic hash bucket of the id).</summary>
    /// <param name="customerId">The customer id.</param>
    /// <returns>True when the customer gets no marketing.</returns>
    public bool IsInControlGroup(string customerId)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        return _controlThreshold > 0 && (uint)(StableHash.Of(customerId, _controlSalt) % 10_000) < _controlThreshold;
    }

    /// <summary>
    /// Describes what the strategy has learned about a customer, with the same model it decides with: the response rate per channel
    /// and per hour of the week. For reports and "why" screens; not on a decision's path.
    /// </summary>
    /// <param name="customer">The customer as read from the store (with <see cref="CustomerContext.LearnedState"/>).</param>
    /// <param name="now">The instant the features (lifecycle stage, recent load) are computed at.</param>
    /// <returns>The profile.</returns>
    public LearnedProfile Describe(CustomerContext customer, Instant now)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var personal = CustomerModelState.TryDeserialize(customer.LearnedState.Span, out var state, out _) && !customer.LearnedState.IsEmpty;
        var features = CustomerFeatures.Compute(customer, now);
        ReadOnlySpan<ChannelKind> kinds = [ChannelKind.Email, ChannelKind.Sms, ChannelKind.Push, ChannelKind.InApp];
        var channels = ImmutableArray.CreateBuilder<LearnedChannel>(kinds.Length);
        foreach (var kind in kinds)
        {
            var population = _model.EngagementRate(features.Cell, kind);
            var prior = new BetaPosterior(PersonalEngagementStrength * population, PersonalEngagementStrength * (1 - population));
            var (alpha, beta) = state.ChannelEvidence(kind);
            channels.Add(new LearnedChannel(kind, state.ChannelPosterior(kind, prior).Mean, population, (double)alpha + (double)beta));
        }

        var rates = ImmutableArray.CreateBuilder<double>(LearnedProfile.HoursPerWeek);
        var trials = ImmutableArray.CreateBuilder<int>(LearnedProfile.HoursPerWeek);
        for (var slot = 0; slot < LearnedProfile.HoursPerWeek; slot++)
        {
            rates.Add(state.Hours.PooledPosterior(slot, _model.HourPrior(slot)).Mean);
            trials.Add(state.Hours.Trials(slot));
        }

        return new LearnedProfile
        {
            CustomerId = customer.Id,
            HasPersonalState = personal,
            Channels = channels.MoveToImmutable(),
            EngagementByHourOfWeek = rates.MoveToImmutable(),
            TrialsByHourOfWeek = trials.MoveToImmutable(),
            ToleranceMessagesPerWeek = personal && state.HasTolerance ? state.ToleranceMean : null,
        };
    }

    /// <inheritdoc />
    public StrategyChoice Choose(StrategyContext context)
    {
        var candidates = context.Candidates;
        var scores = context.Scores;
        var customer = context.Customer;
        var k = candidates.Length;
        if (k == 0)
        {
            return StrategyChoice.None(ReasonCodes.StrategyChoseNoAction);
        }

        var inControl = IsInControlGroup(customer.Id);
        CustomerModelState.TryDeserialize(customer.LearnedState.Span, out var state, out _);
        var features = CustomerFeatures.Compute(customer, context.Now);
        var tolerant = !state.HasTolerance || features.RecentMarketingMessages < Math.Max(1, (int)Math.Floor(state.ToleranceMean));

        double[]? rentedMean = null;
        double[]? rentedSd = null;
        int[]? rentedCounts = null;
        var mean = k <= StackCandidates ? stackalloc double[k] : (rentedMean = ArrayPool<double>.Shared.Rent(k)).AsSpan(0, k);
        var sd = k <= StackCandidates ? stackalloc double[k] : (rentedSd = ArrayPool<double>.Shared.Rent(k)).AsSpan(0, k);
        var counts = k < StackCandidates ? stackalloc int[k + 1] : (rentedCounts = ArrayPool<int>.Shared.Rent(k + 1)).AsSpan(0, k + 1);
        try
        {
            var eligible = 0;
            var greedy = -1;
            var greedyValue = 0.0;
            for (var i = 0; i < k; i++)
            {
                ref readonly var c = ref candidates[i];
                if (c.Purpose == MessagePurpose.Marketing && (inControl || !tolerant))
                {
                    mean[i] = double.NaN;
                    sd[i] = 0;
                    scores[i] = 0;
                    continue;
                }

                eligible++;
                Value(customer, in c, in features, in state, out mean[i], out sd[i]);
                scores[i] = mean[i];
                if (mean[i] > greedyValue)
                {
                    greedyValue = mean[i];
                    greedy = i;
                }
            }

            if (eligible == 0)
            {
                return StrategyChoice.None(inControl ? ReasonCodes.ControlGroup : ReasonCodes.LearnedTolerance);
            }

            // Thompson draws: how often each action (index 0 = no action) has the highest sampled value.
            var random = new LearningRandom(_options.Seed ^ StableHash.Of(customer.Id, (ulong)context.Now.ToUnixTimeTicks()));
            counts.Clear();
            var samples = _options.PropensitySamples;
            for (var m = 0; m < samples; m++)
            {
                var best = -1;
                var bestDraw = 0.0;
                for (var i = 0; i < k; i++)
                {
                    var mu = mean[i];
                    if (double.IsNaN(mu))
                    {
                        continue;
                    }

                    var draw = mu + (sd[i] * NormalTable.Next(ref random));
                    if (candidates[i].Purpose == MessagePurpose.Transactional && draw <= 0)
                    {
                        draw = double.Epsilon;
                    }

                    if (draw > bestDraw)
                    {
                        bestDraw = draw;
                        best = i;
                    }
                }

                counts[best + 1]++;
            }

            // Mix the Thompson distribution with the greedy choice so exploration stays within the budget.
            var pGreedy = counts[greedy + 1] / (double)samples;
            var q = pGreedy >= 1 ? 0.0 : Math.Min(1.0, _options.ExplorationBudget / (1 - pGreedy));
            var u = random.NextDouble();
            var chosen = greedy;
            if (u < q)
            {
                var target = random.NextDouble() * samples;
                var cumulative = 0.0;
                for (var a = -1; a < k; a++)
                {
                    cumulative += counts[a + 1];
                    if (target < cumulative)
                    {
                        chosen = a;
                        break;
                    }
                }
            }

            var pChosen = counts[chosen + 1] / (double)samples;
            var propensity = ((1 - q) * (chosen == greedy ? 1.0 : 0.0)) + (q * pChosen);
            var exploratory = chosen != greedy;
            if (chosen < 0)
            {
                var code = greedy < 0 ? ReasonCodes.BelowContactCost : ReasonCodes.StrategyChoseNoAction;
                return new StrategyChoice(-1, 0, pChosen, propensity) { ReasonCode = code, Exploratory = exploratory };
            }

            return new StrategyChoice(chosen, mean[chosen], pChosen, propensity) { Exploratory = exploratory };
        }
        finally
        {
            if (rentedMean is not null)
            {
                ArrayPool<double>.Shared.Return(rentedMean);
                ArrayPool<double>.Shared.Return(rentedSd!);
            }

            if (rentedCounts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedCounts);
            }
        }
    }

    /// <summary>The posterior mean and standard deviation of a candidate's net value for a customer.</summary>
    private void Value(CustomerContext customer, in Candidate c, in CustomerFeatures features, in CustomerModelState state, out double mean, out double sd)
    {
        var goal = _model.GoalIndex(c.Goal);
        var variant = PopulationModel.VariantIndex(c.Goal, c.Variant);
        var kind = c.ChannelKind;
        var cell = features.Cell;
        var conversion = _model.Conversion(cell, PopulationModel.Arm(goal, variant, kind));
        var p = conversion.Mean;
        var varP = conversion.Variance;

        // The customer's responsiveness on this channel relative to the cell's.
        var popEngagement = _model.EngagementRate(cell, kind);
        var personal = state.ChannelPosterior(kind, new BetaPosterior(PersonalEngagementStrength * popEngagement, PersonalEngagementStrength * (1 - popEngagement)));
        var r = personal.Mean / popEngagement;

        // The customer's own response to this goal with or without an offer.
        var offer = c.Offer;
        var hasOffer = offer is not null;
        // The customer's own conversion once engaged, for this goal with or without an offer: people who open and click but never buy
        // (browsers) and people who buy when there is an offer (deal seekers) tell themselves apart after a few engagements.
        var perEngagement = Math.Clamp(p / popEngagement, 1e-4, 0.99);
        var converts = state.OfferPosterior(GoalSlot(c.Goal.Id), hasOffer, new BetaPosterior(PersonalConversionStrength * perEngagement, PersonalConversionStrength * (1 - perEngagement)));
        r *= converts.Mean / perEngagement;

        if (c.FollowUpOf is { } first && FirstKind(customer, first) is { } firstKind)
        {
            var followUp = state.FollowUpPosterior(firstKind, kind, new BetaPosterior(FollowUpStrength * popEngagement, FollowUpStrength * (1 - popEngagement)));
            r *= followUp.Mean / popEngagement;
        }

        // What a conversion is worth: incremental share of the order, minus discounts given to who would have bought anyway,
        // plus the purchases a win-back restores.
        var order = features.AverageOrderValue > 0 ? features.AverageOrderValue : _model.AverageConversionValue;
        var discount = hasOffer ? Math.Clamp((double)offer!.DiscountPercent / 100, 0, 1) : 0;
        var incremental = Math.Clamp(1 - (features.OrganicRatePerDay * _windowDays), 0.05, 1);
        var worth = order * ((incremental * (1 - discount)) - ((1 - incremental) * discount));
        if (features.IsWinBack)
        {
            worth += _options.ReactivationShare * features.ActiveRatePerDay * _reactivationDays * order;
        }

        var ki = PopulationModel.KindIndex(kind);
        var risk = (_options.UnsubscribePenalty * _model.UnsubscribeRate(cell, kind)) + (_options.ComplaintPenalty * _model.ComplaintRate(cell, kind));
        var pr = p * r;
        var cost = _costOverridden[ki] ? _cost[ki] : c.Channel.Capabilities.CostPerMessage + _options.AttentionCost;
        mean = (pr * worth) - cost - risk;
        // Thompson sampling explores what the population does not know yet (the cell's rate for the arm): that knowledge serves every
        // customer of the cell. A customer's own deviation is learned from the messages the greedy choice sends them anyway; exploring
        // it would spend real messages (and unsubscribe risk) on information that serves one customer only.
        sd = Math.Abs(worth) * r * Math.Sqrt(varP);
        if (c.Purpose == MessagePurpose.Transactional && mean <= 0)
        {
            // Transactional messages are owed to the customer: always worth sending; the value only ranks their channels.
            mean = 1e-6 * (1 + pr);
        }
    }

    private static ChannelKind? FirstKind(CustomerContext customer, Guid decisionId) => FindMessage(customer, decisionId)?.Kind;

    private static MessageRecord? FindMessage(CustomerContext customer, Guid decisionId)
    {
        var messages = customer.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            if (messages[i].DecisionId == decisionId)
            {
                return messages[i];
            }
        }

        return null;
    }

    /// <summary>The slot of a goal in the customer's state: a stable hash of its id (goals that collide share evidence).</summary>
    /// <param name="goalId">The goal id.</param>
    /// <returns>0 to 7.</returns>
    internal static int GoalSlot(string goalId) => (int)(StableHash.Of(goalId, 0x60A1_5107UL) % CustomerModelState.GoalSlots);

    /// <inheritdoc />
    public void Learn(DecisionFeedback feedback)
    {
        // Learning needs the customer (their history and state): the feedback ingestor calls the ICustomerStateLearner overload.
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte>? Learn(DecisionFeedback feedback, CustomerContext customer, ReadOnlyMemory<byte> state)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentNullException.ThrowIfNull(customer);
        var message = FindMessage(customer, feedback.DecisionId);
        if (message is null)
        {
            return null;
        }

        var goal = _model.FindGoal(message.GoalId, out var goalIndex);
        if (goal is null)
        {
            return null;
        }

        var variantIndex = PopulationModel.MaxVariants - 1;
        var hasOffer = false;
        var variants = goal.Variants;
        for (var i = 0; i < variants.Length; i++)
        {
            if (string.Equals(variants[i].Id, message.VariantId, StringComparison.Ordinal))
            {
                variantIndex = Math.Min(i, PopulationModel.MaxVariants - 1);
                hasOffer = variants[i].Offer is not null;
                break;
            }
        }

        CustomerModelState.TryDeserialize(state.Span, out var model, out _);
        var sentAt = message.SentAt ?? message.ScheduledAt;
        var features = CustomerFeatures.Compute(customer, message.ScheduledAt);
        var cell = features.Cell;
        var kind = message.Kind;
        var arm = PopulationModel.Arm(goalIndex, variantIndex, kind);
        var zone = customer.Customer.TimeZone;
        var sendSlot = zone is null ? -1 : HourOfWeek(sentAt, zone);
        var inWindow = feedback.OccurredAt - sentAt <= _options.AttributionWindow;
        var slot = GoalSlot(message.GoalId);
        var firstKind = message.FollowUpOf is { } first ? FirstKind(customer, first) : null;
        switch (feedback.Kind)
        {
            case FeedbackKind.Delivered:
                // Counted as an ignore until engagement arrives inside the attribution window (delayed feedback).
                _model.RecordDelivered(cell, arm, kind, sendSlot);
                model.RecordChannel(kind, success: false);
                if (sendSlot >= 0)
                {
                    model.Hours.Record(sendSlot, engaged: false);
                }

                if (firstKind is { } fk)
                {
                    model.RecordFollowUp(fk, kind, answered: false);
                }

                break;
            case FeedbackKind.Opened or FeedbackKind.Clicked or FeedbackKind.Replied or FeedbackKind.Converted:
                if (!inWindow)
                {
                    return null;
                }

                if (message.EngagedAt == feedback.OccurredAt)
                {
                    Engaged(ref model, cell, kind, zone, sendSlot, feedback.OccurredAt, firstKind);

                    // One engagement = one trial of "converts once engaged"; a conversion inside the window turns it into a success.
                    model.RecordOffer(slot, hasOffer, success: false);
                }

                if (feedback.Kind == FeedbackKind.Converted)
                {
                    _model.RecordConverted(cell, arm, (double)feedback.Value);
                    model.PromoteOffer(slot, hasOffer);
                }

                break;
            case FeedbackKind.MachineOpened:
                model.RecordChannel(kind, success: true, _options.MachineOpenWeight);
                break;
            case FeedbackKind.Unsubscribed or FeedbackKind.Complained:
                var complaint = feedback.Kind == FeedbackKind.Complained;
                _model.RecordNegative(cell, kind, complaint);
                model.RecordChannel(kind, success: false, complaint ? 5 : 3);

                // They tolerated the messages of the week before this one, not this one: learned spacing only tightens caps.
                var tolerated = Math.Max(1, features.RecentMarketingMessages);
                if (!model.HasTolerance || tolerated < model.ToleranceMean)
                {
                    model.SetTolerance(tolerated, 0);
                }

                break;
            default:
                return null;
        }

        model.Touch(feedback.OccurredAt);
        return model.ToArray();
    }

    private void Engaged(ref CustomerModelState model, int cell, ChannelKind kind, DateTimeZone? zone, int sendSlot, Instant at, ChannelKind? firstKind)
    {
        var slot = zone is null ? -1 : HourOfWeek(at, zone);
        var same = slot >= 0 && slot == sendSlot;
        _model.RecordEngaged(cell, kind, slot, same);
        model.PromoteChannel(kind);
        if (slot >= 0)
        {
            if (same && model.Hours.Successes(slot) < model.Hours.Trials(slot))
            {
                // The delivery already counted a trial in this hour: turn it into a success.
                model.Hours.Promote(slot);
            }
            else
            {
                model.Hours.Record(slot, engaged: true);
            }
        }

        if (firstKind is { } fk)
        {
            model.PromoteFollowUp(fk, kind);
        }
    }

    /// <summary>Gets the customer-local hour of the week (0 = Monday 00:00) of an instant.</summary>
    /// <param name="at">The instant.</param>
    /// <param name="zone">The customer's zone.</param>
    /// <returns>0 to 167.</returns>
    internal static int HourOfWeek(Instant at, DateTimeZone zone)
    {
        var local = at.InZone(zone).LocalDateTime;
        return (((int)local.DayOfWeek - 1) * 24) + local.Hour;
    }

    /// <inheritdoc />
    public int? MaxMessages(CustomerContext customer, Duration window, ChannelKind? channel)
    {
        ArgumentNullException.ThrowIfNull(customer);
        if (window < Duration.FromDays(7) || !CustomerModelState.TryDeserialize(customer.LearnedState.Span, out var state, out _) || !state.HasTolerance)
        {
            return null;
        }

        return Math.Max(1, (int)Math.Floor(state.ToleranceMean * window.TotalDays / 7));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}
