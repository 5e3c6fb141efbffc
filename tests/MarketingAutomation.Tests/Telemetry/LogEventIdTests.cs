using System.Reflection;
using Microsoft.Extensions.Logging;

namespace MarketingAutomation.Tests.Telemetry;

/// <summary>Log event ids are documented per event; two events sharing an id would make filters and alerts ambiguous.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Every_log_event_of_the_engine_has_its_own_id_and_name_in_the_1000_to_1999_range()
    {
        var events = typeof(MarketingAgent).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (x.Attribute!.EventId, Name: x.Attribute.EventName ?? x.Method.Name, Where: $"{x.Method.DeclaringType!.Name}.{x.Method.Name}"))
            .ToList();

        Assert.True(events.Count > 30, $"Expected the engine's log events, found {events.Count}.");
        var sharedIds = events.GroupBy(e => e.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Where))}").ToList();
        Assert.True(sharedIds.Count == 0, "Log event ids used twice: " + string.Join("; ", sharedIds));
        var sharedNames = events.GroupBy(e => e.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(sharedNames.Count == 0, "Log event names used twice: " + string.Join(", ", sharedNames));
        Assert.All(events, e => Assert.InRange(e.EventId, 1000, 1999));
    }
}
