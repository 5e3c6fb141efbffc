using FluentValidation;

namespace MarketingAutomation.Simulation;

/// <summary>How the runner drives the agent: how many simulated days, the tick, the control group, contact costs and the lab's rules.</summary>
public sealed class SimulationOptions
{
    /// <summary>Gets or sets the number of simulated days.</summary>
    /// <value>The default value is 60.</value>
    public int Days { get; set; } = 60;

    /// <summary>Gets or sets the tick: the agent runs once per tick and the world's events are fed back before each tick.</summary>
    /// <value>The default value is 1 hour.</value>
    public Duration Tick { get; set; } = Duration.FromHours(1);

    /// <summary>Gets or sets the fraction of customers in the global control group (imported into nothing, never messaged, still simulated).</summary>
    /// <value>The default value is 0.05.</value>
    public double ControlGroupFraction { get; set; } = 0.05;

    /// <summary>Gets or sets what a message costs.</summary>
    public ContactCosts Costs { get; set; } = ContactCosts.Default;

    /// <summary>Gets or sets the rules every strategy runs under.</summary>
    public LabRules Rules { get; set; } = LabRules.Default;

    /// <summary>Gets or sets the channel kinds the lab offers (one simulated channel each).</summary>
    /// <value>The default value is e-mail, SMS and push.</value>
    public ImmutableArray<ChannelKind> Channels { get; set; } = [ChannelKind.Email, ChannelKind.Sms, ChannelKind.Push];

    /// <summary>Gets or sets how many threads the engine decides with.</summary>
    /// <value>The default value is <see cref="Environment.ProcessorCount"/>.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets how many customers are imported per call to <c>ImportCustomersAsync</c>.</summary>
    /// <value>The default value is 10,000.</value>
    public int ImportBatchSize { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets a hook called for each run after the lab's own registrations (the in-memory store, the world's channels, the
    /// rules, the strategy's goals and options): for example to put one strategy's run on a database store
    /// (<c>builder.UseEntityFrameworkCoreStore(...)</c>, which replaces the in-memory store) or to change its options through
    /// <c>builder.Services.Configure&lt;MarketingAutomationOptions&gt;(...)</c>. It receives the run's strategy, so it can act on one
    /// strategy only.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (no change).</value>
    public Action<IMarketingAutomationBuilder, LabStrategy>? ConfigureAgent { get; set; }

    /// <summary>Throws when the options are invalid, with every problem named.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public void EnsureValid()
    {
        var result = new SimulationOptionsValidator().Validate(this);
        if (!result.IsValid)
        {
            throw new ArgumentException("Invalid simulation options: " + string.Join(" ", result.Errors.Select(e => e.ErrorMessage)), nameof(SimulationOptions));
        }
    }
}

/// <summary>Validates <see cref="SimulationOptions"/>; every message names the property and the fix.</summary>
public sealed class SimulationOptionsValidator : AbstractValidator<SimulationOptions>
{
    /// <summary>Initializes a new instance of the <see cref="SimulationOptionsValidator"/> class.</summary>
    public SimulationOptionsValidator()
    {
        RuleFor(o => o.Days).InclusiveBetween(1, 3650).WithMessage(o => $"SimulationOptions.Days is {o.Days}; set it between 1 and 3650 (default 60).");
        RuleFor(o => o.Tick).Must(t => t > Duration.Zero && t <= Duration.FromDays(1) && Duration.FromDays(1).BclCompatibleTicks % t.BclCompatibleTicks == 0)
            .WithMessage(o => $"SimulationOptions.Tick is {o.Tick}; it must divide a day evenly (for example 1 hour, 15 minutes or 1 day).");
        RuleFor(o => o.ControlGroupFraction).Must(f => f is >= 0 and < 1)
            .WithMessage(o => $"SimulationOptions.ControlGroupFraction is {o.ControlGroupFraction}; set it in [0, 1) (default 0.05).");
        RuleFor(o => o.Costs).NotNull().WithMessage("SimulationOptions.Costs is null; use ContactCosts.Default or your own ContactCosts.");
        RuleFor(o => o.Costs).Must(c => c is null || c.Validate().Count == 0).WithMessage(o => string.Join(" ", o.Costs.Validate()));
        RuleFor(o => o.Rules).NotNull().WithMessage("SimulationOptions.Rules is null; use LabRules.Default or your own LabRules.");
        RuleFor(o => o.Rules).Must(r => r is null || r.Validate().Count == 0).WithMessage(o => string.Join(" ", o.Rules.Validate()));
        RuleFor(o => o.Channels).Must(c => !c.IsDefaultOrEmpty && c.Distinct().Count() == c.Length)
            .WithMessage("SimulationOptions.Channels must list at least one channel kind, each once (default e-mail, SMS, push).");
        RuleFor(o => o.MaxDegreeOfParallelism).GreaterThan(0).WithMessage(o => $"SimulationOptions.MaxDegreeOfParallelism is {o.MaxDegreeOfParallelism}; set it to 1 or more.");
        RuleFor(o => o.ImportBatchSize).GreaterThan(0).WithMessage(o => $"SimulationOptions.ImportBatchSize is {o.ImportBatchSize}; set it to 1 or more.");
    }
}

/// <summary>Progress of a simulation, reported once per simulated day.</summary>
/// <param name="Strategy">The strategy running.</param>
/// <param name="Day">The simulated days completed (1-based when reported after a day).</param>
/// <param name="TotalDays">The days the run lasts.</param>
public readonly record struct SimulationProgress(string Strategy, int Day, int TotalDays);

/// <summary>The global control group: a deterministic hash bucket of the customer id, the same in every run and strategy.</summary>
public static class ControlGroup
{
    private const int Buckets = 10_000;

    /// <summary>Returns the customer's bucket in [0, 10000): FNV-1a over the id's characters, so it depends on the id only.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <returns>The bucket.</returns>
    public static int Bucket(string customerId)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        var hash = 14695981039346656037UL;
        foreach (var ch in customerId)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }

        // Finalise (xorshift-multiply) so that sequential ids spread evenly over the buckets.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return (int)(hash % Buckets);
    }

    /// <summary>Returns whether a customer is in the control group.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="fraction">The control-group fraction in [0, 1).</param>
    /// <returns><see langword="true"/> for control customers (never messaged).</returns>
    public static bool IsControl(string customerId, double fraction) => Bucket(customerId) < (int)Math.Round(fraction * Buckets);
}
