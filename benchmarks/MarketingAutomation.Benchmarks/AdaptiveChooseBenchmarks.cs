using BenchmarkDotNet.Attributes;
using MarketingAutomation.Testing;

namespace MarketingAutomation.Benchmarking;

/// <summary>
/// The learning strategy's hot path alone: <see cref="AdaptiveStrategy.Choose"/> for one customer with a learned state and
/// <see cref="Candidates"/> allowed candidates (goal x variant x channel), 32 posterior draws each. One operation is one decision.
/// </summary>
[MemoryDiagnoser]
public class AdaptiveChooseBenchmarks
{
    private const int Customers = 256;

    private readonly AdaptiveStrategy _strategy = new(new AdaptiveStrategyOptions { ControlGroupShare = 0 });
    private CustomerContext[] _customers = [];
    private Candidate[] _candidates = [];
    private double[] _scores = [];

    /// <summary>Gets or sets how many allowed candidates each decision chooses among.</summary>
    [Params(1, 6, 18)]
    public int Candidates { get; set; }

    /// <summary>Builds the customers (each with a non-empty learned state) and the candidates.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var channels = new IChannel[] { new RecordingChannel("email", ChannelKind.Email), new RecordingChannel("sms", ChannelKind.Sms), new RecordingChannel("push", ChannelKind.Push) };
        var goals = new List<(Goal Goal, ContentVariant Variant)>();
        for (var g = 0; g < 3; g++)
        {
            var goal = new BenchGoal("goal-" + g);
            foreach (var v in goal.Variants)
            {
                goals.Add((goal, v));
            }
        }

        var candidates = new List<Candidate>();
        for (var i = 0; candidates.Count < Candidates; i++)
        {
            var (goal, variant) = goals[i % goals.Count];
            var channel = channels[(i / goals.Count) % channels.Length];
            candidates.Add(new Candidate(goal, variant, channel, new ContactPoint(channel.Kind, "x")));
        }

        _candidates = [.. candidates];
        _scores = new double[_candidates.Length];
        var state = default(CustomerModelState);
        state.RecordChannel(ChannelKind.Email, success: true);
        state.RecordChannel(ChannelKind.Sms, success: false);
        state.Hours.Record(19, engaged: true);
        var bytes = state.ToArray();
        var start = Instant.FromUtc(2026, 3, 2, 9, 0);
        _customers = new CustomerContext[Customers];
        for (var i = 0; i < Customers; i++)
        {
            var customer = new Customer($"c-{i:D5}")
            {
                TimeZoneId = "America/New_York",
                Purchases = [new Purchase($"o-{i}-1", start - Duration.FromDays(200), 40m), new Purchase($"o-{i}-2", start - Duration.FromDays(20 + (i % 90)), 60m)],
            };
            _customers[i] = new CustomerContext(customer) { LearnedState = bytes };
        }
    }

    /// <summary>One decision per customer.</summary>
    /// <returns>How many decisions chose a message.</returns>
    [Benchmark(OperationsPerInvoke = Customers)]
    public int Choose()
    {
        var sends = 0;
        var now = Instant.FromUtc(2026, 3, 2, 9, 0);
        for (var i = 0; i < _customers.Length; i++)
        {
            var choice = _strategy.Choose(new StrategyContext(_customers[i], now, _candidates, _scores));
            sends += choice.Index >= 0 ? 1 : 0;
        }

        return sends;
    }

    private sealed class BenchGoal : Goal
    {
        public BenchGoal(string id)
            : base(id)
        {
            Variants =
            [
                new ContentVariant(id + "-plain") { Body = "Hello." },
                new ContentVariant(id + "-offer") { Body = "10% off.", Offer = new Offer("take10", 10m) },
            ];
        }

        public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
        {
        }
    }
}
