namespace MarketingAutomation.Tests.Support;

/// <summary>A rule that allows everything but throws for one customer.</summary>
/// <param name="customerId">The customer it fails for.</param>
public sealed class FailingPolicy(string customerId) : IPolicy
{
    public string Name => "failing-policy";

    public PolicyVerdict Evaluate(in PolicyContext context) =>
        string.Equals(context.Customer.Id, customerId, StringComparison.Ordinal)
            ? throw new InvalidOperationException($"policy failed for {customerId}")
            : PolicyVerdict.Allow;
}

/// <summary>The template composer, except that it throws for one customer.</summary>
/// <param name="customerId">The customer it fails for.</param>
public sealed class FailingComposer(string customerId) : IContentComposer
{
    private readonly TemplateContentComposer _inner = new();

    public ValueTask<ComposedMessage> ComposeAsync(ComposeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return string.Equals(request.Customer.Id, customerId, StringComparison.Ordinal)
            ? throw new FormatException($"template broke for {customerId}")
            : _inner.ComposeAsync(request, cancellationToken);
    }
}

/// <summary>Middleware from a delegate.</summary>
/// <param name="invoke">What it does.</param>
public sealed class DelegateMiddleware(Func<DecisionContext, DecisionHandler, CancellationToken, ValueTask> invoke) : IDecisionMiddleware
{
    public ValueTask InvokeAsync(DecisionContext context, DecisionHandler continuation, CancellationToken cancellationToken) =>
        invoke(context, continuation, cancellationToken);
}

/// <summary>A send-time strategy that sends a fixed time after the decision.</summary>
/// <param name="delay">The delay.</param>
public sealed class DelayedSendTime(Duration delay) : ISendTimeStrategy
{
    public const string Reason = "test: fixed delay";

    public SendTimeChoice ChooseSendTime(in TimingContext context) => new(context.Now + delay, Reason);
}
