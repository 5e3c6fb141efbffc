using MarketingAutomation.Tests.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingAutomation.Tests.Pipeline;

/// <summary>A resolved <see cref="DecisionEngine"/> (in-memory store, e-mail and SMS recording channels, goal-priority strategy unless replaced).</summary>
internal sealed class EngineHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public EngineHarness(Action<IMarketingAutomationBuilder> compose, Action<MarketingAutomationOptions>? options = null)
    {
        _services = EngineServices.Build(b => compose(b.WithDefaults()), options);
        Engine = _services.GetRequiredService<DecisionEngine>();
    }

    public DecisionEngine Engine { get; }

    public MarketingPipeline Pipeline => Engine.Pipeline;

    public DecisionResult[] Decide(Instant now, params CustomerContext[] customers) => Decide(now, explain: false, customers);

    public DecisionResult[] Decide(Instant now, bool explain, params CustomerContext[] customers)
    {
        var results = new DecisionResult[customers.Length];
        Engine.Decide(customers, now, results, explain);
        return results;
    }

    public DecisionResult DecideOne(CustomerContext customer, Instant? now = null) => Decide(now ?? Customers.Now, customer)[0];

    public DecisionTrace ExplainOne(CustomerContext customer, Instant? now = null) =>
        Engine.Explain(customer, now ?? Customers.Now).Trace ?? throw new Xunit.Sdk.XunitException("explain mode returned no trace");

    public void Dispose() => _services.Dispose();
}
