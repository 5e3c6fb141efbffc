using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Pipeline;

public sealed class DecideParallelTests
{
    private static EngineHarness Harness() =>
        new(b => b
            .AddWelcomeSequence()
            .AddWinBack()
            .AddCrossSell(new CrossSellGoal([new CrossSellRule("running-shoes", "running-socks", new ContentVariant("socks") { Body = "Socks?", ShortBody = "Socks?" })]))
            .AddRenewalReminder()
            .AddVipRecommendation()
            .AddGoal(new StubGoal("fragile") { When = (_, _) => false, OnPropose = c => ThrowEvery(c, 997) })
            .AddConsentPolicy()
            .AddFrequencyCap(2, Duration.FromDays(7))
            .AddFrequencyCap(1, Duration.FromDays(1), ChannelKind.Sms)
            .AddPolicy(new OpenSupportIssuePolicy()));

    private static void ThrowEvery(CustomerContext customer, int n)
    {
        if (int.Parse(customer.Id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) % n == 0)
        {
            throw new InvalidOperationException("unlucky " + customer.Id);
        }
    }

    /// <summary>A deterministic, varied population: new sign-ups, lapsed buyers, cross-sell, renewals, VIPs, no consent, capped, unreachable.</summary>
    internal static CustomerContext[] Population(int count, int seed)
    {
        var random = new Random(seed);
        var result = new CustomerContext[count];
        for (var i = 0; i < count; i++)
        {
            var customer = Reachable($"c{i:D6}");
            if (random.Next(4) == 0)
            {
                customer = customer with { SignedUpAt = Now - Duration.FromHours(random.Next(0, 24 * 20)) };
            }

            if (random.Next(2) == 0)
            {
                var lastPurchase = Now - Duration.FromDays(random.Next(1, 120));
                var amount = random.Next(3) == 0 ? 1500m : 40m;
                var items = random.Next(3) == 0 ? new[] { ("SHOE-1", "running-shoes") } : [("MUG-1", "kitchen")];
                customer = customer with { Purchases = [Purchase("o-" + i, lastPurchase, amount, items)] };
            }

            if (random.Next(5) == 0)
            {
                customer = customer with { Subscriptions = [new Subscription("pro", Now - Duration.FromDays(300)) { RenewsAt = Now + Duration.FromDays(random.Next(1, 20)) }] };
            }

            switch (random.Next(10))
            {
                case 0:
                    customer = customer with { Consents = [] };
                    break;
                case 1:
                    customer = customer with { ContactPoints = [] };
                    break;
                case 2:
                    customer = customer with { Consents = [.. customer.Consents, Consent(ChannelKind.Email, ConsentStatus.Revoked, ConsentBasis.None, Now - Duration.FromDays(1))] };
                    break;
                case 3:
                    customer = customer with { SupportContacts = [new SupportContact(Now - Duration.FromDays(random.Next(0, 20)), "delivery")] };
                    break;
                default:
                    break;
            }

            var messages = new List<MessageRecord>();
            for (var m = random.Next(0, 4); m > 0; m--)
            {
                var kind = random.Next(2) == 0 ? ChannelKind.Email : ChannelKind.Sms;
                messages.Add(Message("win-back", "win-back-offer", Now - Duration.FromHours(random.Next(1, 24 * 10)), kind));
            }

            messages.Sort((a, b) => a.ScheduledAt.CompareTo(b.ScheduledAt));
            result[i] = Context(customer, [.. messages]);
        }

        return result;
    }

    private static string Describe(DecisionResult r) =>
        $"{r.Customer.Id} {r.Outcome} {r.ReasonCode} next={r.NextEvaluationAt} "
        + (r.Chosen.IsNoAction ? "-" : $"{r.Chosen.Goal.Id}/{r.Chosen.Variant.Id}/{r.Chosen.Channel.Name} score={r.Choice.Score} conf={r.Choice.Confidence} at={r.SendAt}")
        + (r.Trace is null ? string.Empty : $" candidates={r.Trace.Candidates.Length} error={r.Trace.Error}");

