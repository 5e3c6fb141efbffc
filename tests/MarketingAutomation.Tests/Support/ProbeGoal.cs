using System.Collections.Concurrent;

namespace MarketingAutomation.Tests.Support;

/// <summary>
/// A goal for tests: counts how often each customer is evaluated, proposes its one variant when <see cref="ProposeWhen"/> says so
/// (by default: once per customer, until a message of this goal counts in their history), and throws for <see cref="ThrowFor"/>.
/// </summary>
public sealed class ProbeGoal : Goal
{
    public ProbeGoal(string id = "probe", string body = "Hello from the probe goal.")
        : base(id)
    {
        Variants = [new ContentVariant(id + "-v1") { Subject = "Probe", Body = body }];
    }

    /// <summary>Gets how often each customer id was evaluated.</summary>
    public ConcurrentDictionary<string, int> Evaluations { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets a predicate that never proposes.</summary>
    public static Func<CustomerContext, Instant, bool> Never { get; } = static (_, _) => false;

    /// <summary>Gets a predicate that always proposes.</summary>
    public static Func<CustomerContext, Instant, bool> Always { get; } = static (_, _) => true;

    /// <summary>Gets when to propose; null means "once per customer".</summary>
    public Func<CustomerContext, Instant, bool>? ProposeWhen { get; init; }

    /// <summary>Gets when the goal could next propose (reported to the sink when it does not propose), or null for never.</summary>
    public Func<CustomerContext, Instant, Instant?>? Wake { get; init; }

    /// <summary>Gets a customer id for which <see cref="Propose"/> throws.</summary>
    public string? ThrowFor { get; init; }

    /// <summary>Gets how many evaluations happened in total.</summary>
    public int TotalEvaluations => Evaluations.Values.Sum();

    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(sink);
        Evaluations.AddOrUpdate(customer.Id, 1, static (_, n) => n + 1);
        if (string.Equals(customer.Id, ThrowFor, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"probe goal failed for {customer.Id}");
        }

        var propose = ProposeWhen is { } when ? when(customer, now) : customer.LastMessageOf(Id) is null;
        if (propose)
        {
            sink.Propose(Variants[0]);
        }
        else if (Wake?.Invoke(customer, now) is { } wake)
        {
            sink.WakeAt(wake);
        }
    }
}
