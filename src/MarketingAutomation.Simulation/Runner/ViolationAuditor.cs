using System.Globalization;

namespace MarketingAutomation.Simulation;

/// <summary>Which lab rule a sent message broke.</summary>
public enum ViolationKind
{
    /// <summary>No marketing consent was in force at send time (never given, revoked by an unsubscribe, STOP or complaint, objected, or SMS without express written consent).</summary>
    NoConsent = 0,

    /// <summary>Sent outside the sending window in the recipient's local time.</summary>
    QuietHours = 1,

    /// <summary>More marketing messages in a rolling window than a cap allows.</summary>
    FrequencyCap = 2,

    /// <summary>The recipient's time zone is unknown, so quiet hours cannot be proven.</summary>
    UnknownTimeZone = 3,

    /// <summary>The message went to a customer the auditor does not know.</summary>
    UnknownCustomer = 4,
}

/// <summary>One rule broken by one sent message.</summary>
/// <param name="Kind">The rule.</param>
/// <param name="Message">The message.</param>
/// <param name="Reason">What exactly was wrong (no personal data).</param>
public sealed record RuleViolation(ViolationKind Kind, SentMessage Message, string Reason);

/// <summary>
/// Re-checks every message the world saw sent against <see cref="LabRules"/>, independently of the engine's rules: its own reading of the
/// consent ledger (the customer's imported records plus every revocation the world reported: unsubscribes, complaints, SMS opt-out
/// replies, consent events), the recipient's local time (else every zone of their phone numbers), and its own count of marketing
/// messages per rolling window (a message that hard-bounced before the next send never reached the customer and does not count). A strategy's violations must
/// be 0; the auditor is tested to catch forged violations, so a 0 means something.
/// </summary>
/// <remarks>Feed it the same events the agent ingests (<see cref="Observe"/>), then <see cref="Audit"/> the world's sent messages.</remarks>
public sealed class ViolationAuditor
{
    private readonly Func<string, Customer?> _customers;
    private readonly IReadOnlyDictionary<ChannelKind, Duration>? _queueDelays;
    private readonly Dictionary<string, List<ConsentRecord>> _revocations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DateTimeZone>> _phoneZones = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Instant> _failedAt = [];

    /// <summary>Initializes a new instance of the <see cref="ViolationAuditor"/> class.</summary>
    /// <param name="rules">The rules to check.</param>
    /// <param name="customers">Finds a customer's imported facts (consent ledger, time zone) by id.</param>
    /// <param name="queueDelays">
    /// Per channel kind, how long the provider may hold a message (<see cref="ChannelCapabilities.MaxProviderQueueDelay"/>): the whole
    /// delivery interval must lie inside the sending window. Null: only the send instant is checked.
    /// </param>
    public ViolationAuditor(LabRules rules, Func<string, Customer?> customers, IReadOnlyDictionary<ChannelKind, Duration>? queueDelays = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(customers);
        Rules = rules;
        _customers = customers;
        _queueDelays = queueDelays;
    }

    /// <summary>Gets the rules checked.</summary>
    public LabRules Rules { get; }

    /// <summary>Records the consent changes among events (call with every batch the agent ingests).</summary>
    /// <param name="events">The events.</param>
    public void Observe(IReadOnlyList<CustomerEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        for (var i = 0; i < events.Count; i++)
        {
            switch (events[i])
            {
                case ConsentEvent c:
                    Add(c.CustomerId, c.Consent);
                    break;
                case MessageEvent { Kind: MessageEventKind.Unsubscribed or MessageEventKind.Complained, Channel: { } kind } m:
                    Add(m.CustomerId, new ConsentRecord(kind, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, m.OccurredAt));
                    break;
                case MessageEvent { Kind: MessageEventKind.Replied, Channel: ChannelKind.Sms } m when OptOutKeywords.IsOptOut(m.ReplyText):
                    Add(m.CustomerId, new ConsentRecord(ChannelKind.Sms, MessagePurpose.Marketing, ConsentStatus.Revoked, ConsentBasis.None, m.OccurredAt));
                    break;
                case MessageEvent { Kind: MessageEventKind.Bounced, IsHardBounce: true } or MessageEvent { Kind: MessageEventKind.Failed }:
                    var failed = (MessageEvent)events[i];
                    _failedAt.TryAdd(failed.DecisionId, failed.OccurredAt);
                    break;
            }
        }
    }

