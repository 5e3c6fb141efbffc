namespace MarketingAutomation.Tests.Support;

/// <summary>
/// Wraps an <see cref="MarketingAutomation.Testing.InMemoryCustomerStore"/> shared with another agent and, once, runs
/// <see cref="Interleave"/> after reading a page of due customers and before handing it to the agent: the other agent changes those
/// customers in between, as a second instance would, so the agent decides from a stale page.
/// </summary>
/// <param name="inner">The shared store.</param>
public sealed class InterleavingStore(MarketingAutomation.Testing.InMemoryCustomerStore inner) : DelegatingStore(inner)
{
    /// <summary>Gets or sets what to run (once) between reading the next page and returning it.</summary>
    public Func<Task>? Interleave { get; set; }

    public override async ValueTask<CustomerBatch> GetDueCustomersAsync(Instant dueBy, DueCursor? after, int maxCount, CancellationToken cancellationToken = default)
    {
        var page = await Inner.GetDueCustomersAsync(dueBy, after, maxCount, cancellationToken);
        if (Interleave is { } interleave)
        {
            Interleave = null;
            await interleave();
        }

        return page;
    }
}
