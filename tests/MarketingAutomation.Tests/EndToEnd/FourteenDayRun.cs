using System.Diagnostics;
using MarketingAutomation.Testing;
using MarketingAutomation.Tests.Support;

namespace MarketingAutomation.Tests.EndToEnd;

/// <summary>What a customer received: the ledger says it was accepted, the outbox says when it was scheduled.</summary>
/// <param name="Message">The message as the channel got it.</param>
/// <param name="ScheduledAt">The outbox row's due instant (what frequency caps count from).</param>
/// <param name="SentAt">When the channel accepted it (the channel's clock).</param>
/// <param name="FromReview">Whether a reviewer released it.</param>
public sealed record Received(OutboundMessage Message, Instant ScheduledAt, Instant SentAt, bool FromReview);

/// <summary>A review the simulated reviewer resolved.</summary>
/// <param name="Review">The review as listed.</param>
/// <param name="At">When it was resolved.</param>
public sealed record Resolved(PendingReview Review, Instant At);

/// <summary>
/// The 14-day run shared by the acceptance tests: 1,000 seeded customers, the real agent with an in-memory store, recording channels and
/// a FakeClock, driven through <see cref="MarketingAgent.RunOnceAsync(Instant, CancellationToken)"/> every simulated hour. Customers answer
/// the messages they get (deterministic draws keyed by customer and message), some buy, some unsubscribe; a reviewer works through the
/// review queue every morning at 10:00 UTC, approving three in four and rejecting the rest.
/// </summary>
public sealed class FourteenDayRun : IAsyncLifetime
{
    public const int Seed = 20260105;
    public const int WeeklyCap = 2;
    public static readonly Duration Week = Duration.FromDays(7);
    public static readonly Duration Day = Duration.FromDays(1);
    public static readonly Duration Hour = Duration.FromHours(1);
    public static readonly Duration InactiveFor = Duration.FromDays(45);
    public static readonly Instant Start = TestAgent.Start;
    public static readonly Instant End = Start + Duration.FromDays(14);

    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    public FourteenDayRun()
    {
        Agent = TestAgent.Create(
            b => b
                .AddWelcomeSequence()
                .AddWinBack(new WinBackGoal { InactiveFor = InactiveFor })
                .AddCrossSell(new CrossSellGoal(
                [
                    new CrossSellRule("running-shoes", "running-socks", new ContentVariant("socks-for-runners") { Subject = "Socks for your new shoes", Body = "Runners who bought your shoes love these socks.", ShortBody = "Socks for your new running shoes." }),
                ]))
                .AddVipRecommendation(new VipRecommendationGoal { MinimumLifetimeValue = 600m })
                .AddConsentPolicy()
                .AddFrequencyCap(WeeklyCap, Week)
                .AddFrequencyCap(1, Day),
            o => o.ReviewConfidenceThreshold = 0.25);
        Population = SimulatedPopulation.Create(Start, Seed);
        foreach (var c in Population)
        {
            Purchases[c.Id] = [.. c.Customer.Purchases.Select(p => p.At)];
        }
    }

    public TestAgent Agent { get; }

    public IReadOnlyList<SimulatedCustomer> Population { get; }

