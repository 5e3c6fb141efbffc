namespace MarketingAutomation;

/// <summary>
/// A business goal (welcome, win-back, cross-sell...). A goal looks at one customer's facts and proposes content variants;
/// the engine turns each proposal into candidates (one per permitted channel) that the rules then judge.
/// </summary>
/// <remarks>
/// <see cref="Propose"/> runs on the hot path for every due customer: it must not allocate, do I/O or use LINQ.
/// A goal that does not trigger should tell the sink when it next could (<see cref="CandidateSink.WakeAt"/>), so the customer is not
/// evaluated again before then.
/// </remarks>
public abstract class Goal
{
    /// <summary>Initializes a new instance of the <see cref="Goal"/> class.</summary>
    /// <param name="id">A stable goal id (appears in traces, telemetry tags and message history).</param>
    protected Goal(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
    }

    /// <summary>Gets the stable goal id.</summary>
    public string Id { get; }

    /// <summary>Gets the priority: when several goals compete for one slot, the higher priority wins before value is compared.</summary>
    /// <value>The default value is 50.</value>
    public int Priority { get; init; } = 50;

    /// <summary>Gets the expected value of a successful message for this goal, in currency units.</summary>
    /// <value>The default value is 1.</value>
    public double Value { get; init; } = 1.0;

    /// <summary>Gets the purpose of this goal's messages.</summary>
    /// <value>The default value is <see cref="MessagePurpose.Marketing"/>.</value>
    public MessagePurpose Purpose { get; init; } = MessagePurpose.Marketing;

    /// <summary>Gets a value indicating whether every message of this goal waits for human review.</summary>
    public bool RequiresReview { get; init; }

    /// <summary>Gets a value indicating whether the goal's messages are important: without engagement inside <see cref="FollowUpAfter"/>, a follow-up goes out on the next permitted channel.</summary>
    public bool Important { get; init; }

    /// <summary>Gets how long to wait for engagement before following up an important message.</summary>
    /// <value>The default value is 2 days.</value>
    public Duration FollowUpAfter { get; init; } = Duration.FromDays(2);

    /// <summary>Gets the channel kinds the goal may use, in order of preference. Empty means every registered channel.</summary>
    public ImmutableArray<ChannelKind> Channels { get; init; } = [];

    /// <summary>Gets the content variants the goal can send.</summary>
    public ImmutableArray<ContentVariant> Variants { get; init; } = [];

    /// <summary>Proposes content for one customer at one instant. Must not allocate, block or throw for ordinary data.</summary>
    /// <param name="customer">The customer with recent history.</param>
    /// <param name="now">The evaluation instant.</param>
    /// <param name="sink">Where proposals (and the next interesting instant) go.</param>
    public abstract void Propose(CustomerContext customer, Instant now, CandidateSink sink);

    /// <summary>Checks the goal's configuration. Called once when the pipeline is built; problems are reported together.</summary>
    /// <returns>Human-readable problems, each naming the property to fix; empty when the goal is valid.</returns>
    public virtual IEnumerable<string> Validate()
    {
        if (Variants.IsDefaultOrEmpty)
        {
            yield return $"Goal '{Id}' has no content variants; set Variants.";
        }

        if (!double.IsFinite(Value) || Value < 0)
        {
            yield return $"Goal '{Id}' has Value {Value}; it must be a finite number >= 0.";
        }

        if (Important && FollowUpAfter <= Duration.Zero)
        {
            yield return $"Goal '{Id}' is Important but FollowUpAfter is {FollowUpAfter}; it must be positive.";
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variant in Variants.IsDefault ? [] : Variants)
        {
            if (variant is null)
            {
                yield return $"Goal '{Id}' has a null variant; remove it from Variants.";
            }
            else if (!ids.Add(variant.Id))
            {
                yield return $"Goal '{Id}' has two variants with the id '{variant.Id}'; variant ids must be unique within a goal.";
            }
        }
    }

    /// <summary>Returns whether the goal may use a channel kind.</summary>
    /// <param name="kind">The channel kind.</param>
    /// <returns><see langword="true"/> when <see cref="Channels"/> is empty or contains <paramref name="kind"/>.</returns>
    public bool AllowsChannel(ChannelKind kind)
    {
        var channels = Channels;
        if (channels.IsDefaultOrEmpty)
        {
            return true;
        }

        for (var i = 0; i < channels.Length; i++)
        {
            if (channels[i] == kind)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>Receives a goal's proposals for one customer. Supplied by the engine and reused across customers.</summary>
public abstract class CandidateSink
{
    /// <summary>Proposes a content variant; the engine crosses it with every channel the goal, variant and customer allow.</summary>
    /// <param name="variant">One of the goal's variants.</param>
    public abstract void Propose(ContentVariant variant);

    /// <summary>Tells the engine the earliest instant the goal might propose something for this customer, so the customer is not re-evaluated before.</summary>
    /// <param name="instant">The instant; ignored if later than an instant already given.</param>
    public abstract void WakeAt(Instant instant);
}
