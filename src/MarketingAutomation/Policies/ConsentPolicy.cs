namespace MarketingAutomation;

/// <summary>
/// Consent per channel and purpose. Marketing needs a granted consent (SMS: express written consent); a revocation or objection is
/// absolute for marketing; transactional messages bypass marketing consent but never a hard opt-out from the channel.
/// The compliance packs build on this rule.
/// </summary>
public sealed class ConsentPolicy : IPolicy
{
    /// <inheritdoc />
    public string Name => RequirePurchaseForSoftOptIn ? "consent-gdpr" : "consent";

    /// <summary>
    /// Gets a value indicating whether a soft opt-in basis (ePrivacy Art. 13(2), PECR reg. 22(3), reference GD-06) is valid only for a
    /// customer who bought something: the contact details must come from a sale. Without a purchase the candidate is denied with
    /// <see cref="ComplianceReasonCodes.SoftOptInWithoutPurchase"/>. <c>UseComplianceGdpr()</c> sets it.
    /// </summary>
    /// <value>The default value is false (any soft opt-in record counts).</value>
    public bool RequirePurchaseForSoftOptIn { get; init; }

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context)
    {
        var candidate = context.Candidate;
        var kind = candidate.Channel.Kind;
        var purpose = candidate.Purpose;
        var record = context.Customer.Customer.ConsentFor(kind, purpose);
        if (record is { Status: ConsentStatus.OptedOutOfChannel })
        {
            return PolicyVerdict.Deny(ReasonCodes.OptedOut, "The customer opted out of this channel for every purpose.");
        }

        if (purpose == MessagePurpose.Transactional)
        {
            return PolicyVerdict.Allow;
        }

        if (record is null)
        {
            return PolicyVerdict.Deny(ReasonCodes.NoConsent, "No marketing consent is recorded for this channel.");
        }

        if (record.Status is ConsentStatus.Revoked or ConsentStatus.Objected)
        {
            return PolicyVerdict.Deny(ReasonCodes.OptedOut, "The customer withdrew marketing consent or objected to direct marketing.");
        }

        if (record.Basis == ConsentBasis.None)
        {
            return PolicyVerdict.Deny(ReasonCodes.NoConsent, "The consent record has no legal basis.");
        }

        if (kind == ChannelKind.Sms && record.Basis != ConsentBasis.ExpressWritten)
        {
            return PolicyVerdict.Deny(ReasonCodes.NoConsent, "Marketing SMS requires prior express written consent.");
        }

        if (record.Basis == ConsentBasis.SoftOptIn && RequirePurchaseForSoftOptIn && context.Customer.Customer.Purchases.IsDefaultOrEmpty)
        {
            return PolicyVerdict.Deny(
                ComplianceReasonCodes.SoftOptInWithoutPurchase,
                "Soft opt-in covers only existing customers whose details came from a sale; this customer has no purchase and no consent.");
        }

        return PolicyVerdict.Allow;
    }
}

/// <summary>
/// A rolling-window frequency cap: at most <see cref="MaxMessages"/> messages per <see cref="Window"/>, on one channel kind or across
/// all. Messages count from the instant they are scheduled (pending, sent or unknown). Transactional messages neither count nor are
/// capped unless <see cref="IncludeTransactional"/> is set. When the cap binds, the candidate is deferred until the oldest message in the
/// window rolls off. Several caps are AND-ed by adding several rules.
/// </summary>
public sealed class FrequencyCapPolicy : IPolicy, IValidatableRule
{
    private readonly string _reason;

    /// <summary>Initializes a new instance of the <see cref="FrequencyCapPolicy"/> class.</summary>
    /// <param name="maxMessages">The most messages in the window (0 blocks the channel; reported at startup if a goal can only use it).</param>
    /// <param name="window">The rolling window (positive).</param>
    /// <param name="channel">The channel kind capped, or null for all channels together.</param>
    public FrequencyCapPolicy(int maxMessages, Duration window, ChannelKind? channel = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessages);
        if (window <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The cap window must be positive, for example Duration.FromDays(7).");
        }

        MaxMessages = maxMessages;
        Window = window;
        Channel = channel;
        Name = $"frequency-cap:{maxMessages}/{FormatWindow(window)}{(channel is null ? string.Empty : ":" + channel.Value.ToString().ToLowerInvariant())}";
        _reason = $"At most {maxMessages} message(s) per {FormatWindow(window)}{(channel is null ? " across channels" : " on " + channel)}.";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets the most messages in the window.</summary>
    public int MaxMessages { get; }

    /// <summary>Gets the rolling window.</summary>
    public Duration Window { get; }

    /// <summary>Gets the channel kind capped, or null for all channels.</summary>
    public ChannelKind? Channel { get; }

    /// <summary>Gets a value indicating whether transactional messages count and are capped too.</summary>
    public bool IncludeTransactional { get; init; }

    /// <summary>
    /// Gets a learned per-customer tolerance. It can only tighten the cap: the cap in force is <c>min(MaxMessages, learned)</c>.
    /// </summary>
    public ICapTolerance? Tolerance { get; init; }

