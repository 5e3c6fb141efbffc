namespace MarketingAutomation.Testing;

/// <summary>One call to <see cref="RecordingChannel.SendAsync"/>, as recorded in the ledger.</summary>
/// <param name="Message">The message passed to the channel. Personal data (recipient, body): for assertions, never for logs.</param>
/// <param name="Attempt">The attempt number for this <see cref="OutboundMessage.MessageId"/> on this channel, from 1.</param>
/// <param name="Result">What the channel answered (for a behaviour that threw: <see cref="SendStatus.Unknown"/>, see <see cref="Exception"/>).</param>
/// <param name="At">When the call was made, by the channel's clock.</param>
public sealed record RecordedSend(OutboundMessage Message, int Attempt, SendResult Result, Instant At)
{
    /// <summary>Gets the exception the scripted behaviour threw (and the channel rethrew), if it threw.</summary>
    public Exception? Exception { get; init; }

    /// <summary>Gets the message id.</summary>
    public string MessageId => Message.MessageId;
}

/// <summary>
/// A channel that sends nothing: it records every <see cref="SendAsync"/> call in a thread-safe ledger and answers
/// <see cref="SendStatus.Accepted"/> with provider ids <c>rec-1</c>, <c>rec-2</c>... unless a scripted behaviour says otherwise.
/// Use it to test pipelines and dispatchers, and to check "no message was sent twice" with <see cref="DuplicateAcceptedMessageIds"/>.
/// </summary>
/// <remarks>
/// A message whose body is longer than <see cref="ChannelCapabilities.MaxBodyLength"/> is rejected (not permanently) before the
/// behaviour runs, as a real provider would. A call with an already cancelled token throws <see cref="OperationCanceledException"/>
/// and is not recorded.
/// </remarks>
public sealed class RecordingChannel : IChannel
{
    private static readonly ChannelMetadata Metadata = new("recording");

    private readonly Lock _gate = new();
    private readonly List<RecordedSend> _sends = [];
    private readonly Dictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly IClock _clock;
    private long _providerIds;
    private int _lookups;

