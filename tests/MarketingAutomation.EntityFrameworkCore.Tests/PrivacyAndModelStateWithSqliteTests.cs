using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>
/// Data-subject rights (GD-03, GD-04) and the learned model snapshot end to end: the real engine on a real SQLite file, with a restart
/// (a new service provider on the same file) where the requirement is about what survives the process.
/// </summary>
public sealed class PrivacyAndModelStateWithSqliteTests : IDisposable
{
    private static readonly Instant Start = Instant.FromUtc(2026, 1, 5, 9, 0);
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef-test-key");
    private readonly SqliteTempDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// The adaptive strategy's population model is saved by the agent when it stops and loaded by the next agent on the same database
    /// before its first tick, so a restart does not fall back to the priors.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task The_population_model_is_saved_on_stop_and_restored_by_the_next_agent_before_its_first_tick()
    {
        var clock = new FakeClock(Start);
        byte[] learned;
        await using (var first = Build(clock, adaptive: true, out var email))
        {
            var agent = first.GetRequiredService<MarketingAgent>();
            await agent.ImportCustomersAsync([.. Enumerable.Range(1, 30).Select(i => Person($"cust-{i:000}", $"p{i}@example.com"))], Ct);
            await agent.RunOnceAsync(Start, Ct);
            Assert.NotEmpty(email.Accepted);
            var events = new List<CustomerEvent>();
            foreach (var send in email.Accepted)
            {
                var m = send.Message;
                events.Add(new MessageEvent("d-" + m.MessageId, m.CustomerId, Start + Duration.FromMinutes(5), m.DecisionId, MessageEventKind.Delivered) { Channel = ChannelKind.Email });
                events.Add(new MessageEvent("o-" + m.MessageId, m.CustomerId, Start + Duration.FromMinutes(30), m.DecisionId, MessageEventKind.Opened) { Channel = ChannelKind.Email });
            }

            var feedback = await agent.IngestAsync(events, Ct);
            Assert.True(feedback.Learned > 0);
            learned = Snapshot(agent);
            Assert.NotEqual(Snapshot(NewAdaptiveAgent(clock)), learned); // learning changed the model

            await agent.StopAsync(Ct);
        }

        var store = _database.CreateStore();
        var saved = await store.LoadModelStateAsync("adaptive.population", Ct);
        Assert.NotNull(saved);
        Assert.Equal(1, saved.Version);
        Assert.Equal(learned, saved.Data.ToArray());

        clock.Reset(Start + Duration.FromDays(1));
        await using var second = Build(clock, adaptive: true, out _);
        var restarted = second.GetRequiredService<MarketingAgent>();
        Assert.NotEqual(learned, Snapshot(restarted)); // a new process starts from the priors ...

        await restarted.RunOnceAsync(clock.GetCurrentInstant(), Ct);

        Assert.Equal(learned, Snapshot(restarted)); // ... until its first tick restores the snapshot
        Assert.Equal((long?)2, await restarted.SaveModelStateAsync(Ct));
    }

    /// <summary>
    /// GD-03: erasing a customer removes every trace of them from every table (no plaintext address, phone, id or message body left), the
    /// message waiting in the outbox is never sent, and a re-import of the same address in another case and format is never contacted,
    /// also after a restart (the suppression entries are durable keyed hashes).
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Erasure_leaves_no_personal_data_cancels_unsent_messages_and_suppresses_a_reimport_across_restarts()
    {
        var clock = new FakeClock(Start);
        await using (var first = Build(clock, adaptive: false, out var email))
        {
            var agent = first.GetRequiredService<MarketingAgent>();
            await agent.ImportCustomersAsync([Person("cust-001", "Ana.Lopez@Example.com", "+14155550123"), Person("cust-002", "bo@example.com")], Ct);
            await agent.DecideDueAsync(Start, Ct); // decided and in the outbox, not yet sent
            Assert.Empty(email.Accepted);

            var result = await agent.DataRights.EraseAsync("cust-001", Ct);

            Assert.True(result.CustomerFound);
            Assert.Equal(1, result.PendingOutboxRows);
            Assert.Equal(2, result.Suppressions);
            await agent.DispatchDueAsync(Start + Duration.FromMinutes(1), Ct);
            Assert.DoesNotContain(email.Accepted, s => s.Message.CustomerId == "cust-001");
            Assert.Single(email.Accepted, s => s.Message.CustomerId == "cust-002");
        }

        var leftovers = await ScanAsync("ana.lopez", "4155550123", "cust-001");
        Assert.Empty(leftovers);
        Assert.Equal(2, await CountAsync("suppressions"));

        // A restart: the new agent loads the durable suppression entries before deciding.
        clock.Reset(Start + Duration.FromDays(1));
        await using var second = Build(clock, adaptive: false, out var email2);
        var restarted = second.GetRequiredService<MarketingAgent>();
        var reimport = await restarted.ImportCustomersAsync([Person("cust-101", "ANA.LOPEZ@example.COM", "+14155550123")], Ct);
        Assert.Empty(reimport.Errors);
        var held = new Dictionary<string, int>();
        for (var day = 1; day <= 4; day++)
        {
            clock.Reset(Start + Duration.FromDays(day));
            var run = await restarted.RunOnceAsync(clock.GetCurrentInstant(), Ct);
            foreach (var (rule, count) in run.Decide.HeldByRule)
            {
                held[rule] = held.GetValueOrDefault(rule) + count;
            }
        }

        Assert.DoesNotContain(email2.Accepted, s => s.Message.CustomerId == "cust-101");
        Assert.Contains(email2.Accepted, s => s.Message.CustomerId == "cust-002"); // the agent did send to others meanwhile
        var why = await restarted.ExplainAsync("cust-101", clock.GetCurrentInstant(), Ct);
        Assert.NotNull(why);
        Assert.NotEmpty(why.Candidates);
        Assert.All(why.Candidates, c => Assert.Contains(c.Verdicts, v => v.Rule == "suppression" && v.Kind == VerdictKind.Deny));
        Assert.True(held.Count > 0, string.Join(", ", held.Select(p => $"{p.Key}={p.Value}")));
    }

