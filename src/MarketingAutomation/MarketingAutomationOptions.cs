namespace MarketingAutomation;

/// <summary>Options for the engine, the agent loop and the dispatcher. Validated at startup.</summary>
public sealed class MarketingAutomationOptions
{
    /// <summary>Gets or sets how many due customers are read and decided per batch.</summary>
    /// <value>The default value is 1,024.</value>
    public int BatchSize { get; set; } = 1024;

    /// <summary>
    /// Gets or sets a value indicating whether the agent reads the next page of due customers (on the thread pool) while it decides
    /// and commits the current one. The two pages never share a customer, and a decision made from a customer that changed
    /// meanwhile is superseded by the store's version check as always. It pays when reading waits on something else than this
    /// machine's cores, such as a database server on another host; on the 2-core benchmark machine, with the database on the same
    /// cores, it made PostgreSQL no faster and SQLite slower (see benchmarks/README.md). The store must serve a read while it writes.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ReadAhead { get; set; }

    /// <summary>Gets or sets how many threads decide a batch in parallel.</summary>
    /// <value>The default value is <see cref="Environment.ProcessorCount"/>.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets the confidence below which a decision waits for human review (0 disables the gate).</summary>
    /// <value>The default value is 0.25.</value>
    public double ReviewConfidenceThreshold { get; set; } = 0.25;

    /// <summary>Gets or sets how long after a no-action decision the customer is looked at again when no goal names an earlier instant.</summary>
    /// <value>The default value is 1 day.</value>
    public Duration ReevaluationInterval { get; set; } = Duration.FromDays(1);

    /// <summary>Gets or sets how long after a message is scheduled the customer is looked at again (at the earliest).</summary>
    /// <value>The default value is 1 hour.</value>
    public Duration ReevaluationAfterSend { get; set; } = Duration.FromHours(1);

    /// <summary>Gets or sets how long after an evaluation error the customer is tried again.</summary>
    /// <value>The default value is 1 hour.</value>
    public Duration ErrorRetryInterval { get; set; } = Duration.FromHours(1);

    /// <summary>Gets or sets how often the hosted agent runs a tick (decide, dispatch) when running continuously.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the longest wait between ticks while ticks keep failing (for example while the database is down). After a failed tick
    /// the hosted agent waits <see cref="PollInterval"/>, then twice as long after each further failure, with jitter, up to this delay; the
    /// first tick that succeeds brings it back to the poll interval. A value below <see cref="PollInterval"/> means the poll interval.
    /// </summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan MaxFailureBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets how often (in tick time) the agent saves its strategy's learned model (an <see cref="IPersistentModel"/>, such as the
    /// adaptive strategy's population model) to a store that keeps model snapshots (<see cref="IModelStateStore"/>). The model is also
    /// saved when the agent stops and loaded before its first tick. <see cref="TimeSpan.Zero"/> saves only on stop.
    /// </summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan ModelSaveInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets a value indicating whether personal data (addresses, bodies) may be logged at Trace level.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EnableSensitiveData { get; set; }

    /// <summary>Gets the dispatcher's options.</summary>
    public DispatchOptions Dispatch { get; } = new();

    /// <summary>Checks the options.</summary>
    /// <returns>Every problem, naming the property and the fix.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (BatchSize <= 0)
        {
            problems.Add($"MarketingAutomationOptions.BatchSize is {BatchSize}; set it to a positive number (default 1024).");
        }

        if (MaxDegreeOfParallelism <= 0)
        {
            problems.Add($"MarketingAutomationOptions.MaxDegreeOfParallelism is {MaxDegreeOfParallelism}; set it to 1 or more.");
        }

        if (ReviewConfidenceThreshold is < 0 or > 1 || double.IsNaN(ReviewConfidenceThreshold))
        {
            problems.Add($"MarketingAutomationOptions.ReviewConfidenceThreshold is {ReviewConfidenceThreshold}; set it between 0 and 1.");
        }

        if (ReevaluationInterval <= Duration.Zero)
        {
            problems.Add("MarketingAutomationOptions.ReevaluationInterval must be positive.");
        }

        if (ReevaluationAfterSend <= Duration.Zero)
        {
            problems.Add("MarketingAutomationOptions.ReevaluationAfterSend must be positive.");
        }

        if (ErrorRetryInterval <= Duration.Zero)
        {
            problems.Add("MarketingAutomationOptions.ErrorRetryInterval must be positive.");
        }

        if (ModelSaveInterval < TimeSpan.Zero)
        {
            problems.Add("MarketingAutomationOptions.ModelSaveInterval must not be negative (TimeSpan.Zero saves the model only when the agent stops).");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            problems.Add("MarketingAutomationOptions.PollInterval must be positive.");
        }

