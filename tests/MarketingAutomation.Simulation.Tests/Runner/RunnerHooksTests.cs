using MarketingAutomation.Simulation;
using MarketingAutomation.Testing;

namespace MarketingAutomation.Simulation.Tests.Runner;

/// <summary>What the Quickstart builds on: your own customers in the simulation, a per-run hook on the agent's registrations, and
/// the rules' holds summed over the run.</summary>
public sealed class RunnerHooksTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Your_customers_are_simulated_and_the_hook_runs_once_per_strategy_with_that_strategy()
    {
        var synthetic = PopulationGenerator.Generate(new PopulationOptions { Customers = 300, Seed = 5 }).Select(c => c.Customer).ToList();
        var mine = synthetic.Select((c, i) => c with { Id = $"mine-{i:D3}" }).ToList();
        var seen = new List<string>();
        InMemoryCustomerStore? store = null;
        var options = new SimulationOptions
        {
            Days = 3,
            ConfigureAgent = (builder, strategy) =>
            {
                seen.Add(strategy.Name);
                if (strategy.Name == DefaultEngineStrategy.StrategyName)
                {
                    builder.UseInMemoryStore(store = new InMemoryCustomerStore());
                }
            },
        };
        var runner = new SimulationRunner(new PopulationOptions { Seed = 5 }, options, mine);

        var run = await runner.SimulateAsync(new DefaultEngineStrategy(), cancellationToken: Ct);

        Assert.Equal([NoContactStrategy.StrategyName, DefaultEngineStrategy.StrategyName], seen);
        Assert.Equal(300, runner.Customers.Count);
        Assert.All(runner.Customers, c => Assert.StartsWith("mine-", c.Customer.Id, StringComparison.Ordinal));
        Assert.NotEmpty(run.World.Sent);
        Assert.All(run.World.Sent, m => Assert.StartsWith("mine-", m.CustomerId, StringComparison.Ordinal));

        // The hook's store was the one the run used: every message went through its outbox.
        Assert.NotNull(store);
        Assert.InRange(store.OutboxSnapshot().Count, run.World.Sent.Count, int.MaxValue);
        Assert.NotNull(await store.GetCustomerAsync(run.World.Sent[0].CustomerId, Ct));
        Assert.NotEmpty(run.Result.HeldByRule);
        Assert.All(run.Result.HeldByRule, p => Assert.Contains(": ", p.Key, StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_customer_lists_are_refused_with_the_reason()
    {
        var customer = new Customer("dup");

        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new SimulationRunner(new PopulationOptions(), null, [])).Message, StringComparison.Ordinal);
        Assert.Contains("repeats the id 'dup'", Assert.Throws<ArgumentException>(() => new SimulationRunner(new PopulationOptions(), null, [customer, customer])).Message, StringComparison.Ordinal);
    }
}