    /// <inheritdoc />
    public IEnumerable<string> Validate(RuleValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (MaxMessages > 0)
        {
            yield break;
        }

        foreach (var goal in context.Goals)
        {
            if (goal.Purpose == MessagePurpose.Transactional && !IncludeTransactional)
            {
                continue;
            }

            var onlyCapped = true;
            foreach (var channel in context.Channels)
            {
                if (goal.AllowsChannel(channel.Kind) && Channel is { } k && channel.Kind != k)
                {
                    onlyCapped = false;
                }
            }

            if (onlyCapped)
            {
                yield return $"Rule '{Name}' allows 0 messages, but goal '{goal.Id}' can only use channels it caps, so the goal could never send: raise the cap or let the goal use another channel.";
            }
        }
    }

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context)
    {
        if (!FrequencyCapPolicy.Caps(context.Candidate, Channel, IncludeTransactional))
        {
            return PolicyVerdict.Allow;
        }

        var since = context.Now - Window;
        var count = 0;
        var messages = context.Customer.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            if (Counts(messages[i], since))
            {
                count++;
            }
        }

        var max = MaxMessages;
        if (Tolerance?.MaxMessages(context.Customer, Window, Channel) is { } learned && learned < max)
        {
            max = Math.Max(0, learned); // learned tolerance only ever tightens
        }

        if (count < max)
        {
            return PolicyVerdict.Allow;
        }

        if (max == 0 || count == 0)
        {
            return PolicyVerdict.Deny(ReasonCodes.FrequencyCap, _reason);
        }

        // A slot frees when enough messages have rolled off: the (count - max + 1)-th oldest counted message leaves the window.
        var mustRollOff = count - max + 1;
        var until = Instant.MaxValue;
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            if (!Counts(m, since) || m.ScheduledAt >= until)
            {
                continue;
            }

            var atOrBefore = 0;
            for (var j = 0; j < messages.Length; j++)
            {
                if (Counts(messages[j], since) && messages[j].ScheduledAt <= m.ScheduledAt)
                {
                    atOrBefore++;
                }
            }

            if (atOrBefore >= mustRollOff)
            {
                until = m.ScheduledAt;
            }
        }

        return PolicyVerdict.DeferUntil(until + Window, ReasonCodes.FrequencyCap, _reason);
    }

    /// <summary>Whether a cap on <paramref name="channel"/> (null: all) applies to a candidate; transactional ones only when included.</summary>
    internal static bool Caps(in Candidate candidate, ChannelKind? channel, bool includeTransactional) =>
        (channel is not { } kind || candidate.Channel.Kind == kind) && (includeTransactional || candidate.Purpose != MessagePurpose.Transactional);

    private bool Counts(MessageRecord m, Instant since) =>
        m.ScheduledAt > since && m.CountsTowardCaps && (Channel is not { } k || m.Kind == k)
        && (IncludeTransactional || m.Purpose != MessagePurpose.Transactional);

    private static string FormatWindow(Duration window) =>
        window.BclCompatibleTicks % Duration.FromDays(1).BclCompatibleTicks == 0 ? $"{window.Days}d" : $"{(long)window.TotalHours}h";
}

/// <summary>Holds marketing while the customer has an unresolved support contact newer than <see cref="Lookback"/>: no promotions to someone with an open complaint.</summary>
public sealed class OpenSupportIssuePolicy : IPolicy
{
    /// <summary>Gets how recent an unresolved support contact must be to hold marketing.</summary>
    /// <value>The default value is 14 days.</value>
    public Duration Lookback { get; init; } = Duration.FromDays(14);

    /// <inheritdoc />
    public string Name => "open-support-issue";

    /// <inheritdoc />
    public PolicyVerdict Evaluate(in PolicyContext context)
    {
        if (context.Candidate.Purpose != MessagePurpose.Marketing)
        {
            return PolicyVerdict.Allow;
        }

        var contacts = context.Customer.Customer.SupportContacts;
        var since = context.Now - Lookback;
        var newest = Instant.MinValue;
        for (var i = 0; i < contacts.Length; i++)
        {
            if (!contacts[i].Resolved && contacts[i].At > since && contacts[i].At > newest)
            {
                newest = contacts[i].At;
            }
        }

        return newest == Instant.MinValue
            ? PolicyVerdict.Allow
            : PolicyVerdict.DeferUntil(newest + Lookback, "OpenSupportIssue", "The customer has an unresolved support contact.");
    }
}

/// <summary>Builder shortcuts for the built-in rules.</summary>
public static class PolicyBuilderExtensions
{
    /// <summary>Adds the consent rule.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddConsentPolicy(this IMarketingAutomationBuilder builder) => builder.AddPolicy(new ConsentPolicy());

    /// <summary>Adds a calendar-window cap in the customer's local time ("at most one e-mail per day": <c>AddCalendarCap(1, CalendarPeriod.Day, ChannelKind.Email)</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="maxMessages">The most messages per period.</param>
    /// <param name="period">The period.</param>
    /// <param name="channel">The channel kind capped, or null for all channels together.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddCalendarCap(this IMarketingAutomationBuilder builder, int maxMessages, CalendarPeriod period, ChannelKind? channel = null) =>
        builder.AddPolicy(new CalendarCapPolicy(maxMessages, period, channel));

    /// <summary>Adds a rolling-window frequency cap ("never more than twice a week": <c>AddFrequencyCap(2, Duration.FromDays(7))</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="maxMessages">The most messages in the window.</param>
    /// <param name="window">The window.</param>
    /// <param name="channel">The channel kind capped, or null for all channels together.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddFrequencyCap(this IMarketingAutomationBuilder builder, int maxMessages, Duration window, ChannelKind? channel = null) =>
        builder.AddPolicy(new FrequencyCapPolicy(maxMessages, window, channel));
}
