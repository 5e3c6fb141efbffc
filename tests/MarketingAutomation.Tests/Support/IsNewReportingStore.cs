using MarketingAutomation.Testing;

namespace MarketingAutomation.Tests.Support;

/// <summary>
/// Wraps an <see cref="InMemoryCustomerStore"/> and reports <see cref="EventAppendResult.IsNew"/> per event (which the in-memory store
/// does not), so the feedback ingestor's learning can be tested on its own. Assumes it is the only writer of events to the inner store.
/// </summary>
/// <param name="inner">The store.</param>
public sealed class IsNewReportingStore(InMemoryCustomerStore inner) : DelegatingStore(inner)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public override async ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var known = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            known.TryAdd(e.CustomerId, await Inner.GetCustomerAsync(e.CustomerId, cancellationToken) is not null);
        }

        var isNew = ImmutableArray.CreateBuilder<bool>(events.Count);
        lock (_gate)
        {
            foreach (var e in events)
            {
                isNew.Add(known[e.CustomerId] && _seen.Add(e.EventId));
            }
        }

        var result = await Inner.AppendEventsAsync(events, cancellationToken);
        return result with { IsNew = isNew.MoveToImmutable() };
    }
}