    /// <summary>GD-04: the JSON export of a customer holds every section and nothing about another customer.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Export_is_json_with_every_section_and_only_that_customer()
    {
        var clock = new FakeClock(Start);
        await using var provider = Build(clock, adaptive: false, out _);
        var agent = provider.GetRequiredService<MarketingAgent>();
        await agent.ImportCustomersAsync([Person("cust-001", "ana@example.com"), Person("cust-002", "bo@example.com")], Ct);
        await agent.RunOnceAsync(Start, Ct);
        await agent.IngestAsync([new BrowseEvent("b-1", "cust-002", Start + Duration.FromMinutes(1), "shoes")], Ct);
        using var stream = new MemoryStream();

        Assert.True(await agent.DataRights.ExportJsonAsync("cust-002", stream, Ct));
        Assert.False(await agent.DataRights.ExportJsonAsync("cust-404", Stream.Null, Ct));

        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.DoesNotContain("cust-001", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ana@example.com", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal(CustomerDataRights.ExportFormat, root.GetProperty("format").GetString());
        var data = root.GetProperty("data");
        Assert.Equal("bo@example.com", data.GetProperty("customer").GetProperty("contactPoints")[0].GetProperty("address").GetString());
        Assert.Equal(1, data.GetProperty("consentLedger").GetArrayLength());
        Assert.Equal(1, data.GetProperty("messages").GetArrayLength());
        Assert.Equal("Welcome", data.GetProperty("outbox")[0].GetProperty("message").GetProperty("subject").GetString()![..7]);
        Assert.Equal(1, data.GetProperty("traces").GetArrayLength());
        Assert.Contains(data.GetProperty("recentEvents").EnumerateArray(), e => e.GetProperty("type").GetString() == "browse");
        Assert.Equal(JsonValueKind.Array, data.GetProperty("reviews").ValueKind);
    }

    private static Customer Person(string id, string email, string? phone = null) => new(id)
    {
        TimeZoneId = "Europe/Berlin",
        SignedUpAt = Start - Duration.FromHours(1),
        ContactPoints = phone is null
            ? [new ContactPoint(ChannelKind.Email, email)]
            : [new ContactPoint(ChannelKind.Email, email), new ContactPoint(ChannelKind.Sms, phone)],
        Consents = [new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, Start - Duration.FromHours(1)) { Source = "signup" }],
    };

    private static byte[] Snapshot(MarketingAgent agent)
    {
        using var stream = new MemoryStream();
        ((IPersistentModel)agent.Pipeline.Strategy).SaveModel(stream);
        return stream.ToArray();
    }

    private static MarketingAgent NewAdaptiveAgent(IClock clock)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddMarketingAutomation()
            .UseInMemoryStore()
            .AddRecordingChannel(new RecordingChannel("email", ChannelKind.Email, clock) { Capabilities = new ChannelCapabilities { SupportsSubject = true } })
            .AddWelcomeSequence()
            .UseAdaptiveStrategy();
        return services.BuildServiceProvider().GetRequiredService<MarketingAgent>();
    }

    private ServiceProvider Build(FakeClock clock, bool adaptive, out RecordingChannel email)
    {
        email = new RecordingChannel("email", ChannelKind.Email, clock) { Capabilities = new ChannelCapabilities { SupportsSubject = true } };
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(clock);
        var builder = services.AddMarketingAutomation(o => o.Dispatch.ImmediateRetries = 0)
            .UseEntityFrameworkCoreStore(o => o.UseSqlite(_database.ConnectionString))
            .AddRecordingChannel(email)
            .AddWelcomeSequence()
            .AddConsentPolicy()
            .AddSuppressionList(Key);
        if (adaptive)
        {
            builder.UseAdaptiveStrategy(o => o.ControlGroupShare = 0);
        }
        else
        {
            builder.UseGoalPriorityStrategy();
        }

        return services.BuildServiceProvider();
    }

    /// <summary>Searches every text and blob column of every table for the needles (case-insensitive); returns "table.column" hits.</summary>
    private async Task<List<string>> ScanAsync(params string[] needles)
    {
        var hits = new List<string>();
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync(Ct);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? string.Empty : reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
                    };
                    foreach (var needle in needles)
                    {
                        if (value.Contains(needle, StringComparison.OrdinalIgnoreCase))
                        {
                            hits.Add($"{table}.{reader.GetName(i)} contains '{needle}'");
                        }
                    }
                }
            }
        }

        return hits;
    }

    private async Task<long> CountAsync(string table)
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