    [Fact]
    public void DecideParallel_TenThousandCustomers_SameResultsAsSequentialDecide()
    {
        using var harness = Harness();
        var customers = Population(10_000, seed: 42);
        var sequential = new DecisionResult[customers.Length];
        var parallel = new DecisionResult[customers.Length];

        harness.Engine.Decide(customers, Now, sequential);
        harness.Engine.DecideParallel(customers, customers.Length, Now, parallel, maxDegreeOfParallelism: 4);

        for (var i = 0; i < customers.Length; i++)
        {
            Assert.Same(customers[i], parallel[i].Customer);
            Assert.Equal(Describe(sequential[i]), Describe(parallel[i]));
        }

        // The population must exercise the interesting paths, or the comparison proves little.
        var reasons = sequential.GroupBy(r => r.ReasonCode).ToDictionary(g => g.Key, g => g.Count());
        foreach (var code in new[]
        {
            ReasonCodes.Selected, ReasonCodes.NoGoalTriggered, ReasonCodes.NoReachableChannel, ReasonCodes.AllCandidatesDenied,
            ReasonCodes.AllCandidatesDeferred, ReasonCodes.EvaluationError,
        })
        {
            Assert.True(reasons.GetValueOrDefault(code) > 5, $"only {reasons.GetValueOrDefault(code)} results with {code}");
        }

        Assert.Equal(11, reasons[ReasonCodes.EvaluationError]);
        var goals = sequential.Where(r => r.Outcome == DecisionOutcome.Send).Select(r => r.Chosen.Goal.Id).Distinct().Order();
        Assert.Equal(["cross-sell", "renewal-reminder", "vip-recommendation", "welcome", "win-back"], goals);
    }

    [Fact]
    public void DecideParallel_CountBelowLength_DecidesOnlyThePrefix()
    {
        using var harness = Harness();
        var customers = Population(1000, seed: 7);
        var results = new DecisionResult[customers.Length];

        harness.Engine.DecideParallel(customers, 600, Now, results, maxDegreeOfParallelism: 2);

        Assert.All(results.Take(600), r => Assert.NotNull(r.Customer));
        Assert.All(results.Skip(600), r => Assert.Null(r.Customer));
    }

    [Fact]
    public void DecideParallel_InvalidArguments_Throw()
    {
        using var harness = Harness();
        var customers = Population(10, seed: 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Engine.DecideParallel(customers, 11, Now, new DecisionResult[11], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Engine.DecideParallel(customers, 10, Now, new DecisionResult[9], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Engine.DecideParallel(customers, -1, Now, new DecisionResult[10], 2));
        Assert.Throws<ArgumentNullException>(() => harness.Engine.DecideParallel(null!, 0, Now, [], 2));
    }

    [Fact]
    public void Decide_NoActionCustomersAfterWarmUp_AllocateNothing()
    {
        using var harness = new EngineHarness(b => b.AddWelcomeSequence().AddWinBack().AddConsentPolicy().AddFrequencyCap(2, Duration.FromDays(7)));
        var idle = Enumerable.Range(0, 500).Select(i => Context(Reachable($"idle{i}"))).ToArray();
        var denied = Enumerable.Range(0, 500).Select(i => Context(Reachable($"denied{i}") with { SignedUpAt = Now, Consents = [] })).ToArray();
        var results = new DecisionResult[500];
        harness.Engine.Decide(idle, Now, results);
        harness.Engine.Decide(denied, Now, results);

        // The runtime may allocate once in a while on its own (tiered JIT promotion): a real per-customer allocation shows in every round
        // (1,000 customers), so the best of five rounds must be zero.
        var rounds = new long[5];
        for (var round = 0; round < rounds.Length; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            harness.Engine.Decide(idle, Now, results);
            harness.Engine.Decide(denied, Now, results);
            rounds[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(rounds.Min() == 0, $"bytes allocated per round of 1,000 no-action customers: {string.Join(", ", rounds)}");
        Assert.All(results, r => Assert.Equal(ReasonCodes.AllCandidatesDenied, r.ReasonCode));
    }
}