    /// <summary>Checks every message the channels accepted against the rules (refused sends reached nobody).</summary>
    /// <param name="sent">The messages, in any order.</param>
    /// <returns>Every violation (a message breaking two rules appears twice), ordered by send instant.</returns>
    public IReadOnlyList<RuleViolation> Audit(IReadOnlyList<SentMessage> sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var byCustomer = new Dictionary<string, List<SentMessage>>(StringComparer.Ordinal);
        for (var i = 0; i < sent.Count; i++)
        {
            var m = sent[i];
            if (!m.Accepted)
            {
                continue; // the channel refused it (no usable address): nothing reached the customer
            }

            if (!byCustomer.TryGetValue(m.CustomerId, out var list))
            {
                byCustomer[m.CustomerId] = list = [];
            }

            list.Add(m);
        }

        var violations = new List<RuleViolation>();
        foreach (var (customerId, messages) in byCustomer)
        {
            messages.Sort(static (a, b) => a.At.CompareTo(b.At));
            var customer = _customers(customerId);
            if (customer is null)
            {
                foreach (var m in messages)
                {
                    violations.Add(new RuleViolation(ViolationKind.UnknownCustomer, m, "The message went to a customer the world does not know."));
                }

                continue;
            }

            _revocations.TryGetValue(customerId, out var revocations);
            for (var i = 0; i < messages.Count; i++)
            {
                var m = messages[i];
                CheckConsent(customer, revocations, m, violations);
                if (m.Purpose != MessagePurpose.Marketing)
                {
                    continue;
                }

                CheckQuietHours(customer, m, violations);
                CheckCaps(messages, i, violations);
            }
        }

        violations.Sort(static (a, b) => a.Message.At.CompareTo(b.Message.At));
        return violations;
    }

    private static void CheckConsent(Customer customer, List<ConsentRecord>? revocations, SentMessage m, List<RuleViolation> violations)
    {
        ConsentRecord? inForce = null;
        Newest(customer.Consents.AsSpan(), m, ref inForce);
        if (revocations is not null)
        {
            Newest(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(revocations), m, ref inForce);
        }

        string? problem = inForce switch
        {
            { Status: ConsentStatus.OptedOutOfChannel } => "the customer had opted out of the channel",
            _ when m.Purpose == MessagePurpose.Transactional => null,
            null => "no marketing consent was recorded for the channel",
            { Status: ConsentStatus.Revoked } => "marketing consent had been revoked",
            { Status: ConsentStatus.Objected } => "the customer had objected to direct marketing",
            { Basis: ConsentBasis.None } => "the consent record has no legal basis",
            { Basis: not ConsentBasis.ExpressWritten } when m.Kind == ChannelKind.Sms => "marketing SMS needs express written consent",
            _ => null,
        };
        if (problem is not null)
        {
            violations.Add(new RuleViolation(ViolationKind.NoConsent, m, $"{m.Kind} {m.Purpose} message at {m.At}: {problem}."));
        }
    }

    private static void Newest(ReadOnlySpan<ConsentRecord> records, SentMessage m, ref ConsentRecord? found)
    {
        for (var i = 0; i < records.Length; i++)
        {
            var c = records[i];
            if (c.RecordedAt > m.At)
            {
                continue;
            }

            var applies = (c.Channel == m.Kind && (c.Purpose == m.Purpose || c.Status == ConsentStatus.OptedOutOfChannel))
                || (c.Status == ConsentStatus.Objected && m.Purpose == MessagePurpose.Marketing);
            if (applies && (found is null || c.RecordedAt >= found.RecordedAt))
            {
                found = c;
            }
        }
    }

