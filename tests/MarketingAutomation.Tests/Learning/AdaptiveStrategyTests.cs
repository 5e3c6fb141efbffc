using System.Globalization;
using MarketingAutomation.Testing;

namespace MarketingAutomation.Tests.Learning;

/// <summary>The learning strategy (<see cref="AdaptiveStrategy"/>) and its send-time model (<see cref="AdaptiveSendTimeStrategy"/>).</summary>
public sealed class AdaptiveStrategyTests
{
    /// <summary>Monday 5 January 2026, 09:00 UTC.</summary>
    private static readonly Instant Start = Instant.FromUtc(2026, 1, 5, 9, 0);

    private readonly ITestOutputHelper _output;

    public AdaptiveStrategyTests(ITestOutputHelper output) => _output = output;

    private sealed class FixedGoal : Goal
    {
        public FixedGoal(string id, MessagePurpose purpose = MessagePurpose.Marketing, Offer? offer = null, int variants = 1)
            : base(id)
        {
            Purpose = purpose;
            Variants = [.. Enumerable.Range(1, variants).Select(v => new ContentVariant($"{id}-v{v}") { Body = "Hello.", Offer = offer })];
        }

        public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
        {
        }
    }

    private static AdaptiveStrategyOptions Options(ulong seed, double exploration = 0.10, double controlGroup = 0) =>
        new() { Seed = seed, ExplorationBudget = exploration, ControlGroupShare = controlGroup };

    private static RecordingChannel Channel(ChannelKind kind, double cost = 0) =>
        new(kind.ToString().ToLowerInvariant(), kind) { Capabilities = new ChannelCapabilities { CostPerMessage = cost } };

    private static Customer Prospect(string id, string? timeZone = null) => new(id)
    {
        ContactPoints = [new ContactPoint(ChannelKind.Email, id + "@example.com"), new ContactPoint(ChannelKind.Sms, "+12125550100")],
        TimeZoneId = timeZone,
    };

    private static Candidate CandidateFor(Goal goal, RecordingChannel channel, Customer customer, int variant = 0) =>
        new(goal, goal.Variants[variant], channel, customer.FindContact(channel.Kind)!);

    private static StrategyChoice Choose(AdaptiveStrategy strategy, CustomerContext customer, Instant now, Candidate[] candidates, double[]? scores = null)
    {
        scores ??= new double[candidates.Length];
        return strategy.Choose(new StrategyContext(customer, now, candidates, scores));
    }

    private static MessageRecord Sent(Candidate candidate, Instant at)
    {
        var decisionId = Guid.NewGuid();
        return new MessageRecord(
            decisionId.ToString("N"), decisionId, candidate.Goal.Id, candidate.Variant.Id, candidate.Channel.Name, candidate.ChannelKind, candidate.Purpose, at)
        {
            Status = MessageStatus.Sent,
            SentAt = at,
        };
    }

    private static DecisionFeedback Feedback(MessageRecord message, string customerId, FeedbackKind kind, Instant at, decimal value = 0) =>
        new(message.DecisionId, customerId, kind, at) { GoalId = message.GoalId, VariantId = message.VariantId, Channel = message.Channel, Value = value };

    /// <summary>Feeds one outcome and stores the returned state in the customer (the state must change).</summary>
    private static CustomerContext Learn(AdaptiveStrategy strategy, CustomerContext customer, DecisionFeedback feedback)
    {
        var state = strategy.Learn(feedback, customer, customer.LearnedState);
        Assert.True(state.HasValue, $"Learn returned null for {feedback.Kind}");
        return customer with { LearnedState = state.Value };
    }

    private static CustomerContext ReplaceMessage(CustomerContext customer, MessageRecord old, MessageRecord updated) =>
        customer with { Messages = customer.Messages.Replace(old, updated) };

    // ---------------------------------------------------------------- 1. cold start

    public static TheoryData<double, double, double, double, decimal> ColdStartCases => new()
    {
        // prior conversion rate, prior order value, attention cost, channel price, discount percent (0: no offer)
        { 0.005, 50, 0.02, 0, 0m },
        { 0.02, 80, 0.05, 0.01, 0m },
        { 0.01, 120, 0.02, 0.03, 25m },
    };