        if (MaxFailureBackoff <= TimeSpan.Zero)
        {
            problems.Add("MarketingAutomationOptions.MaxFailureBackoff must be positive (a value below PollInterval means PollInterval).");
        }

        problems.AddRange(Dispatch.Validate());
        return problems;
    }
}

/// <summary>Options for the outbox dispatcher and the resilience pipeline around every channel.</summary>
public sealed class DispatchOptions
{
    /// <summary>Gets or sets how many outbox rows one claim takes.</summary>
    /// <value>The default value is 256.</value>
    public int ClaimBatchSize { get; set; } = 256;

    /// <summary>Gets or sets how long a claim holds before another dispatcher may take the row.</summary>
    /// <value>The default value is 5 minutes.</value>
    public Duration Lease { get; set; } = Duration.FromMinutes(5);

    /// <summary>Gets or sets how many claims (attempt rounds) a message gets before it fails for good.</summary>
    /// <value>The default value is 5.</value>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Gets or sets the first durable retry delay after a transient failure; doubled per attempt, with jitter.</summary>
    /// <value>The default value is 1 minute.</value>
    public Duration RetryBaseDelay { get; set; } = Duration.FromMinutes(1);

    /// <summary>Gets or sets how many immediate in-process retries (Polly, exponential with jitter) a transient failure gets within one attempt. 0 disables them.</summary>
    /// <value>The default value is 2.</value>
    public int ImmediateRetries { get; set; } = 2;

    /// <summary>Gets or sets the first immediate retry delay.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    public TimeSpan ImmediateRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the timeout of one send; a send that times out has an unknown outcome and is never retried blindly.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the failure ratio (transient failures and exceptions) that opens a channel's circuit breaker.</summary>
    /// <value>The default value is 0.5.</value>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the minimum number of sends in the sampling window before the breaker may open.</summary>
    /// <value>The default value is 20.</value>
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    /// <summary>Gets or sets how long an open breaker stays open.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the most sends per second per channel (0 for no limit).</summary>
    /// <value>The default value is 0.</value>
    public int MaxSendsPerSecondPerChannel { get; set; }

    /// <summary>Gets or sets how many sends run at once per dispatch round.</summary>
    /// <value>The default value is 8.</value>
    public int MaxConcurrentSends { get; set; } = 8;

    /// <summary>Checks the options.</summary>
    /// <returns>Every problem, naming the property and the fix.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (ClaimBatchSize <= 0)
        {
            problems.Add("DispatchOptions.ClaimBatchSize must be positive.");
        }

        if (Lease <= Duration.Zero)
        {
            problems.Add("DispatchOptions.Lease must be positive.");
        }

        if (MaxAttempts <= 0)
        {
            problems.Add("DispatchOptions.MaxAttempts must be 1 or more.");
        }

        if (RetryBaseDelay < Duration.Zero)
        {
            problems.Add("DispatchOptions.RetryBaseDelay must not be negative.");
        }

        if (ImmediateRetries < 0)
        {
            problems.Add("DispatchOptions.ImmediateRetries must not be negative.");
        }

        if (SendTimeout <= TimeSpan.Zero)
        {
            problems.Add("DispatchOptions.SendTimeout must be positive.");
        }
        else if (Lease > Duration.Zero && ImmediateRetries >= 0 && Lease.ToTimeSpan() <= SendTimeout * (ImmediateRetries + 1))
        {
            problems.Add($"DispatchOptions.Lease ({Lease}) must be longer than one send with its immediate retries (SendTimeout x (ImmediateRetries + 1) = "
                + $"{SendTimeout * (ImmediateRetries + 1)}), or another dispatcher could take a row over while it is being sent: lengthen Lease or shorten SendTimeout.");
        }

        if (CircuitBreakerFailureRatio is <= 0 or > 1)
        {
            problems.Add("DispatchOptions.CircuitBreakerFailureRatio must be in (0, 1].");
        }

        if (CircuitBreakerMinimumThroughput < 2)
        {
            problems.Add("DispatchOptions.CircuitBreakerMinimumThroughput must be 2 or more.");
        }

        if (CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            problems.Add("DispatchOptions.CircuitBreakerBreakDuration must be at least 500 ms.");
        }

        if (MaxSendsPerSecondPerChannel < 0)
        {
            problems.Add("DispatchOptions.MaxSendsPerSecondPerChannel must not be negative (0 = no limit).");
        }

        if (MaxConcurrentSends <= 0)
        {
            problems.Add("DispatchOptions.MaxConcurrentSends must be positive.");
        }

        return problems;
    }
}
