namespace MarketingAutomation;

/// <summary>
/// The one definition of how events and decisions change a customer, shared by every store so that they all agree:
/// purchases and subscriptions are added, consent changes appended to the ledger, unsubscribes and complaints revoke
/// marketing consent, hard bounces disable the contact point, and engagement is recorded on the message.
/// </summary>
public static class CustomerProjection
{
    /// <summary>The most recent events kept on a <see cref="CustomerContext"/>.</summary>
    public const int MaxRecentEvents = 64;

    /// <summary>The most messages kept on a <see cref="CustomerContext"/>.</summary>
    public const int MaxMessages = 128;

    /// <summary>Applies an event to a customer.</summary>
    /// <param name="context">The customer before the event.</param>
    /// <param name="event">The event.</param>
    /// <returns>The customer after the event.</returns>
    public static CustomerContext Apply(CustomerContext context, CustomerEvent @event)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(@event);
        var customer = context.Customer;
        var messages = context.Messages;
        switch (@event)
        {
            case PurchaseEvent p:
                customer = customer with { Purchases = customer.Purchases.Add(p.Purchase) };
                if (p.Purchase.AttributedDecisionId is { } attributed)
                {
                    messages = Engage(messages, attributed, p.OccurredAt);
                }

                break;
            case SubscriptionEvent s:
                customer = customer with { Subscriptions = ReplaceSubscription(customer.Subscriptions, s.Subscription) };
                break;
            case ConsentEvent c:
                customer = customer with { Consents = customer.Consents.Add(c.Consent) };
                break;
            case MessageEvent m:
                (customer, messages) = ApplyMessageEvent(customer, messages, m);
                break;
        }

        var events = context.RecentEvents.Add(@event);
        if (events.Length > MaxRecentEvents)
        {
            events = events.RemoveRange(0, events.Length - MaxRecentEvents);
        }