    [Theory]
    [MemberData(nameof(ColdStartCases))]
    public void ColdStart_ScoreIsThePriorValue_AndIdenticalForEveryFreshCustomer(
        double priorConversion, double priorOrder, double attention, double price, decimal discount)
    {
        var options = Options(seed: 5);
        options.PriorConversionRate = priorConversion;
        options.PriorOrderValue = priorOrder;
        options.AttentionCost = attention;
        var strategy = new AdaptiveStrategy(options);
        var goal = new FixedGoal("promo", offer: discount > 0 ? new Offer("off", discount) : null);
        var email = Channel(ChannelKind.Email, price);

        var a = new CustomerContext(Prospect("fresh-a"));
        var b = new CustomerContext(Prospect("fresh-b", "Europe/Berlin"));
        var scoresA = new double[1];
        var scoresB = new double[1];
        Choose(strategy, a, Start, [CandidateFor(goal, email, a.Customer)], scoresA);
        Choose(strategy, b, Start + Duration.FromMinutes(17), [CandidateFor(goal, email, b.Customer)], scoresB);

        // AdaptiveStrategy.Value at cold start: p = prior conversion rate, the customer's responsiveness r = 1 (personal posteriors are
        // their priors), a prospect's purchases are all incremental, worth = order x (1 - discount); risk from the population's prior
        // unsubscribe and complaint rates.
        var worth = priorOrder * (1 - ((double)discount / 100));
        var risk = (options.UnsubscribePenalty * PopulationModel.PriorUnsubscribeRate) + (options.ComplaintPenalty * PopulationModel.PriorComplaintRate);
        var expected = (priorConversion * worth) - (price + attention) - risk;

        Assert.True(double.IsFinite(scoresA[0]), $"score {scoresA[0]}");
        Assert.Equal(expected, scoresA[0], 1e-9);
        Assert.Equal(scoresA[0], scoresB[0]);
    }

    [Fact]
    public void ColdStart_ScoresAreFiniteForEveryChannelAndIdenticalAcrossFreshCustomers()
    {
        var strategy = new AdaptiveStrategy(Options(seed: 6));
        var goal = new FixedGoal("promo", variants: 2);
        var channels = new[] { Channel(ChannelKind.Email), Channel(ChannelKind.Sms, 0.01) };
        double[] ScoresOf(string id)
        {
            var customer = new CustomerContext(Prospect(id)) { LearnedState = ReadOnlyMemory<byte>.Empty };
            var candidates = channels.SelectMany(c => new[] { CandidateFor(goal, c, customer.Customer, 0), CandidateFor(goal, c, customer.Customer, 1) }).ToArray();
            var scores = new double[candidates.Length];
            Choose(strategy, customer, Start, candidates, scores);
            return scores;
        }

        var first = ScoresOf("cold-1");
        var second = ScoresOf("cold-2");

        Assert.All(first, s => Assert.True(double.IsFinite(s), $"score {s}"));
        Assert.Equal(first, second);
    }

    // ---------------------------------------------------------------- 2. send time

    [Fact]
    public void SendTime_CustomerWhoOnlyClicksAt19Local_IsSentToAroundThatHour()
    {
        var (fresh, learned, hours) = SendTimeAfterLearning(seed: 21, interactions: 10);

        _output.WriteLine($"send hours in 18:00-20:59 local: fresh customer {fresh:P0}, after 10 interactions {learned:P0}; hours: {string.Join(',', hours)}");
        Assert.True(learned >= 0.7, $"only {learned:P0} of 50 sends in 18:00-20:59 local; hours: {string.Join(',', hours)}");
        Assert.True(learned > fresh, $"learned {learned:P0} <= fresh {fresh:P0}");
    }

