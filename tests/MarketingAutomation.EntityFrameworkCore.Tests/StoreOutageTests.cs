using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using NodaTime.Testing;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>
/// The EF Core store's database down at startup (a clear error naming the store, the redacted data source and the fix) and dropping
/// mid-run on a real PostgreSQL server (the agent backs off, logs it, and resumes without losing or duplicating a message).
/// </summary>
public sealed class StoreOutageTests
{
    private static readonly Instant Start = Instant.FromUtc(2026, 1, 5, 9, 0);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sqlite_file_in_a_missing_directory_stops_the_host_with_the_path_and_the_fix()
    {
        var path = Path.Combine(Path.GetTempPath(), "ma-missing-" + Guid.NewGuid().ToString("N"), "nested", "store.db");
        await using var provider = BuildHost(o => o.UseSqlite($"Data Source={path}"), new RecordingChannel("email"), new FakeClock(Start));

        var ex = await Assert.ThrowsAsync<MarketingAutomationException>(() => Assert.Single(provider.GetServices<IHostedService>()).StartAsync(Ct));

        Assert.Contains("EF Core customer store", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.EntityFrameworkCore.Sqlite", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Fix: check that the database file's directory exists", ex.Message, StringComparison.Ordinal);
        Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(ex.InnerException);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public async Task A_postgresql_port_with_nothing_listening_stops_the_host_with_the_redacted_data_source_and_the_fix()
    {
        var port = FreePort();
        var connection = $"Host=127.0.0.1;Port={port};Username=marketing;Password=s3cret-Pa55;Database=marketing;Timeout=5";
        await using var provider = BuildHost(o => o.UseNpgsql(connection), new RecordingChannel("email"), new FakeClock(Start));

        var ex = await Assert.ThrowsAsync<MarketingAutomationException>(() => Assert.Single(provider.GetServices<IHostedService>()).StartAsync(Ct));

        Assert.Contains("EF Core customer store", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Npgsql.EntityFrameworkCore.PostgreSQL", ex.Message, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"port={port}"), ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("password=***", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Fix: nothing accepts connections at the host and port", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redaction_hides_every_password_spelling_and_keeps_the_rest()
    {
        Assert.Equal("data source=/var/lib/app/store.db", DatabaseUnreachable.Redact("Data Source=/var/lib/app/store.db"));
        var redacted = DatabaseUnreachable.Redact("Host=db;Username=u;PWD=a;Password=b;SSL Password=c");
        Assert.DoesNotContain("=a", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("=b", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("=c", redacted, StringComparison.Ordinal);
        Assert.Contains("host=db", redacted, StringComparison.Ordinal);
        Assert.Equal("(none)", DatabaseUnreachable.Redact(null));
        await Task.CompletedTask;
    }

    /// <summary>
    /// RL-01/RL-03 on a real server: the database stops accepting connections while a send is in flight (its connections are
    /// terminated and new ones refused), for a few seconds. The agent logs each failed tick with a growing, capped delay, resumes when
    /// the database is back, takes over the row whose completion was lost (the provider lookup finds it), and sends everything else.
    /// </summary>
    [Fact]
    public async Task When_postgresql_drops_mid_run_the_agent_backs_off_and_resumes_without_losing_or_duplicating_a_message()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(Ct);
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        var admin = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ToString();
        var clock = new ScaledClock(Start, 60); // one real second is one simulated minute: the 5-minute lease ends after 5 s
        var email = new RecordingChannel("email", ChannelKind.Email, clock) { SupportsLookup = true, Capabilities = new ChannelCapabilities { SupportsSubject = true } };
        var outageStarted = 0;
        email.AsyncBehavior = async (m, _, ct) =>
        {
            await Task.Delay(5, ct);
            if (email.Sends.Count == 9 && Interlocked.Exchange(ref outageStarted, 1) == 0)
            {
                // The 10th send reaches the provider, then the database goes away before the dispatcher can record it.
                await SetAcceptingConnectionsAsync(admin, name, accepting: false);
            }

            return SendResult.Accepted(email.NextProviderId());
        };
        var pollInterval = TimeSpan.FromMilliseconds(50);
        var cap = TimeSpan.FromMilliseconds(800);
        await using var provider = BuildHost(
            o => o.UseNpgsql(database.ConnectionString),
            email,
            clock,
            o =>
            {
                o.PollInterval = pollInterval;
                o.MaxFailureBackoff = cap;
                o.Dispatch.ClaimBatchSize = 4;
                o.Dispatch.MaxConcurrentSends = 1;
            });
        var store = provider.GetRequiredService<EntityFrameworkCoreCustomerStore>();
        var logs = provider.GetFakeLogCollector();
        await store.UpsertCustomersAsync([.. Enumerable.Range(0, 30).Select(i => Customer($"c-{i:D2}"))], Start, Ct);
        var hosted = Assert.Single(provider.GetServices<IHostedService>());

        await hosted.StartAsync(Ct);
        await WaitUntilAsync(() => Volatile.Read(ref outageStarted) == 1 && logs.GetSnapshot().Count(r => r.Id.Id == 1001) >= 5);
        await SetAcceptingConnectionsAsync(admin, name, accepting: true);
        await WaitUntilAsync(() => logs.GetSnapshot().Any(r => r.Id.Id == 1005));
        await store.UpsertCustomersAsync([.. Enumerable.Range(30, 30).Select(i => Customer($"c-{i:D2}"))], clock.GetCurrentInstant(), Ct);
        await WaitUntilAsync(() => email.Sends.Count >= 60 && Terminal(store, email).Result);
        await hosted.StopAsync(Ct);

        // Backoff: every failed tick logged with its error type, a growing delay up to the cap, then one recovery.
        var failures = logs.GetSnapshot().Where(r => r.Id.Id == 1001).ToList();
        var delays = failures.Select(r => TimeSpan.Parse(r.GetStructuredStateValue("RetryDelay")!, CultureInfo.InvariantCulture)).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, cap));
        Assert.True(delays.Skip(3).Max() > 2 * pollInterval, string.Join(", ", delays));
        Assert.All(failures, r => Assert.DoesNotContain("@example.com", r.Message, StringComparison.Ordinal));
        var recovered = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 1005);
        Assert.Equal(LogLevel.Information, recovered.Level);

        // Nothing lost, nothing twice, from the provider's raw ledger of calls.
        var calls = email.Sends;
        Assert.Equal(60, calls.Count);
        Assert.Equal(60, calls.Select(c => c.MessageId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(60, calls.Select(c => c.Message.CustomerId).Distinct(StringComparer.Ordinal).Count());
        foreach (var call in calls)
        {
            var row = await store.GetOutboxMessageAsync(call.MessageId, Ct);
            Assert.Equal((OutboxStatus.Sent, call.Result.ProviderMessageId), (row!.Status, row.ProviderMessageId));
        }

        // The 10th message's completion was lost with the connection: a later dispatcher took it over and the lookup found it.
        Assert.True(email.Lookups >= 1);
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 1061);
    }

    private static async Task<bool> Terminal(EntityFrameworkCoreCustomerStore store, RecordingChannel email)
    {
        foreach (var call in email.Sends)
        {
            if (await store.GetOutboxMessageAsync(call.MessageId, Ct) is not { Status: OutboxStatus.Sent })
            {
                return false;
            }
        }

        return true;
    }

    private static async Task SetAcceptingConnectionsAsync(string admin, string database, bool accepting)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(CancellationToken.None);
        var allow = accepting ? "true" : "false";
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS {allow}", connection))
        {
            await alter.ExecuteNonQueryAsync(CancellationToken.None);
        }

        if (!accepting)
        {
            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection);
            terminate.Parameters.AddWithValue("name", database);
            await terminate.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static Customer Customer(string id) => new(id)
    {
        TimeZoneId = "Europe/Berlin",
        SignedUpAt = Start - Duration.FromHours(1),
        ContactPoints = [new ContactPoint(ChannelKind.Email, id + "@example.com")],
        Consents = [new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, Start - Duration.FromHours(1))],
    };

    private static ServiceProvider BuildHost(Action<DbContextOptionsBuilder> database, RecordingChannel email, IClock clock, Action<MarketingAutomationOptions>? options = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddLogging(l => l.AddFakeLogging());
        services.AddMarketingAutomation(o =>
            {
                o.Dispatch.ImmediateRetries = 0;
                options?.Invoke(o);
            })
            .UseEntityFrameworkCoreStore(database)
            .AddRecordingChannel(email)
            .AddWelcomeSequence()
            .AddConsentPolicy()
            .UseGoalPriorityStrategy();
        return services.BuildServiceProvider();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>A clock that runs <c>factor</c> times faster than real time from a fixed start.</summary>
    private sealed class ScaledClock(Instant start, int factor) : IClock
    {
        private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();

        public Instant GetCurrentInstant() => start + Duration.FromTimeSpan(System.Diagnostics.Stopwatch.GetElapsedTime(_started) * factor);
    }
}
