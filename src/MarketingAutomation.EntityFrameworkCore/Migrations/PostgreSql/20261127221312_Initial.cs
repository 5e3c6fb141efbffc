using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MarketingAutomation.EntityFrameworkCore.Migrations.PostgreSql
{
    /// <inheritdoc />
    internal partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "customers",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    next_evaluation_at = table.Column<long>(type: "bigint", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    facts = table.Column<string>(type: "text", nullable: false),
                    messages = table.Column<string>(type: "text", nullable: false),
                    recent_events = table.Column<string>(type: "text", nullable: false),
                    learned_state = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "event_ids",
                columns: table => new
                {
                    event_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    customer_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    content_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_ids", x => x.event_id);
                });

            migrationBuilder.CreateTable(
                name: "model_states",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    saved_at = table.Column<long>(type: "bigint", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_model_states", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                columns: table => new
                {
                    message_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    customer_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    status = table.Column<int>(type: "integer", nullable: false),
                    due_at = table.Column<long>(type: "bigint", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    lease_owner = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true, collation: "C"),
                    lease_until = table.Column<long>(type: "bigint", nullable: true),
                    provider_message_id = table.Column<string>(type: "text", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    message = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.message_id);
                });

            migrationBuilder.CreateTable(
                name: "reviews",
                columns: table => new
                {
                    review_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    customer_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    resolved = table.Column<bool>(type: "boolean", nullable: false),
                    review = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reviews", x => x.review_id);
                });

            migrationBuilder.CreateTable(
                name: "suppressions",
                columns: table => new
                {
                    kind = table.Column<int>(type: "integer", nullable: false),
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    reason_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_suppressions", x => new { x.kind, x.hash });
                });

            migrationBuilder.CreateTable(
                name: "traces",
                columns: table => new
                {
                    decision_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    at = table.Column<long>(type: "bigint", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    trace = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_traces", x => x.decision_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_customers_due",
                table: "customers",
                columns: new[] { "next_evaluation_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_event_ids_customer",
                table: "event_ids",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_customer",
                table: "outbox",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_status_due",
                table: "outbox",
                columns: new[] { "status", "due_at", "message_id" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_status_lease",
                table: "outbox",
                columns: new[] { "status", "lease_until", "message_id" });

            migrationBuilder.CreateIndex(
                name: "ix_reviews_customer",
                table: "reviews",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_reviews_pending",
                table: "reviews",
                columns: new[] { "resolved", "created_at", "review_id" });

            migrationBuilder.CreateIndex(
                name: "ix_traces_customer_at",
                table: "traces",
                columns: new[] { "customer_id", "at", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_traces_sequence",
                table: "traces",
                column: "sequence");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "customers");

            migrationBuilder.DropTable(
                name: "event_ids");

            migrationBuilder.DropTable(
                name: "model_states");

            migrationBuilder.DropTable(
                name: "outbox");

            migrationBuilder.DropTable(
                name: "reviews");

            migrationBuilder.DropTable(
                name: "suppressions");

            migrationBuilder.DropTable(
                name: "traces");
        }
    }
}
