using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace MarketingAutomation;

/// <summary>
/// The data-subject rights entry point (GDPR Arts 15, 17, 20, 21; GD-01 to GD-04): export everything held about a customer as JSON, read
/// their consent ledger, erase them leaving only keyed-hash suppression entries, and suppress an objector's address without erasing.
/// Available as <see cref="MarketingAgent.DataRights"/> and from dependency injection.
/// </summary>
/// <remarks>
/// <para>Needs a store that implements <see cref="IPersonalDataStore"/> (the in-memory and EF Core stores do). Erasure and suppression
/// also need the suppression rule (<c>builder.AddSuppressionList(key)</c>): addresses are hashed with its <see cref="SuppressionKey"/>
/// (HMAC-SHA256 of the normalised e-mail address or E.164 number), so the rule matches a re-imported address in any case or format.</para>
/// <para>Erasure order: the hashes enter the engine's suppression list first (the decision engine and the dispatcher's last check before
/// sending deny at once), then the store removes the customer, their outbox rows of every status, traces, reviews and event ids and
/// records the suppression entries, in one transaction. A decision for that customer committed afterwards fails as "unknown customer".
/// Nothing personal is logged: counts only.</para>
/// </remarks>
public sealed class CustomerDataRights
{
    /// <summary>The reason code of a suppression entry written by <see cref="EraseAsync"/>.</summary>
    public const string ErasedReasonCode = "Erased";

    /// <summary>The default reason code of a suppression entry written by <see cref="SuppressAsync"/> (GD-02 objection).</summary>
    public const string ObjectedReasonCode = "Objected";

    /// <summary>The format name written into every export.</summary>
    public const string ExportFormat = "marketing-automation/customer-export";

    private readonly MarketingPipeline _pipeline;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="CustomerDataRights"/> class.</summary>
    /// <param name="pipeline">The pipeline (store, rules, clock).</param>
    /// <param name="logger">The logger.</param>
    public CustomerDataRights(MarketingPipeline pipeline, ILogger<CustomerDataRights> logger)
        : this(pipeline, (ILogger)logger)
    {
    }

    internal CustomerDataRights(MarketingPipeline pipeline, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(logger);
        _pipeline = pipeline;
        _logger = logger;
    }

    /// <summary>Gets a value indicating whether the store supports data-subject rights (<see cref="IPersonalDataStore"/>).</summary>
    public bool IsSupported => _pipeline.Store is IPersonalDataStore;

    private IPersonalDataStore Store => _pipeline.Store as IPersonalDataStore
        ?? throw new InvalidOperationException(
            $"The customer store ({_pipeline.Store.GetType().Name}) does not implement IPersonalDataStore, so it cannot export or erase customers. Use the in-memory or EF Core store, or implement IPersonalDataStore (check it with CustomerStoreConformanceTests).");

    private SuppressionPolicy Suppression
    {
        get
        {
            foreach (var policy in _pipeline.Policies)
            {
                if (policy is SuppressionPolicy suppression)
                {
                    return suppression;
                }
            }

            throw new InvalidOperationException(
                "Erasure and objection keep a keyed hash of the person's addresses so they are never contacted again: add the suppression rule with builder.AddSuppressionList(key) (a secret key of 32 bytes or more).");
        }
    }

