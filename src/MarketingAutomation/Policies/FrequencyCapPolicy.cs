namespace MarketingAutomation;

/// <summary>
/// A rolling-window frequency cap: at most <see cref="MaxMessages"/> messages per <see cref="Window"/>, on one channel kind or across
/// all. Messages count from the instant they are scheduled (pending, sent or unknown). Transactional messages neither count nor are
/// capped unless <see cref="IncludeTransactional"/> is set. When the cap binds, the candidate is deferred until the oldest message in the
/// window rolls off. Several caps are AND-ed by adding several rules.
/// </summary>
public sealed class FrequencyCapPolicy : IPolicy, IValidatableRule
{
    private readonly string _reason;

    /// <summary>Bit k set when messages of <see cref="ChannelKind"/> k count toward this cap.</summary>
    private readonly uint _kindMask;

    /// <summary>Bit p set when messages of <see cref="MessagePurpose"/> p count toward this cap.</summary>
    private readonly uint _purposeMask = 1u << (int)MessagePurpose.Marketing;

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
        _kindMask = channel is { } capped ? 1u << (int)capped : uint.MaxValue;
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
    public bool IncludeTransactional
    {
        get;
        init
        {
            field = value;
            _purposeMask = value ? uint.MaxValue : 1u << (int)MessagePurpose.Marketing;
        }
    }

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

        // The filters are bit masks, so a random history costs few mispredicted branches per message.
        var since = context.Now - Window;
        var kindMask = _kindMask;
        var purposeMask = _purposeMask;
        var count = 0;
        var oldest = Instant.MaxValue;
        var messages = context.Customer.Messages.AsSpan();
        for (var i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            var at = m.ScheduledAt;
            var filters = (CountingStatuses >> (int)m.Status) & (kindMask >> (int)m.Kind) & (purposeMask >> (int)m.Purpose) & 1u;
            if (filters != 0 & at > since)
            {
                count++;
                oldest = at < oldest ? at : oldest;
            }
        }

        return Conclude(in context, count, oldest);
    }

    /// <summary>Bit i set: messages in <see cref="MessageStatus"/> i count (see <see cref="MessageRecord.CountsTowardCaps"/>).</summary>
    private const uint CountingStatuses =
        (1u << (int)MessageStatus.Pending) | (1u << (int)MessageStatus.Sent) | (1u << (int)MessageStatus.Unknown) | (1u << (int)MessageStatus.HeldForReview);


    /// <summary>The verdict once the counted messages in the window are known (<paramref name="count"/> of them, the oldest at <paramref name="oldest"/>).</summary>
    private PolicyVerdict Conclude(in PolicyContext context, int count, Instant oldest)
    {
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
        if (mustRollOff == 1)
        {
            // The oldest counted message rolls off first.
            return PolicyVerdict.DeferUntil(oldest + Window, ReasonCodes.FrequencyCap, _reason);
        }

        var since = context.Now - Window;
        var messages = context.Customer.Messages.AsSpan();
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
        (channel is not { } kind || candidate.ChannelKind == kind) && (includeTransactional || candidate.Purpose != MessagePurpose.Transactional);

    private bool Counts(MessageRecord m, Instant since) =>
        m.ScheduledAt > since && m.CountsTowardCaps && (!Channel.HasValue || m.Kind == Channel.GetValueOrDefault())
        && (IncludeTransactional || m.Purpose != MessagePurpose.Transactional);

    private static string FormatWindow(Duration window) =>
        window.BclCompatibleTicks % Duration.FromDays(1).BclCompatibleTicks == 0 ? $"{window.Days}d" : $"{(long)window.TotalHours}h";
}
