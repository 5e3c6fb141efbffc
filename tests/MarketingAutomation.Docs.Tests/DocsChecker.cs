using System.Globalization;
using System.Reflection;

namespace MarketingAutomation.Docs.Tests;

/// <summary>Compares documented names with the code; every problem names the file and the line.</summary>
internal static class DocsChecker
{
    /// <summary>
    /// Flags of a console that belong to a library the console hands its arguments to, not to the console's own source:
    /// MarketingAutomation.Benchmarks passes them to BenchmarkDotNet's <c>BenchmarkSwitcher</c>.
    /// </summary>
    private static readonly Dictionary<string, HashSet<string>> ForwardedFlags = new(StringComparer.Ordinal)
    {
        ["benchmarks/MarketingAutomation.Benchmarks"] = new(StringComparer.Ordinal)
        {
            "--filter", "--job", "--iterationCount", "--warmupCount", "--launchCount", "--list", "--memory", "--exporters", "--runtimes", "--join",
            "--artifacts", "--anyCategories", "--allCategories", "--inProcess",
        },
    };

    /// <summary>Checks option references: the class must be a public type of the src assemblies and each member a public member of the one before.</summary>
    /// <param name="names">The references.</param>
    /// <param name="model">The code.</param>
    /// <returns>The problems.</returns>
    public static IEnumerable<string> CheckOptions(IEnumerable<DocName> names, CodeModel model)
    {
        foreach (var name in names)
        {
            var parts = name.Name.Split('.');
            var types = model.PublicTypes.Where(t => t.Name == parts[0]).ToList();
            if (types.Count == 0)
            {
                yield return Problem(name.File, name.Line, name.Name, $"no public class {parts[0]} in the src assemblies");
                continue;
            }

            var type = types[0];
            for (var i = 1; i < parts.Length && type is not null; i++)
            {
                var member = type.GetMember(parts[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).FirstOrDefault();
                if (member is null)
                {
                    yield return Problem(name.File, name.Line, name.Name, $"{type.Name} has no public member {parts[i]}");
                    break;
                }

                type = member switch
                {
                    PropertyInfo p => p.PropertyType,
                    FieldInfo f => f.FieldType,
                    Type nested => nested,
                    _ => null,
                };
            }
        }
    }

    /// <summary>Checks telemetry names against the string constants of <see cref="MarketingAutomationDiagnostics"/>.</summary>
    /// <param name="names">The names.</param>
    /// <param name="model">The code.</param>
    /// <returns>The problems.</returns>
    public static IEnumerable<string> CheckTelemetry(IEnumerable<DocName> names, CodeModel model) =>
        names.Where(n => !model.TelemetryNames.ContainsKey(n.Name))
            .Select(n => Problem(n.File, n.Line, n.Name, "no such constant in MarketingAutomationDiagnostics (source, instrument or activity name)"));

    /// <summary>Checks log events: a [LoggerMessage] with the same id must have the same name and level.</summary>
    /// <param name="events">The documented events.</param>
    /// <param name="model">The code.</param>
    /// <returns>The problems.</returns>
    public static IEnumerable<string> CheckLogEvents(IEnumerable<DocLogEvent> events, CodeModel model)
    {
        foreach (var e in events)
        {
            var code = model.LogEvents.Where(c => c.EventId == e.EventId).ToList();
            if (code.Count == 0)
            {
                yield return Problem(e.File, e.Line, e.EventName, string.Create(CultureInfo.InvariantCulture, $"no [LoggerMessage] with EventId = {e.EventId}"));
            }
            else if (!code.Any(c => c.EventName == e.EventName && c.LevelName == e.Level))
            {
                yield return Problem(e.File, e.Line, e.EventName, string.Create(CultureInfo.InvariantCulture, $"event {e.EventId} is {string.Join(", ", code)} in the code, documented as {e.EventName} ({e.Level})"));
            }
        }
    }

    /// <summary>Checks console flags: the console's source must hold the flag as the string literal <c>"--flag"</c> (or hand it to a library, see <see cref="ForwardedFlags"/>).</summary>
    /// <param name="flags">The flags.</param>
    /// <param name="model">The code.</param>
    /// <returns>The problems.</returns>
    public static IEnumerable<string> CheckFlags(IEnumerable<DocFlag> flags, CodeModel model)
    {
        foreach (var flag in flags)
        {
            if (flag.Console is null)
            {
                yield return Problem(flag.File, flag.Line, flag.Flag, "documented in an option table with no `dotnet run --project <console>` command before it in the file");
                continue;
            }

            var source = model.ConsoleSource(flag.Console);
            if (source is null)
            {
                yield return Problem(flag.File, flag.Line, flag.Flag, $"the console {flag.Console} does not exist (no project in that folder)");
            }
            else if (!source.Contains('"' + flag.Flag + '"', StringComparison.Ordinal)
                && !(ForwardedFlags.TryGetValue(flag.Console, out var forwarded) && forwarded.Contains(flag.Flag)))
            {
                yield return Problem(flag.File, flag.Line, flag.Flag, $"the source of {flag.Console} has no string literal \"{flag.Flag}\"");
            }
        }
    }

    private static string Problem(string file, int line, string name, string why) =>
        string.Create(CultureInfo.InvariantCulture, $"{file}:{line}: {name}: {why}");
}