    /// <summary>Initializes a new instance of the <see cref="RecordingChannel"/> class.</summary>
    /// <param name="name">The channel's registration name.</param>
    /// <param name="kind">The channel kind.</param>
    /// <param name="clock">The clock that stamps recorded sends; the system clock when null (pass a <c>FakeClock</c> in tests).</param>
    public RecordingChannel(string name = "recording", ChannelKind kind = ChannelKind.Email, IClock? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Kind = kind;
        _clock = clock ?? SystemClock.Instance;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ChannelKind Kind { get; }

    /// <inheritdoc />
    /// <value>The default value is <see cref="ChannelCapabilities.Default"/>.</value>
    public ChannelCapabilities Capabilities
    {
        get;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = ChannelCapabilities.Default;

    /// <summary>
    /// Gets or sets a scripted answer: given the message and the attempt number for its id (from 1), return the result, or throw to
    /// simulate a channel that throws. When null, every message is accepted.
    /// </summary>
    /// <example><c>channel.Behavior = (m, attempt) => attempt == 1 ? SendResult.Transient("throttled") : SendResult.Accepted("p-" + m.MessageId);</c></example>
    public Func<OutboundMessage, int, SendResult>? Behavior { get; set; }

    /// <summary>
    /// Gets or sets an asynchronous scripted answer, for latency and timeouts: given the message, the attempt number and the
    /// cancellation token. Takes precedence over <see cref="Behavior"/>.
    /// </summary>
    public Func<OutboundMessage, int, CancellationToken, ValueTask<SendResult>>? AsyncBehavior { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the channel offers an <see cref="IMessageLookup"/> (through <see cref="GetService"/>) that
    /// answers from the ledger: found when a call for the message id was accepted, not found otherwise. Lookups are counted in
    /// <see cref="Lookups"/>, not recorded as sends. Off by default: a provider without a lookup.
    /// </summary>
    public bool SupportsLookup { get; set; }

    /// <summary>Gets how many lookups were made through the channel's <see cref="IMessageLookup"/>.</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    /// <summary>Gets a snapshot of every recorded call, in call order.</summary>
    public IReadOnlyList<RecordedSend> Sends
    {
        get
        {
            lock (_gate)
            {
                return _sends.ToArray();
            }
        }
    }

    /// <summary>Gets how many distinct message ids were passed to the channel.</summary>
    public int DistinctMessages
    {
        get
        {
            lock (_gate)
            {
                return _attempts.Count;
            }
        }
    }

    /// <summary>Gets the recorded calls that the channel accepted.</summary>
    public IReadOnlyList<RecordedSend> Accepted
    {
        get
        {
            lock (_gate)
            {
                return _sends.FindAll(static s => s.Result.Status == SendStatus.Accepted);
            }
        }
    }

    /// <summary>Returns the message ids the channel accepted more than once: a correct dispatcher leaves this empty.</summary>
    /// <returns>The ids, in the order of their second acceptance.</returns>
    public IReadOnlyList<string> DuplicateAcceptedMessageIds()
    {
        lock (_gate)
        {
            var accepted = new HashSet<string>(StringComparer.Ordinal);
            var duplicates = new List<string>();
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var send in _sends)
            {
                if (send.Result.Status == SendStatus.Accepted && !accepted.Add(send.MessageId) && reported.Add(send.MessageId))
                {
                    duplicates.Add(send.MessageId);
                }
            }

            return duplicates;
        }
    }

    /// <summary>Returns the recorded calls for one message id, in call order.</summary>
    /// <param name="messageId">The message id.</param>
    /// <returns>The calls.</returns>
    public IReadOnlyList<RecordedSend> SendsFor(string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        lock (_gate)
        {
            return _sends.FindAll(s => string.Equals(s.MessageId, messageId, StringComparison.Ordinal));
        }
    }

    /// <summary>Forgets every recorded call and attempt count (provider ids keep counting up).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _sends.Clear();
            _attempts.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        int attempt;
        lock (_gate)
        {
            attempt = _attempts.GetValueOrDefault(message.MessageId) + 1;
            _attempts[message.MessageId] = attempt;
        }

        var at = _clock.GetCurrentInstant();
        SendResult result;
        if (Capabilities.MaxBodyLength is { } max && message.Body.Length > max)
        {
            result = SendResult.Rejected(permanent: false, $"The body has {message.Body.Length} characters; the channel accepts at most {max}.");
        }
        else
        {
            try
            {
                result = AsyncBehavior is { } asyncBehavior
                    ? await asyncBehavior(message, attempt, cancellationToken).ConfigureAwait(false)
                    : Behavior is { } behavior
                        ? behavior(message, attempt)
                        : SendResult.Accepted(NextProviderId());
            }
            catch (Exception ex)
            {
                Record(new RecordedSend(message, attempt, SendResult.Unknown($"The scripted behaviour threw {ex.GetType().Name}."), at) { Exception = ex });
                throw;
            }
        }

        Record(new RecordedSend(message, attempt, result, at));
        return result;
    }

    /// <summary>Returns a new provider message id, <c>rec-1</c>, <c>rec-2</c>..., for scripted behaviours that accept.</summary>
    /// <returns>The id.</returns>
    public string NextProviderId() => "rec-" + Interlocked.Increment(ref _providerIds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChannelMetadata))
        {
            return Metadata;
        }

        if (serviceType == typeof(IMessageLookup))
        {
            return SupportsLookup ? new LedgerLookup(this) : null;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    private MessageLookupResult Lookup(OutboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Interlocked.Increment(ref _lookups);
        lock (_gate)
        {
            foreach (var send in _sends)
            {
                if (send.Result.Status == SendStatus.Accepted && string.Equals(send.MessageId, message.MessageId, StringComparison.Ordinal))
                {
                    return MessageLookupResult.Found(send.Result.ProviderMessageId ?? string.Empty);
                }
            }
        }

        return MessageLookupResult.NotFound();
    }

    private void Record(RecordedSend send)
    {
        lock (_gate)
        {
            _sends.Add(send);
        }
    }

    /// <summary>The lookup offered when <see cref="SupportsLookup"/> is on: answers from the ledger.</summary>
    private sealed class LedgerLookup(RecordingChannel channel) : IMessageLookup
    {
        public ValueTask<MessageLookupResult> LookupAsync(OutboundMessage message, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(channel.Lookup(message));
        }
    }
}
