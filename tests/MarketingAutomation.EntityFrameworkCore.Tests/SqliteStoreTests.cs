using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>Behaviour specific to the EF Core store on SQLite (the shared contract is in <see cref="SqliteCustomerStoreConformanceTests"/>).</summary>
public sealed partial class SqliteStoreTests : IDisposable
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 9, 0);
    private readonly SqliteTempDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Everything_survives_a_new_store_over_the_same_file()
    {
        using (var first = _database.CreateStore())
        {
            await first.UpsertCustomersAsync([new Customer("cust-001") { TimeZoneId = "Europe/Berlin" }], T0, Ct);
            await first.AppendEventsAsync([new BrowseEvent("ev-1", "cust-001", T0, "shoes")], Ct);
            var decision = Guid.NewGuid();
            await first.CommitDecisionsAsync(
                [
                    new DecisionRecord(decision, "cust-001", T0, DecisionOutcome.Send, "Chosen", T0 + Duration.FromDays(1))
                    {
                        Trace = new DecisionTrace(decision, "cust-001", T0, DecisionOutcome.Send, "Chosen"),
                        Outbox = new OutboxMessage(new OutboundMessage("msg-1", decision, "cust-001", "email", "a@example.com", "Hello"), T0),
                        LearnedState = new byte[] { 4, 2 },
                    },
                ],
                Ct);
        }

        using var second = _database.CreateStore();
        var customer = await second.GetCustomerAsync("cust-001", Ct);
        Assert.NotNull(customer);
        Assert.Equal("Europe/Berlin", customer.Customer.TimeZone?.Id);
        Assert.Equal("ev-1", Assert.Single(customer.RecentEvents).EventId);
        Assert.Equal("msg-1", Assert.Single(customer.Messages).MessageId);
        Assert.Equal(new byte[] { 4, 2 }, customer.LearnedState.ToArray());
        Assert.Equal(T0 + Duration.FromDays(1), customer.NextEvaluationAt);
        Assert.NotNull(await second.GetOutboxMessageAsync("msg-1", Ct));
        Assert.Single(await second.GetTracesAsync("cust-001", 10, Ct));
        Assert.Equal(1, (await second.AppendEventsAsync([new BrowseEvent("ev-1", "cust-001", T0, "shoes")], Ct)).Duplicates);
    }

    [Fact]
    public async Task Two_stores_over_one_file_never_claim_the_same_row()
    {
        using var a = _database.CreateStore();
        using var b = _database.CreateStore();
        await a.UpsertCustomersAsync([new Customer("cust-001")], T0, Ct);
        var decisions = Enumerable.Range(0, 60).Select(i =>
        {
            var id = Guid.NewGuid();
            return new DecisionRecord(id, "cust-001", T0, DecisionOutcome.Send, "Chosen", T0)
            {
                Outbox = new OutboxMessage(new OutboundMessage($"msg-{i:D3}", id, "cust-001", "email", "a@example.com", "Hello"), T0),
            };
        }).ToArray();
        await a.CommitDecisionsAsync(decisions, Ct);

        var claims = new[] { a, b, a, b }.Select((store, o) => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (true)
            {
                var claimed = await store.ClaimOutboxAsync(T0, 5, $"dispatcher-{o}", Duration.FromMinutes(5), Ct);
                if (claimed.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(claimed.Select(r => r.Id));
            }
        }, Ct)).ToArray();
        var all = (await Task.WhenAll(claims)).SelectMany(x => x).ToList();

        Assert.Equal(60, all.Count);
        Assert.Equal(60, all.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Due_customers_are_read_by_range_reads_of_the_due_index_never_a_scan_or_a_sort()
    {
        using var store = _database.CreateStore();
        await store.UpsertCustomersAsync([new Customer("cust-001")], T0, Ct);
        var options = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseSqlite(_database.ConnectionString).Options;
        await using var db = new MarketingAutomationDbContext(options);

        var plans = new[]
        {
            await PlanAsync(db, EntityFrameworkCoreCustomerStore.DueQuery(db.Customers, T0, null).Take(11)),
            await PlanAsync(db, EntityFrameworkCoreCustomerStore.DueQuery(db.Customers, T0, T0 - Duration.FromHours(1)).Take(11)),
            await PlanAsync(db, EntityFrameworkCoreCustomerStore.SameInstantAfterQuery(db.Customers, new DueCursor(T0, "cust-001")).Take(11)),
        };

        Assert.All(plans, plan =>
        {
            Assert.Contains("USING INDEX ix_customers_due", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("SCAN", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Claimable_outbox_rows_and_pending_reviews_are_read_by_range_reads_of_their_indexes()
    {
        using var store = _database.CreateStore();
        await store.UpsertCustomersAsync([new Customer("cust-001")], T0, Ct);
        var options = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseSqlite(_database.ConnectionString).Options;
        await using var db = new MarketingAutomationDbContext(options);

        var due = await PlanAsync(db, EntityFrameworkCoreCustomerStore.DueOutboxQuery(db.Outbox, T0).Take(10));
        var expired = await PlanAsync(db, EntityFrameworkCoreCustomerStore.ExpiredLeaseQuery(db.Outbox, T0).Take(10));
        var reviews = await PlanAsync(db, EntityFrameworkCoreCustomerStore.PendingReviewsQuery(db.Reviews).Take(10));

        Assert.Contains("USING INDEX ix_outbox_status_due", due, StringComparison.Ordinal);
        Assert.Contains("USING INDEX ix_outbox_status_lease", expired, StringComparison.Ordinal);
        Assert.Contains("USING INDEX ix_reviews_pending", reviews, StringComparison.Ordinal);
        Assert.All(new[] { due, expired, reviews }, plan => Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_commit_that_fails_after_some_rows_were_written_leaves_nothing_behind()
    {
        var failDeletes = new FailingCommandInterceptor("DELETE FROM \"traces\"");
        using var store = _database.CreateStore(o => o.AddInterceptors(failDeletes), maxTracesPerCustomer: 1);
        await store.UpsertCustomersAsync([new Customer("cust-001")], T0, Ct);
        DecisionRecord Send(string messageId, Instant at)
        {
            var id = Guid.NewGuid();
            return new DecisionRecord(id, "cust-001", at, DecisionOutcome.Send, "Chosen", T0 + Duration.FromDays(1))
            {
                Trace = new DecisionTrace(id, "cust-001", at, DecisionOutcome.Send, "Chosen"),
                Outbox = new OutboxMessage(new OutboundMessage(messageId, id, "cust-001", "email", "a@example.com", "Hello"), at),
                LearnedState = new byte[] { 1 },
            };
        }

        var first = Send("msg-1", T0);
        var second = Send("msg-2", T0 + Duration.FromMinutes(1));

        // Two traces for a customer that keeps one: the second commit trims the oldest after writing its rows, and that delete fails.
        await store.CommitDecisionsAsync([first], Ct);
        await Assert.ThrowsAnyAsync<Exception>(async () => await store.CommitDecisionsAsync([second], Ct));

        Assert.Equal(1, failDeletes.Failures);
        Assert.Null(await store.GetOutboxMessageAsync("msg-2", Ct));
        Assert.Null(await store.GetTraceAsync(second.DecisionId, Ct));
        Assert.NotNull(await store.GetTraceAsync(first.DecisionId, Ct));
        var customer = await store.GetCustomerAsync("cust-001", Ct);
        Assert.Equal("msg-1", Assert.Single(customer!.Messages).MessageId);
    }

    private static async Task<string> PlanAsync<T>(MarketingAutomationDbContext db, IQueryable<T> query)
    {
        // ToQueryString on SQLite starts with ".param set @name value" lines; bind them and explain the rest.
        var text = query.ToQueryString();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        var sql = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var match = ParamLine().Match(line.TrimEnd('\r'));
            if (match.Success)
            {
                var raw = match.Groups[2].Value;
                command.Parameters.AddWithValue(match.Groups[1].Value, long.TryParse(raw, out var number) ? number : raw.Trim('\''));
            }
            else
            {
                sql.Add(line);
            }
        }

        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', sql);
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            plan.Add(reader.GetString(3));
        }

        return string.Join(" | ", plan) + "  <- " + string.Join(' ', sql);
    }

    private sealed class FailingCommandInterceptor(string fragment) : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public int Failures { get; private set; }

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(
            System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains(fragment, StringComparison.Ordinal))
            {
                Failures++;
                throw new InvalidOperationException("Injected failure.");
            }

            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    [GeneratedRegex(@"^\.param set (@\S+) (.+)$")]
    private static partial Regex ParamLine();
}