    /// <summary>
    /// A customer in New York with an SMS contact who only ever clicks at 19:xx local: each interaction asks the send-time model for an
    /// instant from a random moment, records the message as sent then, feeds Delivered and a click at the first 19:xx local after the send.
    /// Returns the share of 50 later send instants (from random moments) in 18:00-20:59 local, fresh and after learning.
    /// </summary>
    private static (double Fresh, double Learned, List<int> Hours) SendTimeAfterLearning(ulong seed, int interactions)
    {
        var zone = DateTimeZoneProviders.Tzdb["America/New_York"];
        var strategy = new AdaptiveStrategy(Options(seed: seed));
        var sendTime = new AdaptiveSendTimeStrategy(strategy);
        var goal = new FixedGoal("promo");
        var sms = Channel(ChannelKind.Sms);
        var customer = new CustomerContext(Prospect("night-owl", "America/New_York"));
        var candidate = CandidateFor(goal, sms, customer.Customer);
        Choose(strategy, customer, Start, [candidate]);
        var random = new Random((int)seed + 2025);
        var firstDay = new LocalDate(2026, 1, 5);
        var evaluationDay = firstDay.PlusDays((2 * interactions) + 10);

        Instant RandomInstantOn(LocalDate day) =>
            day.At(new LocalTime(random.Next(24), random.Next(60))).InZoneLeniently(zone).ToInstant();

        List<int> SendHours()
        {
            var hours = new List<int>();
            for (var j = 0; j < 50; j++)
            {
                var now = RandomInstantOn(evaluationDay.PlusDays(2 * j));
                var sendAt = sendTime.ChooseSendTime(new TimingContext(customer, candidate, now)).SendAt;
                Assert.InRange(sendAt, now, now + Duration.FromHours(24));
                hours.Add(sendAt.InZone(zone).Hour);
            }

            return hours;
        }

        static double Share(List<int> hours) => hours.Count(h => h is >= 18 and <= 20) / (double)hours.Count;

        var fresh = Share(SendHours());
        for (var i = 0; i < interactions; i++)
        {
            var now = RandomInstantOn(firstDay.PlusDays(2 * i));
            var sendAt = sendTime.ChooseSendTime(new TimingContext(customer, candidate, now)).SendAt;
            Assert.InRange(sendAt, now, now + Duration.FromHours(24));
            var message = Sent(candidate, sendAt);
            customer = customer with { Messages = customer.Messages.Add(message) };
            customer = Learn(strategy, customer, Feedback(message, customer.Id, FeedbackKind.Delivered, sendAt));

            // They only ever click at 19:xx local: in the same hour when sent during it, the same evening when sent before 19:00, else
            // the next evening.
            var local = sendAt.InZone(zone);
            var clickAt = local.Hour switch
            {
                19 => sendAt + Duration.FromMinutes(random.Next(60 - local.Minute)),
                < 19 => local.Date.At(new LocalTime(19, random.Next(60))).InZoneLeniently(zone).ToInstant(),
                _ => local.Date.PlusDays(1).At(new LocalTime(19, random.Next(60))).InZoneLeniently(zone).ToInstant(),
            };

            var engaged = message with { EngagedAt = clickAt };
            customer = ReplaceMessage(customer, message, engaged);
            customer = Learn(strategy, customer, Feedback(engaged, customer.Id, FeedbackKind.Clicked, clickAt));
        }

        var learned = SendHours();
        return (fresh, Share(learned), learned);
    }

    // ---------------------------------------------------------------- 3. sleeping dogs

    [Fact]
    public void SleepingDogs_CellWhereMessagesOnlyCauseUnsubscribes_GetsNoAction()
    {
        var strategy = new AdaptiveStrategy(Options(seed: 31));
        var goal = new FixedGoal("promo");
        var email = Channel(ChannelKind.Email);
        var random = new Random(31);

        // Fresh prospects with no recent messages: all in the same context cell (prospect, 0-1 purchases, no load).
        double ShareWithNoAction(string prefix, Instant at)
        {
            var none = 0;
            for (var i = 0; i < 200; i++)
            {
                var fresh = new CustomerContext(Prospect($"{prefix}-{i}"));
                var choice = Choose(strategy, fresh, at + Duration.FromMinutes(i), [CandidateFor(goal, email, fresh.Customer)]);
                if (choice.Index < 0)
                {
                    none++;
                }
            }

            return none / 200.0;
        }

        var before = ShareWithNoAction("before", Start);
        for (var i = 0; i < 800; i++)
        {
            var customer = new CustomerContext(Prospect($"dog-{i}"));
            var at = Start + Duration.FromMinutes(i);
            var message = Sent(CandidateFor(goal, email, customer.Customer), at);
            customer = customer with { Messages = [message] };
            customer = Learn(strategy, customer, Feedback(message, customer.Id, FeedbackKind.Delivered, at));
            var roll = random.NextDouble();
            if (roll < 0.4)
            {
                Learn(strategy, customer, Feedback(message, customer.Id, FeedbackKind.Unsubscribed, at + Duration.FromHours(2)));
            }
            else if (roll < 0.55)
            {
                Learn(strategy, customer, Feedback(message, customer.Id, FeedbackKind.Complained, at + Duration.FromHours(3)));
            }
        }

        var after = ShareWithNoAction("after", Start + Duration.FromDays(10));
        _output.WriteLine($"no action for fresh customers of the cell: before learning {before:P0}, after {after:P0}");
        Assert.True(before <= 0.2, $"before learning {before:P0} of fresh customers got no action: the test would prove nothing");
        Assert.True(after >= 0.8, $"after learning only {after:P0} of fresh customers got no action");
    }

