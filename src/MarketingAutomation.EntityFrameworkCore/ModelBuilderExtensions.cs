using Microsoft.EntityFrameworkCore;

namespace MarketingAutomation.EntityFrameworkCore;

/// <summary>Adds the MarketingAutomation store's tables to an EF Core model.</summary>
public static class ModelBuilderExtensions
{
    /// <summary>
    /// Adds the store's tables: <c>customers</c> (keyset index on next evaluation and id), <c>event_ids</c> (the inbox: event id, content
    /// hash, customer), <c>outbox</c> (indexes on status, due instant and id, on status, lease end and id, and on customer), <c>traces</c>
    /// (index on customer and instant), <c>reviews</c> (indexes on resolved and creation instant, and on customer), <c>suppressions</c>
    /// (keyed hashes of erased or objecting people's addresses, key (kind, hash)) and <c>model_states</c> (learned model snapshots by
    /// name, with version and saved-at). Instants are stored as Unix ticks.
    /// </summary>
    /// <param name="modelBuilder">The model builder.</param>
    /// <param name="idCollation">
    /// The collation of the id columns, which must order ids ordinally (binary): null for the provider's default (binary on SQLite),
    /// <c>"C"</c> on PostgreSQL, whose default collation follows the database's locale. <see cref="MarketingAutomationDbContext"/>
    /// passes <c>"C"</c> on Npgsql.
    /// </param>
    /// <returns>The model builder.</returns>
    public static ModelBuilder ApplyMarketingAutomationModel(this ModelBuilder modelBuilder, string? idCollation = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<CustomerRow>(e =>
        {
            e.ToTable("customers");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(256).UseCollation(idCollation);
            e.Property(x => x.NextEvaluationAtTicks).HasColumnName("next_evaluation_at");
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
            e.Property(x => x.FactsJson).HasColumnName("facts");
            e.Property(x => x.MessagesJson).HasColumnName("messages");
            e.Property(x => x.RecentEventsJson).HasColumnName("recent_events");
            e.Property(x => x.LearnedState).HasColumnName("learned_state");
            e.HasIndex(x => new { x.NextEvaluationAtTicks, x.Id }).HasDatabaseName("ix_customers_due");
        });

        modelBuilder.Entity<EventIdRow>(e =>
        {
            e.ToTable("event_ids");
            e.HasKey(x => x.EventId);
            e.Property(x => x.EventId).HasColumnName("event_id").HasMaxLength(256).UseCollation(idCollation);
            e.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(256).UseCollation(idCollation);
            e.Property(x => x.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
            e.HasIndex(x => x.CustomerId).HasDatabaseName("ix_event_ids_customer");
        });

        modelBuilder.Entity<OutboxRow>(e =>
        {
            e.ToTable("outbox");
            e.HasKey(x => x.MessageId);
            e.Property(x => x.MessageId).HasColumnName("message_id").HasMaxLength(256).UseCollation(idCollation);
            e.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(256).UseCollation(idCollation);
            e.Property(x => x.Status).HasColumnName("status");
            e.Property(x => x.DueAtTicks).HasColumnName("due_at");
            e.Property(x => x.Attempts).HasColumnName("attempts");
            e.Property(x => x.LeaseOwner).HasColumnName("lease_owner").HasMaxLength(256).UseCollation(idCollation);
            e.Property(x => x.LeaseUntilTicks).HasColumnName("lease_until");
            e.Property(x => x.ProviderMessageId).HasColumnName("provider_message_id");
            e.Property(x => x.LastError).HasColumnName("last_error");
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
            e.Property(x => x.MessageJson).HasColumnName("message");
            e.HasIndex(x => new { x.Status, x.DueAtTicks, x.MessageId }).HasDatabaseName("ix_outbox_status_due");
            e.HasIndex(x => new { x.Status, x.LeaseUntilTicks, x.MessageId }).HasDatabaseName("ix_outbox_status_lease");
            e.HasIndex(x => x.CustomerId).HasDatabaseName("ix_outbox_customer");
        });

        modelBuilder.Entity<TraceRow>(e =>
        {
            e.ToTable("traces");
            e.HasKey(x => x.DecisionId);
            e.Property(x => x.DecisionId).HasColumnName("decision_id");
            e.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(256).UseCollation(idCollation);
            e.Property(x => x.AtTicks).HasColumnName("at");
            e.Property(x => x.Sequence).HasColumnName("sequence");
            e.Property(x => x.Json).HasColumnName("trace");
            e.HasIndex(x => new { x.CustomerId, x.AtTicks, x.Sequence }).HasDatabaseName("ix_traces_customer_at");
            e.HasIndex(x => x.Sequence).HasDatabaseName("ix_traces_sequence");
        });

        modelBuilder.Entity<ReviewRow>(e =>
        {
            e.ToTable("reviews");
            e.HasKey(x => x.ReviewId);
            e.Property(x => x.ReviewId).HasColumnName("review_id").HasMaxLength(256).UseCollation(idCollation);
            e.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(256).UseCollation(idCollation);
            e.Property(x => x.CreatedAtTicks).HasColumnName("created_at");
            e.Property(x => x.Resolved).HasColumnName("resolved");
            e.Property(x => x.Json).HasColumnName("review");
            e.HasIndex(x => new { x.Resolved, x.CreatedAtTicks, x.ReviewId }).HasDatabaseName("ix_reviews_pending");
            e.HasIndex(x => x.CustomerId).HasDatabaseName("ix_reviews_customer");
        });

        modelBuilder.Entity<SuppressionRow>(e =>
        {
            e.ToTable("suppressions");
            e.HasKey(x => new { x.Kind, x.Hash });
            e.Property(x => x.Kind).HasColumnName("kind");
            e.Property(x => x.Hash).HasColumnName("hash").HasMaxLength(64).UseCollation(idCollation);
            e.Property(x => x.ReasonCode).HasColumnName("reason_code").HasMaxLength(64);
            e.Property(x => x.AtTicks).HasColumnName("at");
        });

        modelBuilder.Entity<ModelStateRow>(e =>
        {
            e.ToTable("model_states");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(256).UseCollation(idCollation);
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
            e.Property(x => x.SavedAtTicks).HasColumnName("saved_at");
            e.Property(x => x.Data).HasColumnName("data");
        });

        return modelBuilder;
    }
}