    /// <summary>Gets every purchase instant per customer: the initial history plus the simulated (attributed) purchases.</summary>
    public Dictionary<string, List<Instant>> Purchases { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets who unsubscribed from e-mail, and when.</summary>
    public Dictionary<string, Instant> Unsubscribed { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the approved reviews by message id.</summary>
    public Dictionary<string, Resolved> Approved { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the rejected reviews by message id.</summary>
    public Dictionary<string, Resolved> Rejected { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets every accepted send on any channel.</summary>
    public IReadOnlyList<RecordedSend> Accepted { get; private set; } = [];

    /// <summary>Gets every outbox row by id, at the end of the run.</summary>
    public IReadOnlyDictionary<string, OutboxMessage> Outbox { get; private set; } = new Dictionary<string, OutboxMessage>();

    /// <summary>Gets what each customer received, by scheduled instant.</summary>
    public IReadOnlyDictionary<string, List<Received>> Received { get; private set; } = new Dictionary<string, List<Received>>();

    public int WinBackConversions { get; private set; }

    public int Evaluations { get; private set; }

    public int Errors { get; private set; }

    public int Events { get; private set; }

    public int HeldForReview { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public List<Received> Of(string customerId) => Received.GetValueOrDefault(customerId) ?? [];

    public SimulatedCustomer Customer(string customerId) => Population.Single(p => p.Id == customerId);

    public string Summary() =>
        $"simulated 14 days in {Elapsed.TotalSeconds:0.0} s: {Evaluations} evaluations, {Accepted.Count} messages sent, {HeldForReview} held for review "
        + $"({Approved.Count} approved, {Rejected.Count} rejected), {Events} feedback events, {Unsubscribed.Count} unsubscribes, {WinBackConversions} win-back conversions";

    public async ValueTask InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        await RunAsync();
        Elapsed = stopwatch.Elapsed;

        Accepted = [.. Agent.AllSends.Where(s => s.Result.Status == SendStatus.Accepted)];
        Outbox = Agent.Store.OutboxSnapshot().ToDictionary(r => r.Id, StringComparer.Ordinal);
        Received = Accepted
            .Where(s => Outbox.ContainsKey(s.MessageId))
            .Select(s => new Received(s.Message, Outbox[s.MessageId].DueAt, s.At, Approved.ContainsKey(s.MessageId)))
            .GroupBy(r => r.Message.CustomerId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.ScheduledAt).ToList(), StringComparer.Ordinal);
    }

    public ValueTask DisposeAsync() => Agent.DisposeAsync();

    private async Task RunAsync()
    {
        var t = Agent;
        var arrivals = new Queue<Customer>(Population.Where(p => p.Segment == Segment.SignUp).Select(p => p.Customer).OrderBy(c => c.SignedUpAt));
        t.Clock.Reset(Start);
        await t.ImportAsync([.. Population.Where(p => p.Segment != Segment.SignUp).Select(p => p.Customer)]);
        for (var now = Start; now < End; now += Hour)
        {
            t.Clock.Reset(now);

            // Sign-ups arrive at the first tick after they sign up.
            var arrived = new List<Customer>();
            while (arrivals.Count > 0 && arrivals.Peek().SignedUpAt <= now)
            {
                arrived.Add(arrivals.Dequeue());
            }

            if (arrived.Count > 0)
            {
                await t.ImportAsync([.. arrived]);
            }

            var tick = await t.Agent.RunOnceAsync(now);
            Evaluations += tick.Decide.Evaluated;
            HeldForReview += tick.Decide.HeldForReview;
            Errors += tick.Decide.Errors;
            await RespondAsync(now);

            // A reviewer works through the queue every morning at 10:00 UTC from the second day on.
            if (now.InUtc().Hour == 10 && now > Start + Day)
            {
                await ReviewAsync(now);
            }
        }

        if (arrivals.Count > 0)
        {
            throw new InvalidOperationException($"{arrivals.Count} sign-ups never arrived");
        }
    }

    private async Task RespondAsync(Instant now)
    {
        var events = new List<CustomerEvent>();
        foreach (var channel in new[] { Agent.Email, Agent.Sms })
        {
            var sends = channel.Sends;
            var from = _seen.GetValueOrDefault(channel.Name);
            _seen[channel.Name] = sends.Count;
            for (var i = from; i < sends.Count; i++)
            {
                var send = sends[i];
                if (send.Result.Status != SendStatus.Accepted)
                {
                    continue;
                }

                var m = send.Message;
                var key = $"{m.CustomerId}|{m.VariantId}|{send.At.ToUnixTimeTicks()}";
                var open = StableRandom.Unit(key + "|open");
                events.Add(new MessageEvent(m.MessageId + ":delivered", m.CustomerId, now, m.DecisionId, MessageEventKind.Delivered) { Channel = channel.Kind });
                if (open < 0.05)
                {
                    events.Add(new MessageEvent(m.MessageId + ":machine-open", m.CustomerId, now, m.DecisionId, MessageEventKind.Opened) { Channel = channel.Kind, IsMachineOpen = true });
                }
                else if (open < 0.40)
                {
                    events.Add(new MessageEvent(m.MessageId + ":open", m.CustomerId, now, m.DecisionId, MessageEventKind.Opened) { Channel = channel.Kind });
                    if (StableRandom.Unit(key + "|click") < 0.5)
                    {
                        events.Add(new MessageEvent(m.MessageId + ":click", m.CustomerId, now, m.DecisionId, MessageEventKind.Clicked) { Channel = channel.Kind });
                        if (m.GoalId is "win-back" or "cross-sell" && StableRandom.Unit(key + "|buy") < 0.5)
                        {
                            var purchase = new Purchase("order-" + m.MessageId, now, 60m) { Items = [new PurchaseItem("tee-1", "shirts", 1, 60m)], AttributedDecisionId = m.DecisionId };
                            events.Add(new PurchaseEvent("order-" + m.MessageId, m.CustomerId, now, purchase));
                            Purchases[m.CustomerId].Add(now);
                            WinBackConversions += m.GoalId == "win-back" ? 1 : 0;
                        }
                    }
                }

                if (channel.Kind == ChannelKind.Email && StableRandom.Unit(key + "|unsubscribe") < 0.03 && !Unsubscribed.ContainsKey(m.CustomerId))
                {
                    events.Add(new MessageEvent(m.MessageId + ":unsubscribe", m.CustomerId, now, m.DecisionId, MessageEventKind.Unsubscribed) { Channel = channel.Kind });
                    Unsubscribed[m.CustomerId] = now;
                }
            }
        }

        if (events.Count > 0)
        {
            var result = await Agent.Agent.IngestAsync(events);
            if (result.Appended != events.Count)
            {
                throw new InvalidOperationException($"{events.Count} new events but {result.Appended} appended");
            }

            Events += events.Count;
        }
    }

    private async Task ReviewAsync(Instant now)
    {
        foreach (var review in await Agent.Agent.Reviews.ListPendingAsync(100_000))
        {
            // Approve three in four (keyed by customer and day), reject the rest with a reason.
            if (StableRandom.Unit(review.CustomerId + "|" + now.ToUnixTimeTicks() + "|review") < 0.75)
            {
                if (await Agent.Agent.Reviews.ApproveAsync(review.ReviewId, "e2e-reviewer"))
                {
                    Approved[review.Message.Id] = new Resolved(review, now);
                }
            }
            else if (await Agent.Agent.Reviews.RejectAsync(review.ReviewId, "e2e-reviewer", "not the right moment"))
            {
                Rejected[review.Message.Id] = new Resolved(review, now);
            }
        }
    }
}