    // ---------------------------------------------------------------- 4. exploration budget

    [Theory]
    [InlineData(0.10)]
    [InlineData(0.25)]
    public void Exploration_ShareOfExploratoryChoices_StaysWithinTheBudget(double budget)
    {
        const int n = 20_000;
        var strategy = new AdaptiveStrategy(Options(seed: 41, exploration: budget));
        var (customer, candidates) = Overlapping("explorer");
        var exploratory = 0;
        for (var i = 0; i < n; i++)
        {
            var choice = Choose(strategy, customer, Start + Duration.FromSeconds(i), candidates);
            Assert.InRange(choice.Propensity, double.Epsilon, 1.0);
            if (choice.Exploratory)
            {
                exploratory++;
            }
        }

        var share = exploratory / (double)n;
        var se = Math.Sqrt(budget * (1 - budget) / n);
        _output.WriteLine($"budget {budget}: exploratory share {share:P2} (limit {budget + (3 * se):P2})");
        Assert.True(share <= budget + (3 * se), $"exploratory share {share} > budget {budget} + 3 SE");

        // The posteriors overlap: the budget is what limits exploration, so it is (nearly) used.
        Assert.True(share >= budget / 2, $"exploratory share {share} is far below the budget {budget}");
    }

    [Fact]
    public void Exploration_ZeroBudget_NeverExploresAndAlwaysPicksTheGreedyAction()
    {
        var strategy = new AdaptiveStrategy(Options(seed: 42, exploration: 0));
        var (customer, candidates) = Overlapping("exploit");
        var scores = new double[candidates.Length];
        for (var i = 0; i < 5_000; i++)
        {
            var choice = Choose(strategy, customer, Start + Duration.FromSeconds(i), candidates, scores);
            Assert.False(choice.Exploratory, $"decision {i} explored");
            Assert.Equal(1.0, choice.Propensity);
            var greedy = scores.Max() > 0 ? Array.IndexOf(scores, scores.Max()) : -1;
            Assert.Equal(greedy, choice.Index);
        }
    }

    /// <summary>Three cold-start candidates (e-mail x 2 variants, SMS) of value about 0.1 +- 1: their posteriors and "no action" overlap.</summary>
    private static (CustomerContext Customer, Candidate[] Candidates) Overlapping(string id, int candidates = 3)
    {
        var goal = new FixedGoal("promo", variants: 2);
        var customer = new CustomerContext(Prospect(id));
        var email = Channel(ChannelKind.Email);
        var sms = Channel(ChannelKind.Sms, 0.03);
        Candidate[] all = [CandidateFor(goal, email, customer.Customer, 0), CandidateFor(goal, sms, customer.Customer, 0), CandidateFor(goal, email, customer.Customer, 1)];
        return (customer, all[..candidates]);
    }

    // ---------------------------------------------------------------- 5. propensities

