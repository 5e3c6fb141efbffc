namespace MarketingAutomation;

/// <summary>
/// One possible action for a customer: a goal's content variant on one channel (with the variant's offer), or the explicit
/// "no action" (<see cref="IsNoAction"/>). Candidates are plain values held in engine buffers; creating one never allocates.
/// </summary>
public readonly struct Candidate : IEquatable<Candidate>
{
    /// <summary>Initializes a new instance of the <see cref="Candidate"/> struct.</summary>
    /// <param name="goal">The goal that proposed it.</param>
    /// <param name="variant">The content variant.</param>
    /// <param name="channel">The channel it would go out on.</param>
    /// <param name="contact">The customer's contact point on that channel.</param>
    /// <param name="followUpOf">The decision this candidate follows up, when it is a follow-up to an important message.</param>
    public Candidate(Goal goal, ContentVariant variant, IChannel channel, ContactPoint contact, Guid? followUpOf = null)
    {
        Goal = goal;
        Variant = variant;
        Channel = channel;
        Contact = contact;
        FollowUpOf = followUpOf;
        ChannelKind = channel?.Kind ?? default;
        Purpose = goal?.Purpose ?? MessagePurpose.Marketing;
    }

    /// <summary>Gets the explicit "no action" candidate.</summary>
    public static Candidate NoAction => default;

    /// <summary>Gets a value indicating whether this is the explicit "no action" candidate.</summary>
    public bool IsNoAction => Goal is null;

    /// <summary>Gets the goal (null for no action).</summary>
    public Goal Goal { get; }

    /// <summary>Gets the content variant (null for no action).</summary>
    public ContentVariant Variant { get; }

    /// <summary>Gets the channel (null for no action).</summary>
    public IChannel Channel { get; }

    /// <summary>Gets the contact point the message would go to (null for no action).</summary>
    public ContactPoint Contact { get; }

    /// <summary>Gets the decision this candidate follows up, if any.</summary>
    public Guid? FollowUpOf { get; }

    /// <summary>Gets the purpose (marketing or transactional), taken from the goal when the candidate was created.</summary>
    public MessagePurpose Purpose { get; }

    /// <summary>
    /// Gets the kind of <see cref="Channel"/>, read once when the candidate was created, so rules that test it on the hot path do not
    /// call through the channel interface.
    /// </summary>
    public ChannelKind ChannelKind { get; }

    /// <summary>Gets the offer the variant carries, if any.</summary>
    public Offer? Offer => Variant?.Offer;

    /// <inheritdoc />
    public bool Equals(Candidate other) =>
        ReferenceEquals(Goal, other.Goal) && ReferenceEquals(Variant, other.Variant) && ReferenceEquals(Channel, other.Channel)
        && ReferenceEquals(Contact, other.Contact) && FollowUpOf == other.FollowUpOf;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Candidate other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Goal, Variant, Channel, FollowUpOf);

    /// <summary>Compares two candidates for equality.</summary>
    /// <param name="left">The first candidate.</param>
    /// <param name="right">The second candidate.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(Candidate left, Candidate right) => left.Equals(right);

    /// <summary>Compares two candidates for inequality.</summary>
    /// <param name="left">The first candidate.</param>
    /// <param name="right">The second candidate.</param>
    /// <returns><see langword="true"/> when not equal.</returns>
    public static bool operator !=(Candidate left, Candidate right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        IsNoAction ? "no action" : $"{Goal.Id}/{Variant.Id} via {Channel.Name}{(FollowUpOf is null ? string.Empty : " (follow-up)")}";
}
