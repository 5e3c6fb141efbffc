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
                else
                {
                    var context = new CustomerContext(customer) { NextEvaluationAt = dueAt, Version = 1 };
                    var row = new CustomerRow { Id = customer.Id, FactsJson = string.Empty, MessagesJson = string.Empty, RecentEventsJson = string.Empty };
                    var added = new LoadedCustomer(row, context);
                    added.Put(context);
                    db.Customers.Add(row);
                    loaded.Add(customer.Id, added);
                }

                changed++;
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
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
            var loaded = await LoadCustomersAsync(db, copy.Where(u => u.CustomerId is not null).Select(u => u.CustomerId), ct).ConfigureAwait(false);
            foreach (var u in copy)
            {
                if (u.CustomerId is not null && loaded.TryGetValue(u.CustomerId, out var entry) && entry.Context.NextEvaluationAt != u.NextEvaluationAt)
                {
                    entry.Put(entry.Context with { NextEvaluationAt = u.NextEvaluationAt, Version = entry.Context.Version + 1 }, scheduleOnly: true);
                }
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
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