    [Theory]
    [InlineData(1.0, 256)]
    [InlineData(0.3, 256)]
    [InlineData(0.3, 32)]
    public void Propensity_IsTheProbabilityOfTheChosenAction_InverseProbabilityWeightsAverageOne(double budget, int samples)
    {
        // The IPS identity: if pi(a | x) is the probability the policy gave action a in decision x, and the logged propensity of the
        // chosen action A is pi(A | x), then E[1{A = a} / pi(A | x)] = sum over x of P(x) pi(a | x) / pi(a | x) = P(pi(a | x) > 0).
        // Here every action (no action included) has a positive probability in (almost) every decision: two overlapping candidates of
        // value ~0.1 +- 1 and "no action" (~20 % each at least), so with >= 32 posterior draws P(an action gets no draw) < 1e-3, and the
        // exploration mixture q > 0. So for each action the mean of 1{A = a} / propensity over N decisions must be 1 within 4 standard
        // errors (the standard error estimated from the sample). A propensity that is not the probability the choice was made with
        // (for example P(best) logged where the greedy mixture was used) moves the mean away from 1.
        const int n = 20_000;
        var options = Options(seed: 51, exploration: budget);
        options.PropensitySamples = samples;
        var strategy = new AdaptiveStrategy(options);
        var (customer, candidates) = Overlapping("ips", candidates: 2);
        var weights = new double[candidates.Length + 1][];
        for (var a = 0; a < weights.Length; a++)
        {
            weights[a] = new double[n];
        }

        for (var i = 0; i < n; i++)
        {
            var choice = Choose(strategy, customer, Start + Duration.FromMinutes(i), candidates);
            Assert.InRange(choice.Propensity, double.Epsilon, 1.0);
            weights[choice.Index + 1][i] = 1 / choice.Propensity;
        }

        for (var a = 0; a < weights.Length; a++)
        {
            var mean = weights[a].Average();
            var sd = Math.Sqrt(weights[a].Sum(w => (w - mean) * (w - mean)) / (n - 1));
            var se = sd / Math.Sqrt(n);
            var chosen = weights[a].Count(w => w > 0);
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"action {a - 1}: chosen {chosen}, mean 1/propensity weight {mean:F4} (SE {se:F4})"));
            Assert.True(chosen > 100, $"action {a - 1} was chosen only {chosen} times");
            Assert.True(Math.Abs(mean - 1) <= 4 * se, $"action {a - 1}: mean inverse-propensity weight {mean} differs from 1 by more than 4 SE ({se})");
        }
    }

    // ---------------------------------------------------------------- 6. learned state

    [Fact]
    public void LearnedState_IsFixedSizeAndRoundTripsBitExact()
    {
        var strategy = new AdaptiveStrategy(Options(seed: 61));
        var goal = new FixedGoal("promo", offer: new Offer("ten", 10m));
        var email = Channel(ChannelKind.Email);
        var sms = Channel(ChannelKind.Sms);
        var customer = new CustomerContext(Prospect("stateful", "Europe/Berlin"));
        Choose(strategy, customer, Start, [CandidateFor(goal, email, customer.Customer)]);

        var states = new List<byte[]>();
        void Check(CustomerContext c)
        {
            var bytes = c.LearnedState.ToArray();
            Assert.Equal(CustomerModelState.SerializedSize, bytes.Length);
            Assert.True(bytes.Length <= 512, $"{bytes.Length} bytes > 512");
            Assert.Equal(CustomerModelState.CurrentVersion, bytes[0]);
            Assert.True(CustomerModelState.TryDeserialize(bytes, out var read, out var error), error);
            var again = new byte[CustomerModelState.SerializedSize];
            Assert.Equal(CustomerModelState.SerializedSize, read.Serialize(again));
            Assert.Equal(bytes, again);
            states.Add(bytes);
        }

        for (var round = 0; round < 3; round++)
        {
            var at = Start + Duration.FromDays(round * 3);
            var first = Sent(CandidateFor(goal, email, customer.Customer), at);
            customer = customer with { Messages = customer.Messages.Add(first) };
            customer = Learn(strategy, customer, Feedback(first, customer.Id, FeedbackKind.Delivered, at));
            Check(customer);
            customer = Learn(strategy, customer, Feedback(first, customer.Id, FeedbackKind.MachineOpened, at + Duration.FromMinutes(1)));
            Check(customer);
            var openedAt = at + Duration.FromHours(2);
            var opened = first with { EngagedAt = openedAt };
            customer = ReplaceMessage(customer, first, opened);
            customer = Learn(strategy, customer, Feedback(opened, customer.Id, FeedbackKind.Opened, openedAt));
            Check(customer);
            customer = Learn(strategy, customer, Feedback(opened, customer.Id, FeedbackKind.Converted, openedAt + Duration.FromHours(1), 72.5m));
            Check(customer);

            var followUp = Sent(CandidateFor(goal, sms, customer.Customer), at + Duration.FromDays(1)) with { FollowUpOf = first.DecisionId };
            customer = customer with { Messages = customer.Messages.Add(followUp) };
            customer = Learn(strategy, customer, Feedback(followUp, customer.Id, FeedbackKind.Delivered, followUp.ScheduledAt));
            Check(customer);
            customer = Learn(strategy, customer, Feedback(followUp, customer.Id, FeedbackKind.Unsubscribed, followUp.ScheduledAt + Duration.FromHours(1)));
            Check(customer);
        }

        // Learning changed the state: it is not the cold start any more, and it learned a tolerance.
        Assert.NotEqual(default(CustomerModelState).ToArray(), states[^1]);
        Assert.True(CustomerModelState.TryDeserialize(states[^1], out var last, out _));
        Assert.True(last.HasTolerance);
        Assert.Equal(CustomerModelState.DayNumber(Start + Duration.FromDays(7)), last.LastUpdateDay);
    }

    // ---------------------------------------------------------------- 7. options validation

    [Fact]
    public void Options_Invalid_ThrowArgumentExceptionNamingEveryProblem()
    {
        var options = new AdaptiveStrategyOptions { ExplorationBudget = -0.1, PropensitySamples = 2 };

        var error = Assert.Throws<ArgumentException>(() => new AdaptiveStrategy(options));

        Assert.Equal("options", error.ParamName);
        Assert.Contains("AdaptiveStrategyOptions.ExplorationBudget", error.Message, StringComparison.Ordinal);
        Assert.Contains("AdaptiveStrategyOptions.PropensitySamples", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AdaptiveStrategyOptions.ControlGroupShare", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.5, 32)]
    [InlineData(double.NaN, 32)]
    [InlineData(0.1, 7)]
    [InlineData(0.1, 1025)]
    public void Options_EachInvalidValue_IsRejected(double exploration, int samples)
    {
        var options = new AdaptiveStrategyOptions { ExplorationBudget = exploration, PropensitySamples = samples };

        var error = Assert.Throws<ArgumentException>(() => new AdaptiveStrategy(options));

        Assert.Contains(samples is < 8 or > 1024 ? "AdaptiveStrategyOptions.PropensitySamples" : "AdaptiveStrategyOptions.ExplorationBudget", error.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- 8. control group

    [Fact]
    public void ControlGroup_HalfTheCustomers_GetNoMarketingButStillGetTransactionalMessages()
    {
        const int n = 2_000;
        var strategy = new AdaptiveStrategy(Options(seed: 81, controlGroup: 0.5));
        var promo = new FixedGoal("promo");
        var receipt = new FixedGoal("receipt", MessagePurpose.Transactional);
        var email = Channel(ChannelKind.Email);
        var sms = Channel(ChannelKind.Sms);
        var inControl = 0;
        for (var i = 0; i < n; i++)
        {
            var customer = new CustomerContext(Prospect(string.Create(CultureInfo.InvariantCulture, $"customer-{i}")));
            var now = Start + Duration.FromMinutes(i);
            var marketing = Choose(strategy, customer, now, [CandidateFor(promo, email, customer.Customer), CandidateFor(promo, sms, customer.Customer)]);
            if (!strategy.IsInControlGroup(customer.Id))
            {
                Assert.NotEqual(ReasonCodes.ControlGroup, marketing.ReasonCode);
                continue;
            }

            inControl++;
            Assert.Equal(-1, marketing.Index);
            Assert.Equal(ReasonCodes.ControlGroup, marketing.ReasonCode);

            var mixed = Choose(strategy, customer, now, [CandidateFor(promo, email, customer.Customer), CandidateFor(receipt, email, customer.Customer)]);
            Assert.Equal(1, mixed.Index);
        }

        var share = inControl / (double)n;
        _output.WriteLine($"control group: {inControl} of {n} ({share:P1})");
        Assert.True(Math.Abs(share - 0.5) <= 4 * Math.Sqrt(0.25 / n), $"control group share {share} is not about 0.5");

        // Membership is a deterministic hash of the id: another instance with the same options draws the same group.
        var other = new AdaptiveStrategy(Options(seed: 99, controlGroup: 0.5));
        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(strategy.IsInControlGroup($"customer-{i}"), other.IsInControlGroup($"customer-{i}")));
    }

    // ---------------------------------------------------------------- follow-up channel

    [Fact]
    public void FollowUp_TheSecondChannelThatAnswersWhenTheFirstIsSilent_IsPreferredForTheNextFollowUp()
    {
        // A customer ignores e-mail; SMS follow-ups get answered, push follow-ups never do. The customer's follow-up model learns it
        // on top of the population's channel rates, which see the same number of SMS and push deliveries here.
        var strategy = new AdaptiveStrategy(Options(seed: 5, exploration: 0));
        var goal = new FixedGoal("win-back");
        var email = Channel(ChannelKind.Email);
        var sms = Channel(ChannelKind.Sms);
        var push = Channel(ChannelKind.Push);
        var customer = Prospect("c-follow", "Europe/Berlin") with { ContactPoints = [new ContactPoint(ChannelKind.Email, "f@example.com"), new ContactPoint(ChannelKind.Sms, "+4915112345678"), new ContactPoint(ChannelKind.Push, "device-1")] };
        var context = new CustomerContext(customer);
        var now = Start;
        Choose(strategy, context, now, [CandidateFor(goal, email, customer)]); // registers the goal

        for (var round = 0; round < 6; round++)
        {
            var first = Sent(CandidateFor(goal, email, customer), now);
            context = context with { Messages = context.Messages.Add(first) };
            context = Learn(strategy, context, Feedback(first, customer.Id, FeedbackKind.Delivered, now + Duration.FromMinutes(1)));
            foreach (var (channel, answered) in new[] { (sms, true), (push, false) })
            {
                var at = now + Duration.FromDays(2);
                var followUp = Sent(new Candidate(goal, goal.Variants[0], channel, customer.FindContact(channel.Kind)!, first.DecisionId), at) with { FollowUpOf = first.DecisionId };
                context = context with { Messages = context.Messages.Add(followUp) };
                context = Learn(strategy, context, Feedback(followUp, customer.Id, FeedbackKind.Delivered, at + Duration.FromMinutes(1)));
                if (answered)
                {
                    var clickAt = at + Duration.FromHours(1);
                    var engaged = followUp with { EngagedAt = clickAt };
                    context = ReplaceMessage(context, followUp, engaged);
                    context = Learn(strategy, context, Feedback(engaged, customer.Id, FeedbackKind.Clicked, clickAt));
                }
            }

            now += Duration.FromDays(7);
        }

        Assert.True(CustomerModelState.TryDeserialize(context.LearnedState.Span, out var state, out _));
        var prior = new BetaPosterior(1, 1);
        Assert.True(
            state.FollowUpPosterior(ChannelKind.Email, ChannelKind.Sms, prior).Mean > 0.8 && state.FollowUpPosterior(ChannelKind.Email, ChannelKind.Push, prior).Mean < 0.2,
            "the follow-up matrix records which second channel answered");

        // The next silent e-mail: follow-up candidates on SMS and push; SMS must score higher, and push is never chosen (whether the
        // SMS follow-up pays at all depends on its cost against this prospect's value).
        var last = Sent(CandidateFor(goal, email, customer), now);
        context = context with { Messages = context.Messages.Add(last) };
        Candidate[] followUps =
        [
            new Candidate(goal, goal.Variants[0], push, customer.FindContact(ChannelKind.Push)!, last.DecisionId),
            new Candidate(goal, goal.Variants[0], sms, customer.FindContact(ChannelKind.Sms)!, last.DecisionId),
        ];
        var scores = new double[2];
        var choice = Choose(strategy, context, now + Duration.FromDays(2), followUps, scores);
        _output.WriteLine(FormattableString.Invariant($"follow-up scores: push {scores[0]:0.0000}, sms {scores[1]:0.0000}; chosen {choice.Index}"));
        Assert.True(scores[1] > scores[0], $"SMS follow-up {scores[1]} should beat push {scores[0]}");
        Assert.NotEqual(0, choice.Index);
    }

    // ---------------------------------------------------------------- confidence and review

    [Fact]
    public async Task Confidence_BelowTheReviewThreshold_HoldsTheMessageForReview()
    {
        // Two goals of equal value on one channel: the posterior cannot tell them apart, so the confidence that the chosen one is best
        // is about one half; with a threshold of 0.9 the agent holds the message for a person.
        await using var t = MarketingAutomation.Tests.Support.TestAgent.Create(
            b => b.AddGoal(new MarketingAutomation.Tests.Support.ProbeGoal("probe-a")).AddGoal(new MarketingAutomation.Tests.Support.ProbeGoal("probe-b"))
                .UseAdaptiveStrategy(o => (o.ControlGroupShare, o.MaxSendDelay, o.ExplorationBudget) = (0, Duration.Zero, 0)),
            o => o.ReviewConfidenceThreshold = 0.9);
        await t.ImportAsync(MarketingAutomation.Tests.Support.AgentCustomers.WithEmail("c-1"));

        var tick = await t.RunAsync();

        Assert.Equal(0, tick.Dispatch.Sent);
        var review = Assert.Single(await t.Agent.Reviews.ListPendingAsync(10, TestContext.Current.CancellationToken));
        Assert.InRange(review.Confidence, 0.2, 0.8);
        Assert.Equal(MessageStatus.HeldForReview, Assert.Single((await t.CustomerAsync("c-1")).Messages).Status);
    }

    // ---------------------------------------------------------------- population model snapshot

    [Fact]
    public void ModelSnapshot_SavedAndLoaded_GivesANewInstanceTheSameScores_AndABadSnapshotChangesNothing()
    {
        var goal = new FixedGoal("promo", offer: new Offer("take10", 10m));
        var email = Channel(ChannelKind.Email);
        var trained = new AdaptiveStrategy(Options(seed: 9));
        var probe = new CustomerContext(Prospect("c-probe", "Europe/Berlin"));
        Choose(trained, probe, Start, [CandidateFor(goal, email, probe.Customer)]);
        for (var i = 0; i < 200; i++)
        {
            var customer = new CustomerContext(Prospect($"c-{i:D3}", "Europe/Berlin"));
            var message = Sent(CandidateFor(goal, email, customer.Customer), Start);
            customer = customer with { Messages = [message] };
            customer = Learn(trained, customer, Feedback(message, customer.Id, FeedbackKind.Delivered, Start + Duration.FromMinutes(1)));
            if (i % 4 == 0)
            {
                var at = Start + Duration.FromHours(2);
                var engaged = message with { EngagedAt = at };
                customer = ReplaceMessage(customer, message, engaged);
                customer = Learn(trained, customer, Feedback(engaged, customer.Id, FeedbackKind.Converted, at, 80m));
            }
        }

        double Score(AdaptiveStrategy strategy, Goal? asGoal = null)
        {
            var scores = new double[1];
            Choose(strategy, probe, Start, [CandidateFor(asGoal ?? goal, email, probe.Customer)], scores);
            return scores[0];
        }

        var fresh = new AdaptiveStrategy(Options(seed: 9));
        var before = Score(fresh);
        Assert.NotEqual(before, Score(trained), 6); // training changed the model

        using var snapshot = new MemoryStream();
        trained.SaveModel(snapshot);
        var bytes = snapshot.ToArray();

        // A truncated snapshot and a foreign file are refused with a clear error, and nothing changes.
        var truncated = Assert.Throws<InvalidDataException>(() => fresh.LoadModel(new MemoryStream(bytes[..(bytes.Length / 2)])));
        Assert.Contains("truncated", truncated.Message, StringComparison.Ordinal);
        var foreign = Assert.Throws<InvalidDataException>(() => fresh.LoadModel(new MemoryStream("not a snapshot"u8.ToArray())));
        Assert.Contains("MAPM", foreign.Message, StringComparison.Ordinal);
        Assert.Equal(before, Score(fresh));

        // Goals are matched by id: a new goal instance with the same id takes over the learned evidence.
        var restored = new AdaptiveStrategy(Options(seed: 9));
        restored.LoadModel(new MemoryStream(bytes));
        Assert.Equal(Score(trained), Score(restored, new FixedGoal("promo", offer: new Offer("take10", 10m))), 12);
    }
}
