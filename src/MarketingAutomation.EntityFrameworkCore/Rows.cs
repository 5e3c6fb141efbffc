namespace MarketingAutomation.EntityFrameworkCore;

/// <summary>A customer: the indexed schedule and version, and the rest as JSON documents.</summary>
internal sealed class CustomerRow
{
    public required string Id { get; set; }

    public long NextEvaluationAtTicks { get; set; }

    public long Version { get; set; }

    public required string FactsJson { get; set; }

    public required string MessagesJson { get; set; }

    public required string RecentEventsJson { get; set; }

    public byte[] LearnedState { get; set; } = [];
}

/// <summary>An event id already applied (the inbox).</summary>
internal sealed class EventIdRow
{
    public required string EventId { get; set; }

    public required string CustomerId { get; set; }

    /// <summary>Gets or sets the SHA-256 of the event's canonical form (<see cref="EventContentHash"/>); null for ids stored before hashes.</summary>
    public string? ContentHash { get; set; }
}

/// <summary>An outbox row: the dispatch state in columns, the message as JSON.</summary>
internal sealed class OutboxRow
{
    public required string MessageId { get; set; }

    public required string CustomerId { get; set; }

    public int Status { get; set; }

    public long DueAtTicks { get; set; }

    public int Attempts { get; set; }

    public string? LeaseOwner { get; set; }

    public long? LeaseUntilTicks { get; set; }

    public string? ProviderMessageId { get; set; }

    public string? LastError { get; set; }

    public long Version { get; set; }

    public required string MessageJson { get; set; }
}

/// <summary>A decision trace.</summary>
internal sealed class TraceRow
{
    public Guid DecisionId { get; set; }

    public required string CustomerId { get; set; }

    public long AtTicks { get; set; }

    /// <summary>Gets or sets the order in which traces were stored (newer is larger), to order traces of equal instants.</summary>
    public long Sequence { get; set; }

    public required string Json { get; set; }
}

/// <summary>A review, pending or resolved (kept so that re-committing the decision does not hold it again).</summary>
internal sealed class ReviewRow
{
    public required string ReviewId { get; set; }

    public required string CustomerId { get; set; }

    public long CreatedAtTicks { get; set; }

    public bool Resolved { get; set; }

    public required string Json { get; set; }
}

/// <summary>A durable suppression entry: the keyed hash of a normalised address (never the address), why and since when (GD-03).</summary>
internal sealed class SuppressionRow
{
    public int Kind { get; set; }

    /// <summary>Gets or sets the keyed hash as 64 lower-case hex characters.</summary>
    public required string Hash { get; set; }

    public required string ReasonCode { get; set; }

    public long AtTicks { get; set; }
}

/// <summary>A learned model snapshot, keyed by name.</summary>
internal sealed class ModelStateRow
{
    public required string Name { get; set; }

    public long Version { get; set; }

    public long SavedAtTicks { get; set; }

    public byte[] Data { get; set; } = [];
}
