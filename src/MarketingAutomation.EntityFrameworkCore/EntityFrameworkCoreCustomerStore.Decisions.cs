using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <content>Committing decisions: traces, outbox rows, reviews and schedules in one transaction.</content>
internal sealed partial class EntityFrameworkCoreCustomerStore
{
    // ------------------------------------------------------------------------------------------------ decisions

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A decision names a customer the store does not hold; nothing was changed.</exception>
    public ValueTask<DecisionCommitResult> CommitDecisionsAsync(IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < decisions.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(decisions[i], nameof(decisions));
        }

        if (decisions.Count == 0)
        {
            return ValueTask.FromResult(DecisionCommitResult.None);
        }

        return WriteAsync(async (db, ct) =>
        {
            var loaded = await LoadCustomersAsync(db, decisions.Select(d => d.CustomerId), ct).ConfigureAwait(false);

            // Validate everything before changing anything: the whole list commits or nothing does.
            for (var i = 0; i < decisions.Count; i++)
            {
                if (!loaded.ContainsKey(decisions[i].CustomerId))
                {
                    throw new InvalidOperationException(
                        $"Cannot commit decision {decisions[i].DecisionId}: the store holds no customer '{decisions[i].CustomerId}'. No decision of the batch was committed.");
                }
            }

            var outboxIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in decisions.Where(d => d.Outbox is not null).Select(d => d.Outbox!.Id).Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
            {
                outboxIds.UnionWith(await db.Outbox.AsNoTracking().Where(o => chunk.Contains(o.MessageId)).Select(o => o.MessageId).ToListAsync(ct).ConfigureAwait(false));
            }

            var reviewIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in decisions.Where(d => d.Review is not null).Select(d => d.Review!.ReviewId).Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerQuery))
            {
                reviewIds.UnionWith(await db.Reviews.AsNoTracking().Where(r => chunk.Contains(r.ReviewId)).Select(r => r.ReviewId).ToListAsync(ct).ConfigureAwait(false));
            }
            var traceIds = decisions.Where(d => d.Trace is not null).Select(d => d.Trace!.DecisionId).Distinct().ToArray();
            var traces = traceIds.Length == 0
                ? []
                : await db.Traces.Where(t => traceIds.Contains(t.DecisionId)).ToDictionaryAsync(t => t.DecisionId, ct).ConfigureAwait(false);
            var sequence = traceIds.Length == 0 ? 0 : (await db.Traces.MaxAsync(t => (long?)t.Sequence, ct).ConfigureAwait(false) ?? 0);
            var traced = new HashSet<string>(StringComparer.Ordinal);
            var committed = 0;
            ImmutableArray<Guid>.Builder? superseded = null;

            for (var i = 0; i < decisions.Count; i++)
            {
                var d = decisions[i];
                var entry = loaded[d.CustomerId];
                var before = entry.Context;

                // The customer row is locked (PostgreSQL FOR UPDATE; SQLite's single writer) for the rest of the transaction, so a
                // version that still matches here cannot change before the outbox row is written.
                var recommit = (d.Outbox is { } o && outboxIds.Contains(o.Id)) || (d.Review is { } r && reviewIds.Contains(r.ReviewId));
                if (!recommit && d.BasedOnVersion is { } basedOn && basedOn != before.Version)
                {
                    (superseded ??= ImmutableArray.CreateBuilder<Guid>()).Add(d.DecisionId);
                    continue;
                }

                committed++;
                var context = before;
                if (d.Trace is { } trace)
                {
                    var json = StoreJson.Serialize(trace);
                    sequence++;
                    if (traces.TryGetValue(trace.DecisionId, out var existingTrace))
                    {
                        // The same decision committed again: replace, never list it twice.
                        existingTrace.CustomerId = d.CustomerId;
                        existingTrace.AtTicks = trace.EvaluatedAt.ToUnixTimeTicks();
                        existingTrace.Sequence = sequence;
                        existingTrace.Json = json;
                    }
                    else
                    {
                        var row = new TraceRow { DecisionId = trace.DecisionId, CustomerId = d.CustomerId, AtTicks = trace.EvaluatedAt.ToUnixTimeTicks(), Sequence = sequence, Json = json };
                        db.Traces.Add(row);
                        traces.Add(trace.DecisionId, row);
                    }

                    traced.Add(d.CustomerId);
                }

                if (d.Outbox is { } outbox && outboxIds.Add(outbox.Id))
                {
                    var row = AsNewRow(outbox, outbox.DueAt);
                    db.Outbox.Add(ToRow(row));
                    context = CustomerProjection.AddMessage(context, row);
                }

                if (d.Review is { } review && reviewIds.Add(review.ReviewId))
                {
                    db.Reviews.Add(new ReviewRow
                    {
                        ReviewId = review.ReviewId,
                        CustomerId = review.CustomerId,
                        CreatedAtTicks = review.CreatedAt.ToUnixTimeTicks(),
                        Resolved = false,
                        Json = StoreJson.Serialize(review),
                    });
                    context = CustomerProjection.AddMessage(context, review.Message, MessageStatus.HeldForReview);
                }

                if (d.LearnedState is { } state)
                {
                    context = context with { LearnedState = state.ToArray() };
                }

                if (!ReferenceEquals(context, before) || context.NextEvaluationAt != d.NextEvaluationAt)
                {
                    entry.Put(context with { NextEvaluationAt = d.NextEvaluationAt, Version = before.Version + 1 });
                }
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            foreach (var customerId in traced)
            {
                await TrimTracesAsync(db, customerId, ct).ConfigureAwait(false);
            }

            return superseded is null ? DecisionCommitResult.AllCommitted(committed) : new DecisionCommitResult(committed, superseded.ToImmutable());
        }, cancellationToken);
    }
}
