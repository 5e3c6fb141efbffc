namespace MarketingAutomation;

/// <summary>What a rule sees when judging a candidate.</summary>
/// <param name="Customer">The customer with recent history.</param>
/// <param name="Candidate">The candidate.</param>
/// <param name="Now">The evaluation instant.</param>
public readonly record struct PolicyContext(CustomerContext Customer, Candidate Candidate, Instant Now);

/// <summary>
/// A hard rule. Rules always win over anything learned: the strategy only ever sees candidates every rule allowed.
/// </summary>
/// <remarks>
/// <see cref="Evaluate"/> runs on the hot path for every candidate: it must not allocate (return constant reason strings), do I/O or
/// throw for ordinary data. Rules must be thread-safe: batches run in parallel.
/// </remarks>
public interface IPolicy
{
    /// <summary>Gets the rule's name as shown in traces.</summary>
    string Name { get; }

    /// <summary>Judges one candidate.</summary>
    /// <param name="context">The customer, candidate and instant.</param>
    /// <returns>Allow, deny or defer.</returns>
    PolicyVerdict Evaluate(in PolicyContext context);
}

/// <summary>What a content rule sees: the rendered message and what it was made for.</summary>
/// <param name="Customer">The customer.</param>
/// <param name="Candidate">The chosen candidate.</param>
/// <param name="Message">The rendered message.</param>
/// <param name="Now">The evaluation instant.</param>
public readonly record struct ContentRuleContext(CustomerContext Customer, Candidate Candidate, ComposedMessage Message, Instant Now);

/// <summary>A rule checked on the rendered message (length, required elements, banned words, discounts). A violation routes the message to review.</summary>
public interface IContentRule
{
    /// <summary>Gets the rule's name as shown in traces.</summary>
    string Name { get; }

    /// <summary>Checks a rendered message.</summary>
    /// <param name="context">The message and what it was made for.</param>
    /// <returns>Allow, or deny with the reason.</returns>
    PolicyVerdict Evaluate(in ContentRuleContext context);
}
