using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace MarketingAutomation.EntityFrameworkCore.Tests;

/// <summary>
/// Issue 6, "across instances": two agent instances in separate processes (MarketingAutomation.EntityFrameworkCore.RaceAgent) on one
/// PostgreSQL database, 10,000 customers, a goal that wants to send at every evaluation and a cap of one message a day, racing through
/// one simulated day. Checked against both channels' raw ledgers (every send call) and the outbox: no customer gets two messages
/// (0 cap breaches), no message is sent twice (0 duplicates), every customer gets their one message, every outbox row ends sent.
/// Set <c>MARKETINGAUTOMATION_RACE_REPORT</c> to a file path to have the run's numbers appended to it.
/// </summary>
public sealed class RaceAcrossProcessesTests
{
    private const int Customers = 10_000;
    private static readonly Instant Start = Instant.FromUtc(2026, 3, 2, 8, 0);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_agent_processes_on_one_PostgreSQL_database_never_break_a_cap_of_one_a_day_nor_send_twice()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(Ct);
        var options = new DbContextOptionsBuilder<MarketingAutomationDbContext>().UseNpgsql(database.ConnectionString).Options;
        using (var seeding = new EntityFrameworkCoreCustomerStore(new PooledDbContextFactory<MarketingAutomationDbContext>(options)))
        {
            foreach (var chunk in Enumerable.Range(0, Customers).Select(NewCustomer).Chunk(1_000))
            {
                await seeding.UpsertCustomersAsync(chunk, Start, Ct);
            }
        }

        var dir = Directory.CreateTempSubdirectory("ma-race-");
        try
        {
            var a = StartAgent("a", database.ConnectionString, Path.Combine(dir.FullName, "a.tsv"));
            var b = StartAgent("b", database.ConnectionString, Path.Combine(dir.FullName, "b.tsv"));
            var outputs = await Task.WhenAll(a, b);

            var sends = File.ReadAllLines(Path.Combine(dir.FullName, "a.tsv")).Select(l => Parse("a", l))
                .Concat(File.ReadAllLines(Path.Combine(dir.FullName, "b.tsv")).Select(l => Parse("b", l)))
                .ToList();
            var accepted = sends.Where(s => s.Status == nameof(SendStatus.Accepted)).ToList();
            var duplicates = sends.GroupBy(s => s.MessageId, StringComparer.Ordinal).Count(g => g.Count() > 1);
            var breaches = accepted.GroupBy(s => s.CustomerId, StringComparer.Ordinal).Count(g => g.Count() > 1);
            var supersededTotal = outputs.Sum(o => Field(o, "superseded"));
            var summary = $"race: {string.Join(" | ", outputs)}; send calls {sends.Count}, accepted {accepted.Count}, duplicates {duplicates}, cap breaches {breaches}";
            TestContext.Current.TestOutputHelper?.WriteLine(summary);
            if (Environment.GetEnvironmentVariable("MARKETINGAUTOMATION_RACE_REPORT") is { Length: > 0 } report)
            {
                await File.AppendAllTextAsync(report, summary + Environment.NewLine, Ct);
            }

            Assert.Equal(0, duplicates);
            Assert.Equal(0, breaches);
            Assert.Equal(Customers, accepted.Select(s => s.CustomerId).Distinct(StringComparer.Ordinal).Count());
            Assert.True(accepted.Any(s => s.Instance == "a") && accepted.Any(s => s.Instance == "b"),
                "Both instances should have sent some messages; otherwise they did not race. " + string.Join(" | ", outputs));
            Assert.True(supersededTotal > 0, "The instances never collided on a customer, so the race was not exercised: " + string.Join(" | ", outputs));

            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand("SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status", connection);
            var byStatus = new Dictionary<int, long>();
            await using (var reader = await command.ExecuteReaderAsync(Ct))
            {
                while (await reader.ReadAsync(Ct))
                {
                    byStatus[reader.GetInt32(0)] = reader.GetInt64(1);
                }
            }

            Assert.Equal(new Dictionary<int, long> { [(int)OutboxStatus.Sent] = Customers }, byStatus);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static Customer NewCustomer(int i) => new($"cust-{i:D5}")
    {
        TimeZoneId = "Europe/London",
        ContactPoints = [new ContactPoint(ChannelKind.Email, $"c{i}@example.com")],
        Consents = [new ConsentRecord(ChannelKind.Email, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, Start - Duration.FromDays(30))],
    };

    private static async Task<string> StartAgent(string instance, string connectionString, string ledger)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "MarketingAutomation.EntityFrameworkCore.RaceAgent.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            dll, "--connection", connectionString, "--instance", instance,
            "--start", Start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), "--hours", "24", "--step-minutes", "120", "--ledger", ledger,
        })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the race agent.");
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"Race agent {instance} exited with {process.ExitCode}: {output} {await stderr}");
        return output.Trim().Split('\n')[^1];
    }

    private static int Field(string line, string name)
    {
        foreach (var part in line.Split(' '))
        {
            if (part.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return int.Parse(part[(name.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"No {name}= in '{line}'.");
    }

    private static (string Instance, string MessageId, string CustomerId, string Status) Parse(string instance, string line)
    {
        var fields = line.Split('\t');
        return (instance, fields[0], fields[1], fields[4]);
    }
}
