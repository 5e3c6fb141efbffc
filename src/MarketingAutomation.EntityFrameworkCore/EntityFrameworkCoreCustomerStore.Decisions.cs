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
            // Only what a commit reads: version, schedule and messages (never the facts), locked on PostgreSQL.
            var loaded = await LoadMessagesAsync(db, decisions.Select(d => d.CustomerId), ct).ConfigureAwait(false);

            // Validate everything before changing anything: the whole list commits or nothing does.
            for (var i = 0; i < decisions.Count; i++)
            {
                if (!loaded.ContainsKey(decisions[i].CustomerId))
                {
                    throw new InvalidOperationException(
                        $"Cannot commit decision {decisions[i].DecisionId}: the store holds no customer '{decisions[i].CustomerId}'. No decision of the batch was committed.");
                }
            }

            var outboxIds = await ExistingKeysAsync(db, "outbox", "message_id", decisions.Where(d => d.Outbox is not null).Select(d => d.Outbox!.Id), ct).ConfigureAwait(false);
            var reviewIds = await ExistingKeysAsync(db, "reviews", "review_id", decisions.Where(d => d.Review is not null).Select(d => d.Review!.ReviewId), ct).ConfigureAwait(false);
            var traceIds = decisions.Where(d => d.Trace is not null).Select(d => d.Trace!.DecisionId).Distinct().ToArray();
            var sequence = traceIds.Length == 0 ? 0 : (await db.Traces.MaxAsync(t => (long?)t.Sequence, ct).ConfigureAwait(false) ?? 0);

            // Documents are serialized in parallel when there are many (they are independent of each other).
            var traceJson = new string?[decisions.Count];
            ForEachIndex(decisions.Count, i => traceJson[i] = decisions[i].Trace is { } t ? StoreJson.Serialize(t) : null);

            var traces = new Dictionary<Guid, TraceRow>();
            var outboxRows = new List<OutboxRow>();
            var reviewRows = new List<ReviewRow>();
            var changed = new Dictionary<string, (CustomerContext Before, CustomerContext After)>(StringComparer.Ordinal);
            var traced = new HashSet<string>(StringComparer.Ordinal);
            var committed = 0;
            ImmutableArray<Guid>.Builder? superseded = null;
            for (var i = 0; i < decisions.Count; i++)
            {
                var d = decisions[i];
                var before = loaded[d.CustomerId];

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
                    sequence++;
                    traces[trace.DecisionId] = new TraceRow { DecisionId = trace.DecisionId, CustomerId = d.CustomerId, AtTicks = trace.EvaluatedAt.ToUnixTimeTicks(), Sequence = sequence, Json = traceJson[i]! };
                    traced.Add(d.CustomerId);
                }

                if (d.Outbox is { } outbox && outboxIds.Add(outbox.Id))
                {
                    var row = AsNewRow(outbox, outbox.DueAt);
                    outboxRows.Add(ToRow(row));
                    context = CustomerProjection.AddMessage(context, row);
                }

                if (d.Review is { } review && reviewIds.Add(review.ReviewId))
                {
                    reviewRows.Add(new ReviewRow
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
                    var after = context with { NextEvaluationAt = d.NextEvaluationAt, Version = before.Version + 1 };
                    loaded[d.CustomerId] = after;
                    changed[d.CustomerId] = changed.TryGetValue(d.CustomerId, out var earlier) ? (earlier.Before, after) : (before, after);
                }
            }

            // The same decision committed again replaces its trace, never lists it twice: delete, then insert anew.
            foreach (var chunk in traces.Keys.Chunk(MaxIdsPerQuery))
            {
                var delete = CreateCommand(db);
                await using (delete.ConfigureAwait(false))
                {
                    delete.CommandText = $"DELETE FROM traces WHERE decision_id IN ({InList(delete, chunk.Select(GuidValue).ToArray())})";
                    await ExecuteAsync(delete, ct).ConfigureAwait(false);
                }
            }

            await InsertTracesAsync(db, [.. traces.Values], ct).ConfigureAwait(false);
            await InsertOutboxAsync(db, outboxRows, ct).ConfigureAwait(false);
            await InsertReviewsAsync(db, reviewRows, ct).ConfigureAwait(false);
            await UpdateCommittedCustomersAsync(db, [.. changed.Values], ct).ConfigureAwait(false);
            await TrimTracesAsync(db, traced, ct).ConfigureAwait(false);
            return superseded is null ? DecisionCommitResult.AllCommitted(committed) : new DecisionCommitResult(committed, superseded.ToImmutable());
        }, cancellationToken);
    }

    /// <summary>Writes the customers a commit changed: schedule and version always, the messages when they changed (serialized in
    /// parallel), the learned state when a decision carried one. Grouped by the columns written, one bulk update per group.</summary>
    private async Task UpdateCommittedCustomersAsync(MarketingAutomationDbContext db, IReadOnlyList<(CustomerContext Before, CustomerContext After)> changes, CancellationToken cancellationToken)
    {
        var rows = new object?[changes.Count][];
        var groups = new int[changes.Count];
        ForEachIndex(changes.Count, i =>
        {
            var (before, after) = changes[i];
            var messages = before.Messages != after.Messages;
            var learned = !before.LearnedState.Equals(after.LearnedState);
            groups[i] = (messages ? 1 : 0) | (learned ? 2 : 0);
            var row = new List<object?>(6) { after.Id, before.Version, after.NextEvaluationAt.ToUnixTimeTicks(), after.Version };
            if (messages)
            {
                row.Add(StoreJson.Serialize(after.Messages));
            }

            if (learned)
            {
                row.Add(after.LearnedState.ToArray());
            }

            rows[i] = [.. row];
        });

        for (var group = 0; group < 4; group++)
        {
            var members = new List<object?[]>();
            for (var i = 0; i < rows.Length; i++)
            {
                if (groups[i] == group)
                {
                    members.Add(rows[i]);
                }
            }

            string[] columns = (group & 1, group & 2) switch
            {
                (0, 0) => ["next_evaluation_at", "version"],
                (_, 0) => ["next_evaluation_at", "version", "messages"],
                (0, _) => ["next_evaluation_at", "version", "learned_state"],
                _ => ["next_evaluation_at", "version", "messages", "learned_state"],
            };
            await UpdateCustomersAsync(db, columns, members, cancellationToken).ConfigureAwait(false);
        }
    }
}
