using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <content>Customer and event writes: upserts, appended events, schedules and learned states.</content>
internal sealed partial class EntityFrameworkCoreCustomerStore
{
    // ------------------------------------------------------------------------------------------------ customers and events

    /// <inheritdoc />
    public ValueTask<int> UpsertCustomersAsync(IReadOnlyList<Customer> customers, Instant dueAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < customers.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(customers[i], nameof(customers));
            ArgumentException.ThrowIfNullOrEmpty(customers[i].Id, nameof(customers));
        }

        if (customers.Count == 0)
        {
            return ValueTask.FromResult(0);
        }

        return WriteAsync(async (db, ct) =>
        {
            var loaded = await LoadCustomersAsync(db, customers.Select(c => c.Id), ct).ConfigureAwait(false);

            // New customers are inserted in bulk at the end (many rows per statement, documents serialized in parallel); a customer
            // listed twice merges into the pending new one, as into a stored one.
            var added = new Dictionary<string, CustomerContext>(StringComparer.Ordinal);
            var changed = 0;
            for (var i = 0; i < customers.Count; i++)
            {
                var customer = customers[i];
                if (loaded.TryGetValue(customer.Id, out var entry))
                {
                    var existing = entry.Context;
                    customer = CustomerProjection.MergeFacts(existing.Customer, customer);
                    if (CustomerProjection.HasSameFacts(existing.Customer, customer))
                    {
                        continue;
                    }

                    entry.Put(existing with { Customer = customer, NextEvaluationAt = dueAt, Version = existing.Version + 1 });
                }
                else if (added.TryGetValue(customer.Id, out var pending))
                {
                    customer = CustomerProjection.MergeFacts(pending.Customer, customer);
                    if (CustomerProjection.HasSameFacts(pending.Customer, customer))
                    {
                        continue;
                    }

                    added[customer.Id] = pending with { Customer = customer, NextEvaluationAt = dueAt, Version = pending.Version + 1 };
                }
                else
                {
                    added.Add(customer.Id, new CustomerContext(customer) { NextEvaluationAt = dueAt, Version = 1 });
                }

                changed++;
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await InsertCustomersAsync(db, [.. added.Values], ct).ConfigureAwait(false);
            return changed;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<EventAppendResult> AppendEventsAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < events.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(events[i], nameof(events));
        }

        if (events.Count == 0)
        {
            return ValueTask.FromResult(new EventAppendResult(0, 0, 0) { IsNew = [] });
        }

        return WriteAsync(async (db, ct) =>
        {
            var seen = await LoadSeenEventsAsync(db, events, ct).ConfigureAwait(false);
            var hashes = HashEvents(events);
            var conflicts = ImmutableArray.CreateBuilder<string>();

            var loaded = await LoadCustomersAsync(db, events.Select(e => e.CustomerId), ct).ConfigureAwait(false);
            int appended = 0, duplicates = 0, unknown = 0;
            var isNew = new bool[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                if (seen.TryGetValue(e.EventId, out var seenHash))
                {
                    CountSeen(seenHash, hashes[i], e.EventId, ref duplicates, conflicts);
                    continue;
                }

                if (!loaded.TryGetValue(e.CustomerId, out var entry))
                {
                    // Not remembered as seen: the same event is applied if it arrives again after the customer exists.
                    unknown++;
                    continue;
                }

                var updated = CustomerProjection.ApplyAndSchedule(entry.Context, e);

                entry.Put(updated);
                seen.Add(e.EventId, hashes[i]);
                db.EventIds.Add(new EventIdRow { EventId = e.EventId, CustomerId = e.CustomerId, ContentHash = hashes[i] });
                isNew[i] = true;
                appended++;
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return new EventAppendResult(appended, duplicates, unknown) { IsNew = ImmutableArray.Create(isNew), Conflicts = conflicts.Count, ConflictingEventIds = conflicts.ToImmutable() };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask ScheduleAsync(ReadOnlyMemory<ScheduleUpdate> updates, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (updates.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        var copy = updates.ToArray();
        return new ValueTask(WriteAsync(async (db, ct) =>
        {
            // Only what a schedule needs (version and schedule, locked on PostgreSQL); unchanged schedules are not written.
            var loaded = await LoadSchedulesAsync(db, copy.Where(u => u.CustomerId is not null).Select(u => u.CustomerId), ct).ConfigureAwait(false);
            var changed = new Dictionary<string, object?[]>(StringComparer.Ordinal);
            foreach (var u in copy)
            {
                if (u.CustomerId is not null && loaded.TryGetValue(u.CustomerId, out var current) && current.Next != u.NextEvaluationAt.ToUnixTimeTicks())
                {
                    var next = (u.NextEvaluationAt.ToUnixTimeTicks(), current.Version + 1);
                    changed[u.CustomerId] = changed.TryGetValue(u.CustomerId, out var earlier)
                        ? [u.CustomerId, earlier[1], next.Item1, next.Item2]
                        : [u.CustomerId, current.Version, next.Item1, next.Item2];
                    loaded[u.CustomerId] = next;
                }
            }

            await UpdateCustomersAsync(db, ["next_evaluation_at", "version"], [.. changed.Values], ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).AsTask());
    }

    /// <inheritdoc />
    public ValueTask<int> SaveLearnedStatesAsync(IReadOnlyList<LearnedStateUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        cancellationToken.ThrowIfCancellationRequested();
        if (updates.Count == 0)
        {
            return ValueTask.FromResult(0);
        }

        return WriteAsync(async (db, ct) =>
        {
            var loaded = await LoadCustomersAsync(db, updates.Where(u => u.CustomerId is not null).Select(u => u.CustomerId), ct).ConfigureAwait(false);
            var saved = 0;
            for (var i = 0; i < updates.Count; i++)
            {
                var u = updates[i];
                if (u.CustomerId is not null && loaded.TryGetValue(u.CustomerId, out var entry))
                {
                    entry.Row.LearnedState = u.State.ToArray();
                    entry.Row.Version = entry.Context.Version + 1;
                    entry.Context = entry.Context with { LearnedState = entry.Row.LearnedState, Version = entry.Row.Version };
                    saved++;
                }
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return saved;
        }, cancellationToken);
    }
}
