using System.Globalization;
using MarketingAutomation;
using MarketingAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Quickstart;

// The main job: a synthetic population, the real agent (in-memory store, recording channels), N simulated days driven hour by hour
// through RunOnceAsync with a FakeClock, simulated customer responses fed back, a reviewer once a day, then a summary.
var options = QuickstartOptions.Parse(args);
if (options is null)
{
    return 2;
}

var start = Instant.FromUtc(2026, 1, 5, 0, 0);
var clock = new FakeClock(start);
var store = new InMemoryCustomerStore();
var email = new RecordingChannel("email", ChannelKind.Email) { Capabilities = new ChannelCapabilities { SupportsSubject = true, CostPerMessage = 0.001 } };
var sms = new RecordingChannel("sms", ChannelKind.Sms) { Capabilities = new ChannelCapabilities { MaxBodyLength = 306, MaxProviderQueueDelay = Duration.FromMinutes(10), CostPerMessage = 0.0079 } };
var push = new RecordingChannel("push", ChannelKind.Push) { Capabilities = new ChannelCapabilities { MaxBodyLength = 178, SupportsSubject = true } };

var services = new ServiceCollection();
services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
services.AddSingleton<IClock>(clock);
services.AddMarketingAutomation(o =>
    {
        o.ReviewConfidenceThreshold = 0.3;
        o.Dispatch.ImmediateRetries = 0;
        o.MaxDegreeOfParallelism = Environment.ProcessorCount;
    })
    .UseInMemoryStore(store)
    .AddRecordingChannel(email)
    .AddRecordingChannel(sms)
    .AddRecordingChannel(push)
    .AddWelcomeSequence()
    .AddWinBack(new WinBackGoal { InactiveFor = Duration.FromDays(45), Important = true, FollowUpAfter = Duration.FromDays(2) })
    .AddCrossSell(new CrossSellGoal(
    [
        new CrossSellRule("running-shoes", "running-socks", new ContentVariant("socks-for-runners") { Subject = "Socks made for your new shoes", Body = "Runners who bought your shoes love these socks.", ShortBody = "Socks for your new running shoes." }),
        new CrossSellRule("jackets", "accessories", new ContentVariant("bottle-for-jacket") { Subject = "Ready for the trail?", Body = "A bottle that fits your new jacket's pocket.", ShortBody = "A bottle for the trail." }),
    ]))
    .AddRenewalReminder()
    .AddVipRecommendation(new VipRecommendationGoal { MinimumLifetimeValue = 600m })
    .AddConsentPolicy()
    .AddFrequencyCap(2, Duration.FromDays(7))
    .AddFrequencyCap(1, Duration.FromDays(1))
    .AddFrequencyCap(1, Duration.FromDays(7), ChannelKind.Sms)
    .AddPolicy(new OpenSupportIssuePolicy())
    .UseGoalPriorityStrategy();

await using var provider = services.BuildServiceProvider();
var agent = provider.GetRequiredService<MarketingAgent>();

var (existing, signUps) = Population.Create(options.Customers, options.Days, start, options.Seed);
var bad = new[]
{
    new Customer("bad-email") { ContactPoints = [new ContactPoint(ChannelKind.Email, "not-an-address")] },
    new Customer("bad-zone") { TimeZoneId = "Mars/Olympus_Mons", ContactPoints = [new ContactPoint(ChannelKind.Email, "ok@example.com")] },
    new Customer("bad-phone") { ContactPoints = [new ContactPoint(ChannelKind.Sms, "555-0100")] },
};
var import = await agent.ImportCustomersAsync([.. existing, .. bad]);
Console.WriteLine($"Imported {import.Imported} customers; {import.Errors.Count} rejected:");
foreach (var error in import.Errors)
{
    Console.WriteLine("  " + error);
}

var random = new Random(options.Seed);
var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
var heldBy = new Dictionary<string, int>(StringComparer.Ordinal);
int evaluated = 0, nextSignUp = 0, approved = 0, rejected = 0, opens = 0, clicks = 0, purchases = 0;
var seen = new HashSet<string>(StringComparer.Ordinal);
for (var hour = 0; hour < options.Days * 24; hour++)
{
    var now = start + Duration.FromHours(hour);
    clock.Reset(now);
    var arrivals = new List<Customer>();
    while (nextSignUp < signUps.Count && signUps[nextSignUp].SignedUpAt <= now)
    {
        arrivals.Add(signUps[nextSignUp++]);
    }

    if (arrivals.Count > 0)
    {
        await agent.ImportCustomersAsync(arrivals);
    }

    var tick = await agent.RunOnceAsync(now);
    evaluated += tick.Decide.Evaluated;
    foreach (var (reason, count) in tick.Decide.ByReason)
    {
        reasons[reason] = reasons.GetValueOrDefault(reason) + count;
    }

    foreach (var (rule, count) in tick.Decide.HeldByRule)
    {
        heldBy[rule] = heldBy.GetValueOrDefault(rule) + count;
    }

    // Simulated customers answer the messages that went out this hour.
    var events = new List<CustomerEvent>();
    foreach (var channel in new[] { email, sms, push })
    {
        foreach (var send in channel.Sends)
        {
            if (send.Result.Status != SendStatus.Accepted || !seen.Add(send.Message.MessageId))
            {
                continue;
            }

            var m = send.Message;
            var openRate = channel.Kind == ChannelKind.Email ? 0.35 : 0.2;
            if (random.NextDouble() < openRate)
            {
                opens++;
                events.Add(new MessageEvent(m.MessageId + ":open", m.CustomerId, now, m.DecisionId, MessageEventKind.Opened) { Channel = channel.Kind, IsMachineOpen = random.NextDouble() < 0.3 });
                if (random.NextDouble() < 0.25)
                {
                    clicks++;
                    events.Add(new MessageEvent(m.MessageId + ":click", m.CustomerId, now, m.DecisionId, MessageEventKind.Clicked) { Channel = channel.Kind });
                    if (random.NextDouble() < 0.3)
                    {
                        purchases++;
                        events.Add(new PurchaseEvent(m.MessageId + ":order", m.CustomerId, now, new Purchase("o-" + m.MessageId, now, 40m + random.Next(0, 80)) { AttributedDecisionId = m.DecisionId }));
                    }
                }
            }
        }
    }

    if (events.Count > 0)
    {
        await agent.IngestAsync(events);
    }

    // A reviewer looks at the queue every morning at 10:00 UTC.
    if (hour % 24 == 10)
    {
        foreach (var review in await agent.Reviews.ListPendingAsync(1000))
        {
            if (review.Confidence >= 0.05)
            {
                approved += await agent.Reviews.ApproveAsync(review.ReviewId, "quickstart-reviewer") ? 1 : 0;
            }
            else
            {
                rejected += await agent.Reviews.RejectAsync(review.ReviewId, "quickstart-reviewer", "two goals tie; not worth a message") ? 1 : 0;
            }
        }
    }
}

