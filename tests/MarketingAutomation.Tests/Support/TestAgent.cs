using MarketingAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;

namespace MarketingAutomation.Tests.Support;

/// <summary>
/// A composed agent for tests: a <see cref="FakeClock"/> registered as <see cref="IClock"/>, an <see cref="InMemoryCustomerStore"/>,
/// recording e-mail and SMS channels stamped by the fake clock, and the goal-priority strategy. Immediate retries are off and at most
/// two threads decide, so tests are fast and deterministic. Goals, rules and anything else come from the configure callback, which
/// runs after the defaults (so a single-slot verb there replaces the default).
/// </summary>
public sealed class TestAgent : IAsyncDisposable
{
    /// <summary>The default start instant: Monday 5 January 2026, 09:00 UTC.</summary>
    public static readonly Instant Start = Instant.FromUtc(2026, 1, 5, 9, 0);

    private TestAgent(FakeClock clock, InMemoryCustomerStore store, RecordingChannel email, RecordingChannel sms, ServiceProvider services)
    {
        Clock = clock;
        Store = store;
        Email = email;
        Sms = sms;
        Services = services;
        Agent = services.GetRequiredService<MarketingAgent>();
    }

    public FakeClock Clock { get; }

    public InMemoryCustomerStore Store { get; }

    /// <summary>Gets the e-mail channel, named <c>email</c>.</summary>
    public RecordingChannel Email { get; }

    /// <summary>Gets the SMS channel, named <c>sms</c>, with a 160-character body limit.</summary>
    public RecordingChannel Sms { get; }

    public ServiceProvider Services { get; }

    public MarketingAgent Agent { get; }

    public MarketingPipeline Pipeline => Agent.Pipeline;

    public Instant Now => Clock.GetCurrentInstant();

    /// <summary>Gets every recorded send on both channels.</summary>
    public IReadOnlyList<RecordedSend> AllSends => [.. Email.Sends, .. Sms.Sends];

    /// <summary>Builds the agent.</summary>
    /// <param name="configure">Adds goals, rules, middleware...; runs after the defaults.</param>
    /// <param name="options">Changes options; runs after the test defaults (no immediate retries, two threads).</param>
    /// <param name="start">The clock's start instant (default <see cref="Start"/>).</param>
    /// <param name="services">Adds services before the engine (for example fake logging).</param>
    /// <returns>The agent.</returns>
    public static TestAgent Create(
        Action<IMarketingAutomationBuilder>? configure = null,
        Action<MarketingAutomationOptions>? options = null,
        Instant? start = null,
        Action<IServiceCollection>? services = null)
    {
        var clock = new FakeClock(start ?? Start);
        var store = new InMemoryCustomerStore();
        var email = new RecordingChannel("email", ChannelKind.Email, clock) { Capabilities = new ChannelCapabilities { SupportsSubject = true } };
        var sms = new RecordingChannel("sms", ChannelKind.Sms, clock) { Capabilities = new ChannelCapabilities { MaxBodyLength = 160 } };
        var collection = new ServiceCollection();
        collection.AddSingleton<IClock>(clock);
        services?.Invoke(collection);
        var builder = collection.AddMarketingAutomation(o =>
            {
                o.Dispatch.ImmediateRetries = 0;
                o.MaxDegreeOfParallelism = 2;
                options?.Invoke(o);
            })
            .UseInMemoryStore(store)
            .AddRecordingChannel(email)
            .AddRecordingChannel(sms)
            .UseGoalPriorityStrategy();
        configure?.Invoke(builder);
        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        return new TestAgent(clock, store, email, sms, provider);
    }

    /// <summary>Imports customers through the agent (validated) at the clock's instant and fails the test if any is rejected.</summary>
    /// <param name="customers">The customers.</param>
    /// <returns>A task.</returns>
    public async Task ImportAsync(params Customer[] customers)
    {
        var report = await Agent.ImportCustomersAsync(customers);
        Assert.True(report.Errors.Count == 0, "import rejected customers: " + string.Join("; ", report.Errors));
    }

    /// <summary>Sets the clock to <paramref name="at"/> and runs one tick there.</summary>
    /// <param name="at">The instant.</param>
    /// <returns>What the tick did.</returns>
    public Task<AgentRunResult> RunAtAsync(Instant at)
    {
        Clock.Reset(at);
        return Agent.RunOnceAsync(at);
    }

    /// <summary>Runs one tick at the clock's instant.</summary>
    /// <returns>What the tick did.</returns>
    public Task<AgentRunResult> RunAsync() => Agent.RunOnceAsync(Now);

    /// <summary>Reads a customer from the store.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The customer.</returns>
    public async Task<CustomerContext> CustomerAsync(string id) =>
        await Store.GetCustomerAsync(id) ?? throw new InvalidOperationException($"customer '{id}' is not in the store");

    /// <summary>Reads a customer's newest traces.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The traces, newest first.</returns>
    public async Task<IReadOnlyList<DecisionTrace>> TracesAsync(string id) => await Store.GetTracesAsync(id, 100);

    /// <summary>Returns the outbox rows of one customer.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The rows, by due instant.</returns>
    public IReadOnlyList<OutboxMessage> OutboxOf(string id) => [.. Store.OutboxSnapshot().Where(r => r.Message.CustomerId == id)];

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
