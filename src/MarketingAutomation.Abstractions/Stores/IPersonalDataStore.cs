namespace MarketingAutomation;

/// <summary>
/// The data-subject rights a store supports (GDPR Arts 15, 17, 20; GD-03, GD-04): export everything held about a customer, erase it
/// leaving only a keyed-hash suppression record, read the consent ledger, and keep the suppression list durable. Implemented by the
/// in-memory store and the EF Core store; checked by the store conformance suite. The engine's <c>CustomerDataRights</c> service is
/// what applications call: it computes the keyed hashes and keeps the engine's suppression list in step.
/// </summary>
public interface IPersonalDataStore
{
    /// <summary>
    /// Reads everything the store holds about one customer: facts, consent ledger, message history, recent events, learned state, every
    /// outbox row (any status), every kept trace and every review (pending or resolved).
    /// </summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The export, or null when the store holds no such customer.</returns>
    ValueTask<CustomerDataExport?> ExportCustomerAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a customer's consent ledger, oldest first: every grant, withdrawal, objection and opt-out ever recorded, from imports and
    /// events, with its source and instant. Entries are only ever appended (<see cref="CustomerProjection.MergeFacts"/>), never changed.
    /// </summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The ledger (empty when the customer is unknown or erased).</returns>
    ValueTask<IReadOnlyList<ConsentRecord>> GetConsentLedgerAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases a customer in one transaction: the customer (facts, consent ledger, history, learned state), their outbox rows of every
    /// status (so a message not yet sent is never sent; a dispatcher holding a claim can no longer complete it), traces, reviews and
    /// remembered event ids; and adds <paramref name="suppressions"/> (keyed hashes only) to the durable suppression list. Erasing an
    /// unknown customer still adds the suppressions.
    /// </summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="suppressions">The keyed hashes of the customer's addresses to keep (GD-03); may be empty.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>What was removed.</returns>
    ValueTask<ErasureResult> EraseCustomerAsync(string customerId, IReadOnlyList<SuppressionEntry> suppressions, CancellationToken cancellationToken = default);

    /// <summary>Adds entries to the durable suppression list; an entry already held (same kind and hash) is kept as it was.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>How many were new.</returns>
    ValueTask<int> AddSuppressionsAsync(IReadOnlyList<SuppressionEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Reads the durable suppression list (to load it into the engine's <see cref="ISuppressionList"/> at start).</summary>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>Every entry.</returns>
    ValueTask<IReadOnlyList<SuppressionEntry>> GetSuppressionsAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// One durable "do not contact" record: the keyed hash of a normalised address (never the address), why, and since when (GD-03: "a
/// keyed hash ... plus a reason code and date").
/// </summary>
/// <param name="Kind">The channel kind of the address.</param>
/// <param name="Hash">The keyed hash (see <see cref="ISuppressionList"/>).</param>
/// <param name="ReasonCode">Why (for example <c>Erased</c> or <c>Objected</c>).</param>
/// <param name="At">When it was added.</param>
public sealed record SuppressionEntry(ChannelKind Kind, SuppressionHash Hash, string ReasonCode, Instant At);

/// <summary>What an erasure removed.</summary>
/// <param name="CustomerFound">Whether the store held the customer.</param>
/// <param name="OutboxRows">Outbox rows removed (of any status).</param>
/// <param name="PendingOutboxRows">Of those, rows not yet sent (pending or claimed), which will now never be sent.</param>
/// <param name="Traces">Traces removed.</param>
/// <param name="Reviews">Reviews removed (pending or resolved).</param>
/// <param name="Suppressions">New suppression entries.</param>
public readonly record struct ErasureResult(bool CustomerFound, int OutboxRows, int PendingOutboxRows, int Traces, int Reviews, int Suppressions);

/// <summary>
/// Everything a store holds about one customer (GD-04: profile, consent history, messages sent, the agent's decision records), as read by
/// <see cref="IPersonalDataStore.ExportCustomerAsync"/>.
/// </summary>
/// <param name="Customer">The customer's facts (contact points, consent ledger, purchases, subscriptions, attributes).</param>
public sealed record CustomerDataExport(Customer Customer)
{
    /// <summary>Gets the customer id.</summary>
    public string CustomerId => Customer.Id;

    /// <summary>Gets the consent ledger, oldest first.</summary>
    public ImmutableArray<ConsentRecord> ConsentLedger { get; init; } = [];

    /// <summary>Gets the message history (every status, held-for-review included).</summary>
    public ImmutableArray<MessageRecord> Messages { get; init; } = [];

    /// <summary>Gets the recent events, oldest first.</summary>
    public ImmutableArray<CustomerEvent> RecentEvents { get; init; } = [];

    /// <summary>Gets when the customer is next evaluated.</summary>
    public Instant NextEvaluationAt { get; init; }

    /// <summary>Gets the learned per-customer state (opaque bytes, versioned by the strategy).</summary>
    public ReadOnlyMemory<byte> LearnedState { get; init; }

    /// <summary>Gets every outbox row of the customer (any status; message bodies included), ordered by due instant then id.</summary>
    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    /// <summary>Gets every kept decision trace, newest first.</summary>
    public ImmutableArray<DecisionTrace> Traces { get; init; } = [];

    /// <summary>Gets every review, pending or resolved, oldest first.</summary>
    public ImmutableArray<PendingReview> Reviews { get; init; } = [];
}
