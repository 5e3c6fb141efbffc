using System.Globalization;
using MarketingAutomation;
using MarketingAutomation.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

// One agent instance for the cross-process race test (RaceAcrossProcessesTests): it runs the real MarketingAgent on the EF Core store
// over PostgreSQL, one tick per step through a simulated day, with a "send every time" goal held back only by a cap of one message
// a day, then writes every call its e-mail channel received (its raw ledger) to a file: one line per send attempt,
// "message-id<TAB>customer-id<TAB>decision-id<TAB>attempt<TAB>status<TAB>at-ticks". The last line on stdout is
// "race instance=<name> ticks=<n> evaluated=<n> scheduled=<n> superseded=<n> sent=<n>".
// Usage: RaceAgent --connection <npgsql> --instance <name> --start <unix-seconds> --hours <h> --step-minutes <m> --ledger <file>
var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    arguments[args[i]] = args[i + 1];
}

string Arg(string name) => arguments.TryGetValue(name, out var value)
    ? value
    : throw new ArgumentException($"Missing argument {name}. Usage: --connection <npgsql> --instance <name> --start <unix-seconds> --hours <h> --step-minutes <m> --ledger <file>");

var connection = Arg("--connection");
var instance = Arg("--instance");
var start = Instant.FromUnixTimeSeconds(long.Parse(Arg("--start"), CultureInfo.InvariantCulture));
var hours = int.Parse(Arg("--hours"), CultureInfo.InvariantCulture);
var step = Duration.FromMinutes(int.Parse(Arg("--step-minutes"), CultureInfo.InvariantCulture));
var ledgerPath = Arg("--ledger");

var clock = new FakeClock(start);
var email = new RecordingChannel("email", ChannelKind.Email, clock) { Capabilities = new ChannelCapabilities { SupportsSubject = true } };
var services = new ServiceCollection();
services.AddSingleton<IClock>(clock);
services.AddMarketingAutomation(o =>
    {
        o.Dispatch.ImmediateRetries = 0;
        o.BatchSize = 500;
    })
    .UseEntityFrameworkCoreStore(o => o.UseNpgsql(connection))
    .AddRecordingChannel(email)
    .AddGoal(_ => new EveryTickGoal())
    .AddConsentPolicy()
    .AddFrequencyCap(1, Duration.FromDays(1))
    .UseGoalPriorityStrategy();
await using var provider = services.BuildServiceProvider();
var agent = provider.GetRequiredService<MarketingAgent>();

int ticks = 0, evaluated = 0, scheduled = 0, superseded = 0;
for (var now = start; now < start + Duration.FromHours(hours); now += step)
{
    clock.Reset(now);
    var tick = await agent.RunOnceAsync(now);
    ticks++;
    evaluated += tick.Decide.Evaluated;
    scheduled += tick.Decide.Scheduled;
    superseded += tick.Decide.Superseded;
}

// Whatever this instance committed and still holds due is dispatched at the end of the day, so no row is left behind.
await agent.DispatchDueAsync(start + Duration.FromHours(hours));

await using (var ledger = new StreamWriter(ledgerPath))
{
    foreach (var send in email.Sends)
    {
        await ledger.WriteLineAsync(string.Join('\t',
            send.Message.MessageId,
            send.Message.CustomerId,
            send.Message.DecisionId.ToString("N", CultureInfo.InvariantCulture),
            send.Attempt.ToString(CultureInfo.InvariantCulture),
            send.Result.Status.ToString(),
            send.At.ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture)));
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"race instance={instance} ticks={ticks} evaluated={evaluated} scheduled={scheduled} superseded={superseded} sent={email.Accepted.Count}"));
return 0;

/// <summary>A goal that wants to send to every customer at every evaluation; only the cap holds it back.</summary>
internal sealed class EveryTickGoal : Goal
{
    public EveryTickGoal()
        : base("every-tick")
    {
        Variants = [new ContentVariant("news") { Subject = "News", Body = "Today's news." }];
        Channels = [ChannelKind.Email];
    }

    public override void Propose(CustomerContext customer, Instant now, CandidateSink sink)
    {
        sink.Propose(Variants[0]);
        sink.WakeAt(now + Duration.FromHours(1));
    }
}