    private void CheckQuietHours(Customer customer, SentMessage m, List<RuleViolation> violations)
    {
        // The customer's zone; else every zone their phone numbers may be in (the message must fit in all of them).
        List<DateTimeZone> zones = customer.TimeZone is { } known ? [known] : PhoneZones(customer);
        if (zones.Count == 0)
        {
            violations.Add(new RuleViolation(ViolationKind.UnknownTimeZone, m, $"{m.Kind} message at {m.At}: the recipient's time zone is unknown."));
            return;
        }

        var delay = _queueDelays is not null && _queueDelays.TryGetValue(m.Kind, out var d) && d > Duration.Zero ? d : Duration.Zero;
        foreach (var zone in zones)
        {
            var local = m.At.InZone(zone).TimeOfDay;
            var delivered = (m.At + delay).InZone(zone).TimeOfDay;

            // The delivery interval [At, At + delay] must fit: its last instant before the window's end is what counts.
            var last = delay > Duration.Zero ? (m.At + delay - Duration.FromTicks(1)).InZone(zone).TimeOfDay : local;
            if (!Rules.IsSendingTime(local) || !Rules.IsSendingTime(last))
            {
                violations.Add(new RuleViolation(
                    ViolationKind.QuietHours,
                    m,
                    string.Create(CultureInfo.InvariantCulture, $"{m.Kind} message at {local:HH:mm} local ({zone.Id}; may be delivered until {delivered:HH:mm}), outside {Rules.SendFrom:HH:mm}-{Rules.SendUntil:HH:mm}.")));
                return;
            }
        }
    }

    private List<DateTimeZone> PhoneZones(Customer customer)
    {
        var zones = new List<DateTimeZone>();
        foreach (var contact in customer.ContactPoints)
        {
            if (contact.Kind != ChannelKind.Sms || !contact.IsValid)
            {
                continue;
            }

            if (!_phoneZones.TryGetValue(contact.Address, out var found))
            {
                found = [];
                try
                {
                    var number = PhoneNumbers.PhoneNumberUtil.GetInstance().Parse(contact.Address, null);
                    foreach (var id in PhoneNumbers.PhoneNumberToTimeZonesMapper.GetInstance().GetTimeZonesForNumber(number))
                    {
                        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } zone)
                        {
                            found.Add(zone);
                        }
                    }
                }
                catch (PhoneNumbers.NumberParseException)
                {
                    // Not a phone number: it places the recipient nowhere.
                }

                _phoneZones[contact.Address] = found;
            }

            zones.AddRange(found);
        }

        return zones;
    }

    private void CheckCaps(List<SentMessage> messages, int index, List<RuleViolation> violations)
    {
        var m = messages[index];
        foreach (var cap in Rules.Caps)
        {
            if (cap.Channel is { } capped && capped != m.Kind)
            {
                continue;
            }

            // Messages in (At - Window, At], this one included; the list is sorted by instant. A message that had hard-bounced (or
            // failed) before this one was sent never reached the customer and does not count.
            var since = m.At - cap.Window;
            var count = 0;
            for (var j = index; j >= 0 && messages[j].At > since; j--)
            {
                count += Counts(messages[j], m, cap) ? 1 : 0;
            }

            for (var j = index + 1; j < messages.Count && messages[j].At == m.At; j++)
            {
                count += Counts(messages[j], m, cap) ? 1 : 0;
            }

            if (count > cap.MaxMessages)
            {
                violations.Add(new RuleViolation(
                    ViolationKind.FrequencyCap,
                    m,
                    string.Create(CultureInfo.InvariantCulture, $"{m.Kind} message at {m.At}: {count} marketing messages within {cap.Window} (cap {cap.MaxMessages}{(cap.Channel is null ? " across channels" : " on " + cap.Channel)}).")));
            }
        }
    }

    private bool Counts(SentMessage other, SentMessage m, LabCap cap) =>
        other.Purpose == MessagePurpose.Marketing
        && (cap.Channel is null || other.Kind == cap.Channel)
        && (ReferenceEquals(other, m) || !_failedAt.TryGetValue(other.DecisionId, out var failedAt) || failedAt > m.At);

    private void Add(string customerId, ConsentRecord record)
    {
        if (!_revocations.TryGetValue(customerId, out var list))
        {
            _revocations[customerId] = list = [];
        }

        list.Add(record);
    }
}
