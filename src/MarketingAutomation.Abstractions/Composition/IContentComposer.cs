namespace MarketingAutomation;

/// <summary>A rendered message, ready for content rules and the channel. The body is personal data: never logged above Trace.</summary>
/// <param name="Body">The rendered body.</param>
public sealed record ComposedMessage(string Body)
{
    /// <summary>Gets the rendered subject, if the channel has one.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets headers or provider parameters to pass along (for example List-Unsubscribe).</summary>
    public ImmutableDictionary<string, string> Headers { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Gets the language of the text.</summary>
    public string? Language { get; init; }
}

/// <summary>What the composer renders for.</summary>
/// <param name="DecisionId">The decision.</param>
/// <param name="Customer">The customer.</param>
/// <param name="Candidate">The chosen candidate (goal, variant, channel, offer).</param>
/// <param name="SendAt">When it will be sent.</param>
public sealed record ComposeRequest(Guid DecisionId, CustomerContext Customer, Candidate Candidate, Instant SendAt);

/// <summary>Renders content for a channel: templates by default, an LLM in the AI package. Content rules check the result.</summary>
public interface IContentComposer
{
    /// <summary>Renders the chosen candidate's content.</summary>
    /// <param name="request">What to render.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The rendered message.</returns>
    ValueTask<ComposedMessage> ComposeAsync(ComposeRequest request, CancellationToken cancellationToken = default);
}