var outbox = store.OutboxSnapshot();
var pending = await agent.Reviews.ListPendingAsync(10_000);
Console.WriteLine();
Console.WriteLine($"Simulated {options.Days} days for {existing.Count + nextSignUp} customers ({nextSignUp} signed up during the run); {evaluated} evaluations.");
Console.WriteLine();
Console.WriteLine("Messages by goal and channel (status):");
foreach (var group in outbox.GroupBy(o => (o.Message.GoalId, o.Message.Channel)).OrderBy(g => g.Key.GoalId).ThenBy(g => g.Key.Channel))
{
    var byStatus = string.Join(", ", group.GroupBy(o => o.Status).OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Count()}"));
    Console.WriteLine($"  {group.Key.GoalId,-20} {group.Key.Channel,-6} {group.Count(),5}  ({byStatus})");
}

Console.WriteLine();
Console.WriteLine("Decisions by reason code:");
foreach (var (reason, count) in reasons.OrderByDescending(r => r.Value))
{
    Console.WriteLine($"  {reason,-24} {count,7}");
}

Console.WriteLine();
Console.WriteLine("Messages held by rules (rule: reason code):");
foreach (var (rule, count) in heldBy.OrderByDescending(r => r.Value))
{
    Console.WriteLine($"  {rule,-36} {count,7}");
}

Console.WriteLine();
Console.WriteLine($"Reviews: {approved} approved, {rejected} rejected, {pending.Count} pending.");
Console.WriteLine($"Simulated responses: {opens} opens, {clicks} clicks, {purchases} attributed purchases.");
Console.WriteLine($"Duplicate sends across channels: {email.DuplicateAcceptedMessageIds().Count + sms.DuplicateAcceptedMessageIds().Count + push.DuplicateAcceptedMessageIds().Count}");

var example = outbox.Where(o => o.Status == OutboxStatus.Sent).OrderBy(o => o.Message.GoalId == "welcome" ? 1 : 0).FirstOrDefault();
if (example is not null)
{
    var why = await agent.WhyMessageAsync(example.Id);
    Console.WriteLine();
    Console.WriteLine($"Why did customer {example.Message.CustomerId} get message {example.Id}?");
    Console.WriteLine(why?.Explain());
}

var quiet = store.CustomerIds.FirstOrDefault(id => outbox.All(o => o.Message.CustomerId != id));
if (quiet is not null)
{
    var explain = await agent.ExplainAsync(quiet, clock.GetCurrentInstant());
    Console.WriteLine($"Why nothing now for customer {quiet}?");
    Console.WriteLine(explain?.Explain());
}

return 0;

internal sealed record QuickstartOptions(int Customers, int Days, int Seed)
{
    public static QuickstartOptions? Parse(string[] args)
    {
        var customers = 1000;
        var days = 14;
        var seed = 42;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                Console.WriteLine("Usage: dotnet run --project samples/Quickstart [-- --customers N] [--days D] [--seed S]");
                Console.WriteLine("  --customers N  synthetic customers (default 1000, 1..1000000)");
                Console.WriteLine("  --days D       simulated days (default 14, 1..365)");
                Console.WriteLine("  --seed S       random seed (default 42)");
                return null;
            }

            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                Console.Error.WriteLine($"Option '{arg}' needs a whole number after it (see --help).");
                return null;
            }

            switch (arg)
            {
                case "--customers" when value is >= 1 and <= 1_000_000: customers = value; break;
                case "--days" when value is >= 1 and <= 365: days = value; break;
                case "--seed": seed = value; break;
                case "--customers" or "--days":
                    Console.Error.WriteLine($"Option '{arg}' is out of range: {value} (see --help).");
                    return null;
                default:
                    Console.Error.WriteLine($"Unknown option '{arg}' (see --help).");
                    return null;
            }

            i++;
        }

        return new QuickstartOptions(customers, days, seed);
    }
}
