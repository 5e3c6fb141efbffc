using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MarketingAutomation;

/// <summary>What an ingestion did.</summary>
/// <param name="Appended">New events stored.</param>
/// <param name="Duplicates">Events already seen (ignored: nothing is learned twice).</param>
/// <param name="UnknownCustomers">Events for customers the store does not hold.</param>
/// <param name="Learned">Outcomes passed to the strategy.</param>
public readonly record struct FeedbackResult(int Appended, int Duplicates, int UnknownCustomers, int Learned)
{
    /// <summary>
    /// Gets how many events reused an event id already seen with different content (RL-02): not applied, not learned, logged as a warning
    /// with the first such id (event 1070). See <see cref="EventAppendResult.Conflicts"/>.
    /// </summary>
    public int Conflicts { get; init; }

    /// <summary>Gets the ids of the conflicting events (empty when none).</summary>
    public ImmutableArray<string> ConflictingEventIds { get; init; } = [];
}

/// <summary>
/// Applies incoming events (provider webhooks, purchases, consent changes) idempotently: the store appends each event id once and
/// projects it onto the customer (an unsubscribe revokes consent, a hard bounce disables the address, engagement marks the message);
/// each new message outcome is attributed to the decision that caused it and fed to the strategy; the customer becomes due again.
/// A strategy that keeps a model per customer (<see cref="ICustomerStateLearner"/>) gets the customer and their learned state with each
/// outcome, and the states it returns are saved through <see cref="ICustomerStore.SaveLearnedStatesAsync"/> at the end of the batch.
/// </summary>
public sealed class FeedbackIngestor
{
    private readonly MarketingPipeline _pipeline;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="FeedbackIngestor"/> class.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="logger">The logger.</param>
    public FeedbackIngestor(MarketingPipeline pipeline, ILogger<FeedbackIngestor> logger)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(logger);
        _pipeline = pipeline;
        _logger = logger;
    }

    /// <summary>Ingests a batch of events. Safe to call again with the same events.</summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">A cancellation token.</param>
    /// <returns>What happened.</returns>
    public async Task<FeedbackResult> IngestAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return default;
        }

        using var activity = MarketingAutomationDiagnostics.ActivitySource.StartActivity(MarketingAutomationDiagnostics.IngestActivity);
        var appended = await _pipeline.Store.AppendEventsAsync(events, cancellationToken).ConfigureAwait(false);
        var learned = 0;
        var isNew = appended.IsNew;
        Dictionary<string, CustomerContext?>? customers = null;
        Dictionary<string, ReadOnlyMemory<byte>>? states = null;
        var stateLearner = _pipeline.Strategy as ICustomerStateLearner;
        for (var i = 0; i < events.Count && i < (isNew.IsDefault ? 0 : isNew.Length); i++)
        {
            if (!isNew[i])
            {
                continue;
            }

            var feedback = ToFeedback(events[i]);
            if (feedback is null)
            {
                continue;
            }

            MarketingAutomationDiagnostics.Feedback.Add(1, new KeyValuePair<string, object?>("kind", feedback.Kind.ToString()));
            customers ??= new Dictionary<string, CustomerContext?>(StringComparer.Ordinal);
            if (!customers.TryGetValue(feedback.CustomerId, out var customer))
            {
                customer = await _pipeline.Store.GetCustomerAsync(feedback.CustomerId, cancellationToken).ConfigureAwait(false);
                customers[feedback.CustomerId] = customer;
            }

            feedback = Enrich(feedback, customer);
            try
            {
                if (stateLearner is not null && customer is not null)
                {
                    states ??= new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
                    var current = states.TryGetValue(customer.Id, out var pending) ? pending : customer.LearnedState;
                    if (stateLearner.Learn(feedback, customer, current) is { } next)
                    {
                        states[customer.Id] = next;
                    }
                }
                else
                {
                    _pipeline.Strategy.Learn(feedback);
                }

                learned++;
            }
#pragma warning disable CA1031 // A strategy failure must not lose the stored event or stop the batch.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.StrategyLearnFailed(_logger, ex, _pipeline.Strategy.Name, feedback.DecisionId);
            }
        }

        if (states is { Count: > 0 })
        {
            var updates = new List<LearnedStateUpdate>(states.Count);
            foreach (var (id, state) in states)
            {
                updates.Add(new LearnedStateUpdate(id, state));
            }

            await _pipeline.Store.SaveLearnedStatesAsync(updates, cancellationToken).ConfigureAwait(false);
        }

        Log.FeedbackIngested(_logger, appended.Appended, appended.Duplicates, appended.UnknownCustomers);
        var conflictIds = appended.ConflictingEventIds.IsDefault ? [] : appended.ConflictingEventIds;
        if (appended.Conflicts > 0)
        {
            Log.EventConflicts(_logger, appended.Conflicts, conflictIds.IsEmpty ? string.Empty : conflictIds[0]);
            activity?.SetTag("marketing_automation.conflicts", appended.Conflicts);
        }

        activity?.SetTag("marketing_automation.appended", appended.Appended);
        return new FeedbackResult(appended.Appended, appended.Duplicates, appended.UnknownCustomers, learned) { Conflicts = appended.Conflicts, ConflictingEventIds = conflictIds };
    }

    /// <summary>Maps an event to the strategy's feedback, or null when it carries none.</summary>
    /// <param name="event">The event.</param>
    /// <returns>The feedback, or null.</returns>
    public static DecisionFeedback? ToFeedback(CustomerEvent @event) => @event switch
    {
        MessageEvent m => m.Kind switch
        {
            MessageEventKind.Delivered => new DecisionFeedback(m.DecisionId, m.CustomerId, FeedbackKind.Delivered, m.OccurredAt),
            MessageEventKind.Opened => new DecisionFeedback(m.DecisionId, m.CustomerId, m.IsMachineOpen ? FeedbackKind.MachineOpened : FeedbackKind.Opened, m.OccurredAt),
            MessageEventKind.Clicked => new DecisionFeedback(m.DecisionId, m.CustomerId, FeedbackKind.Clicked, m.OccurredAt),
            // TW-06 / TC-03: an SMS opt-out keyword reply is an unsubscribe, not engagement.
            MessageEventKind.Replied when m.Channel is ChannelKind.Sms or null && OptOutKeywords.IsOptOut(m.ReplyText) =>
                new DecisionFeedback(m.DecisionId, m.CustomerId, FeedbackKind.Unsubscribed, m.OccurredAt),
            MessageEventKind.Replied => new DecisionFeedback(m.DecisionId, m.CustomerId, FeedbackKind.Replied, m.OccurredAt),
            MessageEventKind.Bounced or MessageEventKind.Failed => new DecisionFeedback(m.DecisionId, m.CustomerId, FeedbackKind.Bounced, m.OccurredAt),
            MessageEventKind.Complained => new DecisionFeedback(m.DecisionId, m.CustomerId, FeedbackKind.Complained, m.OccurredAt),
            MessageEventKind.Unsubscribed => new DecisionFeedback(m.DecisionId, m.CustomerId, FeedbackKind.Unsubscribed, m.OccurredAt),
            _ => null,
        },
        PurchaseEvent { Purchase.AttributedDecisionId: { } decision } p =>
            new DecisionFeedback(decision, p.CustomerId, FeedbackKind.Converted, p.OccurredAt) { Value = p.Purchase.Amount },
        _ => null,
    };

    private static DecisionFeedback Enrich(DecisionFeedback feedback, CustomerContext? customer)
    {
        if (customer is null)
        {
            return feedback;
        }

        foreach (var m in customer.Messages)
        {
            if (m.DecisionId == feedback.DecisionId)
            {
                return feedback with { GoalId = m.GoalId, VariantId = m.VariantId, Channel = m.Channel };
            }
        }

        return feedback;
    }
}