    /// <summary>Reads everything held about a customer (GD-04).</summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The export, or null when the customer is unknown.</returns>
    public ValueTask<CustomerDataExport?> ExportAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        return Store.ExportCustomerAsync(customerId, cancellationToken);
    }

    /// <summary>
    /// Writes everything held about a customer as JSON (GD-04, Art. 20: structured, commonly used, machine-readable): format and version,
    /// export instant, facts, consent ledger, message history, recent events, outbox rows with bodies, traces, reviews and learned state
    /// (base64).
    /// </summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="destination">The stream to write to (left open).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>False when the customer is unknown (nothing written).</returns>
    public async Task<bool> ExportJsonAsync(string customerId, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var export = await ExportAsync(customerId, cancellationToken).ConfigureAwait(false);
        if (export is null)
        {
            return false;
        }

        var document = new CustomerExportDocument(ExportFormat, 1, _pipeline.Clock.GetCurrentInstant(), export);
        await JsonSerializer.SerializeAsync(destination, document, CustomerExportJsonContext.Default.CustomerExportDocument, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Reads a customer's append-only consent ledger, oldest first (GD-01).</summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>The ledger (empty when unknown or erased).</returns>
    public ValueTask<IReadOnlyList<ConsentRecord>> GetConsentLedgerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        return Store.GetConsentLedgerAsync(customerId, cancellationToken);
    }

    /// <summary>
    /// Erases a customer (GD-03, Art. 17): keyed hashes of every contact address are added to the suppression list (memory and store),
    /// then the store removes the customer, their consent ledger, history, learned state, outbox rows (unsent ones are never sent),
    /// traces, reviews and event ids. Other addresses the application knows for the person can be suppressed with
    /// <see cref="SuppressAsync"/>.
    /// </summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>What was removed.</returns>
    /// <exception cref="InvalidOperationException">The store has no data-subject rights, or the suppression rule is not configured.</exception>
    public async Task<ErasureResult> EraseAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        var store = Store;
        var suppression = Suppression;
        var now = _pipeline.Clock.GetCurrentInstant();
        var customer = await _pipeline.Store.GetCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        var entries = new List<SuppressionEntry>();
        foreach (var contact in customer?.Customer.ContactPoints ?? [])
        {
            if (suppression.Key.TryHash(contact, out var hash) && !entries.Exists(e => e.Kind == contact.Kind && e.Hash == hash))
            {
                entries.Add(new SuppressionEntry(contact.Kind, hash, ErasedReasonCode, now));
            }
        }

        // Memory first: from here on the engine and the dispatcher deny these addresses, even before the store commits.
        foreach (var entry in entries)
        {
            suppression.List.Add(entry.Kind, entry.Hash);
        }

        var result = await store.EraseCustomerAsync(customerId, entries, cancellationToken).ConfigureAwait(false);
        Log.CustomerErased(_logger, result.OutboxRows, result.PendingOutboxRows, result.Traces, result.Reviews, result.Suppressions);
        return result;
    }

    /// <summary>
    /// Suppresses one address for good without erasing anyone (GD-02: an objection to direct marketing; "suppress, don't delete"): the
    /// keyed hash goes into the suppression list and the store.
    /// </summary>
    /// <param name="kind">The channel kind of the address.</param>
    /// <param name="address">The address, in any case or format.</param>
    /// <param name="reasonCode">Why (default <see cref="ObjectedReasonCode"/>).</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>True when the store did not hold the entry yet.</returns>
    /// <exception cref="ArgumentException">A phone number cannot be normalised.</exception>
    public async Task<bool> SuppressAsync(ChannelKind kind, string address, string reasonCode = ObjectedReasonCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentException.ThrowIfNullOrWhiteSpace(reasonCode);
        var store = Store;
        var suppression = Suppression;
        var hash = suppression.Key.Hash(kind, address);
        suppression.List.Add(kind, hash);
        return await store.AddSuppressionsAsync([new SuppressionEntry(kind, hash, reasonCode, _pipeline.Clock.GetCurrentInstant())], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Loads the store's durable suppression entries into the suppression rule's list. The agent does this before its first tick; call it
    /// yourself when you decide or dispatch without the agent.
    /// </summary>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>How many entries were new to the list (0 without a suppression rule or a store with data-subject rights).</returns>
    public async Task<int> LoadSuppressionsAsync(CancellationToken cancellationToken = default)
    {
        if (_pipeline.Store is not IPersonalDataStore store)
        {
            return 0;
        }

        var lists = new List<ISuppressionList>();
        foreach (var policy in _pipeline.Policies)
        {
            if (policy is SuppressionPolicy suppression && !lists.Contains(suppression.List))
            {
                lists.Add(suppression.List);
            }
        }

        if (lists.Count == 0)
        {
            return 0;
        }

        var entries = await store.GetSuppressionsAsync(cancellationToken).ConfigureAwait(false);
        var added = 0;
        foreach (var list in lists)
        {
            foreach (var entry in entries)
            {
                added += list.Add(entry.Kind, entry.Hash) ? 1 : 0;
            }
        }

        Log.SuppressionsLoaded(_logger, entries.Count);
        return added;
    }
}
