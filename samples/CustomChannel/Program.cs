using System.Security.Cryptography;
using CustomChannel;
using MarketingAutomation;
using MarketingAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

// A custom channel end to end: a local receiver, the signed webhook channel registered on the builder, a few customers with push
// tokens, one agent tick, then what the receiver got. Everything runs in-process on 127.0.0.1; nothing leaves the machine.
var secret = RandomNumberGenerator.GetBytes(32); // In an app: from a secret store, shared with the receiving service.
await using var receiver = await WebhookReceiver.StartAsync(new WebhookReceiverOptions { Secret = secret });
Console.WriteLine($"Receiver listening on {receiver.MessagesEndpoint}");

var services = new ServiceCollection();
services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddMarketingAutomation(o => o.Dispatch.ImmediateRetries = 0)
    .UseInMemoryStore()
    .AddSignedWebhookChannel(o =>
    {
        o.Name = "push";
        o.Kind = ChannelKind.Push;
        o.Endpoint = receiver.MessagesEndpoint;
        o.LookupEndpoint = receiver.MessagesEndpoint; // This receiver answers GET /messages/{key}: the dispatcher can settle reclaimed rows.
        o.Secret = secret;
        o.Timeout = TimeSpan.FromSeconds(5);
    })
    .AddWelcomeSequence()
    .AddConsentPolicy()
    .UseGoalPriorityStrategy();

await using var provider = services.BuildServiceProvider();
var agent = provider.GetRequiredService<MarketingAgent>();
var now = SystemClock.Instance.GetCurrentInstant();

// Customers who signed up an hour ago, each with a push token (the channel's contact point) and push consent.
string[] names = ["Ada", "Grace", "Alan", "Radia", "Ken"];
var customers = names.Select((name, i) => new Customer($"cust-{i + 1:D3}")
{
    TimeZoneId = "Europe/London",
    Language = "en",
    SignedUpAt = now - Duration.FromHours(1),
    ContactPoints = [new ContactPoint(ChannelKind.Push, $"device-token-{i + 1:D3}")],
    Consents = [new ConsentRecord(ChannelKind.Push, MessagePurpose.Marketing, ConsentStatus.Granted, ConsentBasis.Express, now - Duration.FromHours(1)) { Source = "app" }],
    Attributes = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("FirstName", name),
}).ToList();
var import = await agent.ImportCustomersAsync(customers);
Console.WriteLine($"Imported {import.Imported} customers ({import.Errors.Count} rejected).");

var tick = await agent.RunOnceAsync(); // One tick at the clock's now: decide for every due customer, then dispatch.
Console.WriteLine($"Agent tick: {tick.Decide.Evaluated} customers evaluated, {tick.Dispatch.Sent} messages sent.");

Console.WriteLine();
Console.WriteLine($"The receiver verified and accepted {receiver.Received.Count} messages:");
foreach (var message in receiver.Received)
{
    Console.WriteLine($"  {message.Id}  key {message.IdempotencyKey}  to {message.Payload.Recipient}  [{message.Payload.GoalId}/{message.Payload.VariantId}] \"{message.Payload.Subject}\" {message.Payload.Body}");
}

// The same message again (a retry after a lost answer) is deduplicated by the Idempotency-Key header, and the lookup finds it.
var channel = provider.GetRequiredService<MarketingPipeline>().FindChannel("push")!;
if (receiver.Received.Count > 0)
{
    var first = receiver.Received[0];
    var retry = new OutboundMessage(first.IdempotencyKey, Guid.NewGuid(), first.Payload.CustomerId, "push", first.Payload.Recipient, first.Payload.Body)
    {
        Kind = first.Payload.Kind,
        Subject = first.Payload.Subject,
        Purpose = first.Payload.Purpose,
        GoalId = first.Payload.GoalId,
        VariantId = first.Payload.VariantId,
    };
    var again = await channel.SendAsync(retry);
    var lookup = channel.GetService(typeof(IMessageLookup)) as IMessageLookup;
    var found = lookup is null ? default : await lookup.LookupAsync(retry);
    Console.WriteLine();
    Console.WriteLine($"Re-sent {first.IdempotencyKey}: {again.Status} as {again.ProviderMessageId}; the receiver counted {receiver.Duplicates} duplicate(s) and still holds {receiver.Received.Count} messages.");
    Console.WriteLine($"Lookup of {first.IdempotencyKey}: {found.Status} {found.ProviderMessageId}");
}

// A request signed with another secret is refused.
using (var http = new HttpClient())
{
    var forged = new SignedWebhookChannel(http, new SignedWebhookChannelOptions { Name = "forged", Endpoint = receiver.MessagesEndpoint, Secret = RandomNumberGenerator.GetBytes(32) });
    var refused = await forged.SendAsync(new OutboundMessage("forged-1", Guid.NewGuid(), "cust-001", "forged", "device-token-001", "Not from us") { Kind = ChannelKind.Push });
    Console.WriteLine($"A request signed with the wrong secret: {refused.Status} ({refused.Reason}).");
}

Console.WriteLine($"Refused by the receiver: {string.Join(", ", receiver.Refusals.Select(r => $"{r.Key} {r.Value}"))}");
return receiver.Received.Count == customers.Count ? 0 : 1;