        return context with { Customer = customer, Messages = messages, RecentEvents = events, Version = context.Version + 1 };
    }

    /// <summary>
    /// Returns whether an event should make its customer due for evaluation (no later than the event). Delivery bookkeeping
    /// (queued, sent, delivered) does not: the customer was just decided for, and re-evaluating on every send would ignore the
    /// engine's re-evaluation spacing.
    /// </summary>
    /// <param name="event">The event.</param>
    /// <returns>True when the customer should be re-evaluated.</returns>
    public static bool MakesCustomerDue(CustomerEvent @event) =>
        @event is not MessageEvent { Kind: MessageEventKind.Queued or MessageEventKind.Sent or MessageEventKind.Delivered };

    /// <summary>
    /// Applies a newly appended event (<see cref="Apply"/>) and, when it makes the customer due (<see cref="MakesCustomerDue"/>), brings
    /// the next evaluation forward to the event's instant. What every store does for each new event.
    /// </summary>
    /// <param name="context">The customer.</param>
    /// <param name="event">The event.</param>
    /// <returns>The updated customer.</returns>
    public static CustomerContext ApplyAndSchedule(CustomerContext context, CustomerEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var updated = Apply(context, @event);
        return MakesCustomerDue(@event) && @event.OccurredAt < updated.NextEvaluationAt ? updated with { NextEvaluationAt = @event.OccurredAt } : updated;
    }

    /// <summary>Adds an outbox message to the customer's message history (as pending, or as held for review).</summary>
    /// <param name="context">The customer.</param>
    /// <param name="outbox">The outbox row (or the held message of a pending review).</param>
    /// <param name="status">The status to record: <see cref="MessageStatus.Pending"/> or <see cref="MessageStatus.HeldForReview"/>.</param>
    /// <returns>The customer with the message recorded.</returns>
    public static CustomerContext AddMessage(CustomerContext context, OutboxMessage outbox, MessageStatus status = MessageStatus.Pending)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(outbox);
        var m = outbox.Message;
        var record = new MessageRecord(m.MessageId, m.DecisionId, m.GoalId, m.VariantId, m.Channel, m.Kind, m.Purpose, outbox.DueAt)
        {
            Step = m.Step,
            Status = status,
            Important = m.Important,
            FollowUpAfter = m.FollowUpAfter,
            FollowUpOf = m.FollowUpOf,
        };
        var messages = context.Messages.Add(record);
        if (messages.Length > MaxMessages)
        {
            messages = messages.RemoveRange(0, messages.Length - MaxMessages);
        }

        return context with { Messages = messages, Version = context.Version + 1 };
    }

    /// <summary>
    /// Resolves a held message in the history: approved, it becomes pending at <paramref name="releaseAt"/> (added if missing);
    /// rejected, it becomes cancelled and stops counting against caps.
    /// </summary>
    /// <param name="context">The customer.</param>
    /// <param name="held">The held outbox message.</param>
    /// <param name="approved">Whether it was approved.</param>
    /// <param name="releaseAt">When an approved message becomes due.</param>
    /// <returns>The customer with the message updated.</returns>
    public static CustomerContext ResolveHeldMessage(CustomerContext context, OutboxMessage held, bool approved, Instant releaseAt)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(held);
        var messages = context.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            if (string.Equals(messages[i].MessageId, held.Id, StringComparison.Ordinal))
            {
                var updated = approved
                    ? messages[i] with { Status = MessageStatus.Pending, ScheduledAt = releaseAt }
                    : messages[i] with { Status = MessageStatus.Cancelled };
                return context with { Messages = messages.SetItem(i, updated), Version = context.Version + 1 };
            }
        }

        return approved ? AddMessage(context, held with { DueAt = releaseAt }) : context;
    }

    /// <summary>Records a dispatch result on the message in the customer's history.</summary>
    /// <param name="context">The customer.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="status">The new status.</param>
    /// <param name="at">When it changed.</param>
    /// <returns>The customer with the message updated (unchanged when the message is not in the history).</returns>
    public static CustomerContext SetMessageStatus(CustomerContext context, string messageId, MessageStatus status, Instant at)
    {
        ArgumentNullException.ThrowIfNull(context);
        var messages = context.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            if (string.Equals(messages[i].MessageId, messageId, StringComparison.Ordinal))
            {
                var updated = messages[i] with { Status = status, SentAt = status == MessageStatus.Sent ? at : messages[i].SentAt };
                return context with { Messages = messages.SetItem(i, updated), Version = context.Version + 1 };
            }
        }

        return context;
    }

    /// <summary>
    /// Merges re-imported facts into a stored customer without losing what the customer told us since: the consent ledger is
    /// append-only (records are united, oldest first, never dropped), a contact point disabled by a bounce or rejection stays
    /// disabled when the same address comes back, and purchases are united by order id. Stores call it from
    /// <see cref="ICustomerStore.UpsertCustomersAsync"/>, so a CRM re-import can never undo an unsubscribe.
    /// </summary>
    /// <param name="existing">The stored customer.</param>
    /// <param name="incoming">The imported facts.</param>
    /// <returns>The merged customer.</returns>
    public static Customer MergeFacts(Customer existing, Customer incoming)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(incoming);
        var consents = incoming.Consents.IsDefault ? [] : incoming.Consents;
        var added = false;
        foreach (var record in existing.Consents.IsDefault ? [] : existing.Consents)
        {
            if (!consents.Contains(record))
            {
                consents = consents.Add(record);
                added = true;
            }
        }

        if (added)
        {
            consents = [.. consents.OrderBy(c => c.RecordedAt)];
        }

        var contacts = incoming.ContactPoints.IsDefault ? [] : incoming.ContactPoints;
        for (var i = 0; i < contacts.Length; i++)
        {
            foreach (var old in existing.ContactPoints.IsDefault ? [] : existing.ContactPoints)
            {
                if (!old.IsValid && contacts[i].IsValid && old.Kind == contacts[i].Kind
                    && string.Equals(old.Address.Trim(), contacts[i].Address.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    contacts = contacts.SetItem(i, contacts[i] with { IsValid = false, InvalidReason = old.InvalidReason });
                }
            }
        }

        var purchases = incoming.Purchases.IsDefault ? [] : incoming.Purchases;
        var purchaseAdded = false;
        foreach (var old in existing.Purchases.IsDefault ? [] : existing.Purchases)
        {
            var found = false;
            foreach (var p in purchases)
            {
                found |= string.Equals(p.OrderId, old.OrderId, StringComparison.Ordinal);
            }

            if (!found)
            {
                purchases = purchases.Add(old);
                purchaseAdded = true;
            }
        }

        if (purchaseAdded)
        {
            purchases = [.. purchases.OrderBy(p => p.At)];
        }

        return incoming with { Consents = consents, ContactPoints = contacts, Purchases = purchases };
    }

    /// <summary>
    /// Returns whether two customers carry the same facts, comparing collections element by element (record equality compares
    /// <see cref="ImmutableArray{T}"/> and <see cref="ImmutableDictionary{TKey, TValue}"/> members by reference). Stores use it in
    /// <see cref="ICustomerStore.UpsertCustomersAsync"/> so that re-importing unchanged customers neither counts them nor reschedules them.
    /// </summary>
    /// <param name="left">One customer.</param>
    /// <param name="right">The other customer.</param>
    /// <returns><see langword="true"/> when every fact is equal.</returns>
    public static bool HasSameFacts(Customer left, Customer right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (!string.Equals(left.Id, right.Id, StringComparison.Ordinal)
            || !string.Equals(left.TimeZoneId, right.TimeZoneId, StringComparison.Ordinal)
            || !string.Equals(left.Language, right.Language, StringComparison.Ordinal)
            || left.SignedUpAt != right.SignedUpAt
            || !SameItems(left.ContactPoints, right.ContactPoints)
            || !SameItems(left.Consents, right.Consents)
            || !SameItems(left.Subscriptions, right.Subscriptions)
            || !SameItems(left.SupportContacts, right.SupportContacts)
            || left.Purchases.IsDefaultOrEmpty != right.Purchases.IsDefaultOrEmpty
            || left.Attributes.Count != right.Attributes.Count)
        {
            return false;
        }

        if (!left.Purchases.IsDefaultOrEmpty)
        {
            var a = left.Purchases;
            var b = right.Purchases;
            if (a.Length != b.Length)
            {
                return false;
            }

            for (var i = 0; i < a.Length; i++)
            {
                if (!SamePurchase(a[i], b[i]))
                {
                    return false;
                }
            }
        }

        foreach (var pair in left.Attributes)
        {
            if (!right.Attributes.TryGetValue(pair.Key, out var value) || !string.Equals(pair.Value, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SamePurchase(Purchase a, Purchase b) =>
        ReferenceEquals(a, b)
        || (string.Equals(a.OrderId, b.OrderId, StringComparison.Ordinal) && a.At == b.At && a.Amount == b.Amount
            && string.Equals(a.Currency, b.Currency, StringComparison.Ordinal) && a.AttributedDecisionId == b.AttributedDecisionId
            && SameItems(a.Items, b.Items));

    private static bool SameItems<T>(ImmutableArray<T> a, ImmutableArray<T> b)
        where T : IEquatable<T>
    {
        var left = a.IsDefault ? [] : a;
        var right = b.IsDefault ? [] : b;
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(left[i], right[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static (Customer Customer, ImmutableArray<MessageRecord> Messages) ApplyMessageEvent(Customer customer, ImmutableArray<MessageRecord> messages, MessageEvent m)
    {
        // Providers do not always say which channel; the decision's message in the history does.
        if (m.Channel is null)
        {
            for (var i = 0; i < messages.Length; i++)
            {
                if (messages[i].DecisionId == m.DecisionId)
                {
                    m = m with { Channel = messages[i].Kind };
                    break;
                }
            }
        }

        switch (m.Kind)
        {
            case MessageEventKind.Opened when !m.IsMachineOpen:
            case MessageEventKind.Clicked:
            case MessageEventKind.Replied when !(m.Channel == ChannelKind.Sms && OptOutKeywords.IsOptOut(m.ReplyText)):
                messages = Engage(messages, m.DecisionId, m.OccurredAt);
                break;
            case MessageEventKind.Bounced when m.IsHardBounce && m.Channel is { } kind:
                customer = DisableContact(customer, kind, m.Reason ?? "hard bounce");
                messages = SetStatus(messages, m.DecisionId, MessageStatus.Failed);
                break;
            case MessageEventKind.Failed:
                messages = SetStatus(messages, m.DecisionId, MessageStatus.Failed);
                break;
            case MessageEventKind.Replied when m.Channel == ChannelKind.Sms && OptOutKeywords.IsOptOut(m.ReplyText):
                // TW-06 / TC-03: an opt-out keyword revokes marketing SMS consent, durably (not only while the event is recent).
                messages = Engage(messages, m.DecisionId, m.OccurredAt);
                customer = customer with
                {
                    Consents = customer.Consents.Add(new ConsentRecord(ChannelKind.Sms, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, m.OccurredAt)
                    {
                        Source = "sms-reply",
                        Evidence = "opt-out keyword reply",
                    }),
                };
                break;
            case MessageEventKind.Unsubscribed or MessageEventKind.Complained when m.Channel is { } kind:
                var status = m.Kind == MessageEventKind.Complained ? "spam complaint" : "unsubscribed";
                customer = customer with
                {
                    Consents = customer.Consents.Add(new ConsentRecord(kind, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, m.OccurredAt)
                    {
                        Source = "message-event",
                        Evidence = status,
                    }),
                };
                break;
        }

        return (customer, messages);
    }

    /// <summary>Returns the customer with the contact point of a kind that messages go to (the first valid one) marked invalid.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="kind">The channel kind.</param>
    /// <param name="reason">Why it was disabled.</param>
    /// <returns>The updated customer.</returns>
    public static Customer DisableContact(Customer customer, ChannelKind kind, string reason)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var points = customer.ContactPoints;
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i].Kind == kind && points[i].IsValid)
            {
                points = points.SetItem(i, points[i] with { IsValid = false, InvalidReason = reason });
                break;
            }
        }

        return customer with { ContactPoints = points };
    }

    private static ImmutableArray<MessageRecord> Engage(ImmutableArray<MessageRecord> messages, Guid decisionId, Instant at)
    {
        for (var i = 0; i < messages.Length; i++)
        {
            if (messages[i].DecisionId == decisionId && (messages[i].EngagedAt is null || messages[i].EngagedAt > at))
            {
                messages = messages.SetItem(i, messages[i] with { EngagedAt = at });
            }
        }

        return messages;
    }

    private static ImmutableArray<MessageRecord> SetStatus(ImmutableArray<MessageRecord> messages, Guid decisionId, MessageStatus status)
    {
        for (var i = 0; i < messages.Length; i++)
        {
            if (messages[i].DecisionId == decisionId)
            {
                messages = messages.SetItem(i, messages[i] with { Status = status });
            }
        }

        return messages;
    }

    private static ImmutableArray<Subscription> ReplaceSubscription(ImmutableArray<Subscription> subscriptions, Subscription subscription)
    {
        for (var i = 0; i < subscriptions.Length; i++)
        {
            if (string.Equals(subscriptions[i].Plan, subscription.Plan, StringComparison.Ordinal))
            {
                return subscriptions.SetItem(i, subscription);
            }
        }

        return subscriptions.Add(subscription);
    }
}
