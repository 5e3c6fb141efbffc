using System.Globalization;
using System.Text.RegularExpressions;

namespace MarketingAutomation.Docs.Tests;

/// <summary>Finds documented names in Markdown text. Pure functions over text, so the unit tests can feed them small in-memory documents.</summary>
internal static partial class DocScanner
{
    /// <summary>
    /// Every option reference <c>ClassName.Member[.Member...]</c> whose class name ends with <c>Options</c>, anywhere on a line (prose, code
    /// spans and code blocks alike), for example <c>MarketingAutomationOptions.Dispatch.Lease</c>.
    /// </summary>
    /// <param name="file">The file name to report.</param>
    /// <param name="text">The Markdown text.</param>
    /// <returns>The references in order.</returns>
    public static IEnumerable<DocName> OptionNames(string file, string text)
    {
        var lines = SplitLines(text);
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match m in OptionReference().Matches(lines[i]))
            {
                yield return new DocName(file, i + 1, m.Value);
            }
        }
    }

    /// <summary>
    /// Every telemetry name in a code span: instrument names (<c>marketing_automation.*</c>), activity names (<c>MarketingAutomation.X</c>
    /// with X one word starting with an upper-case letter, in a table row, since prose names types that way too) and the source name
    /// (<c>MarketingAutomation</c> alone in a table row's code span).
    /// </summary>
    /// <param name="file">The file name to report.</param>
    /// <param name="text">The Markdown text.</param>
    /// <returns>The names in order.</returns>
    public static IEnumerable<DocName> TelemetryNames(string file, string text)
    {
        var lines = SplitLines(text);
        for (var i = 0; i < lines.Length; i++)
        {
            var tableRow = lines[i].TrimStart().StartsWith('|');
            foreach (Match span in CodeSpan().Matches(lines[i]))
            {
                var value = span.Groups[1].Value.Trim();
                if (InstrumentName().IsMatch(value) || (tableRow && (ActivityName().IsMatch(value) || value == "MarketingAutomation")))
                {
                    yield return new DocName(file, i + 1, value);
                }
            }
        }
    }

    /// <summary>Every log event documented as a table row <c>| id | `Name` | Level | ... |</c>.</summary>
    /// <param name="file">The file name to report.</param>
    /// <param name="text">The Markdown text.</param>
    /// <returns>The events in order.</returns>
    public static IEnumerable<DocLogEvent> LogEvents(string file, string text)
    {
        var lines = SplitLines(text);
        for (var i = 0; i < lines.Length; i++)
        {
            var m = LogEventRow().Match(lines[i]);
            if (m.Success)
            {
                yield return new DocLogEvent(file, i + 1, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value, m.Groups[3].Value);
            }
        }
    }

    /// <summary>
    /// Every console flag documented in <paramref name="text"/>, each with the console it belongs to. The rule:
    /// <list type="bullet">
    /// <item>A command is a line of a fenced code block (with its <c>\</c> continuation lines, up to a <c> #</c> comment) or an inline code
    /// span. A command naming <c>--project &lt;path&gt;</c> makes that path the current console of the file when the path is under
    /// <c>samples/</c> or <c>benchmarks/</c>, and clears it otherwise (a test project is no console).</item>
    /// <item>In a command with <c>dotnet run</c> and <c>--project</c>, every <c>--flag</c> after the <c> -- </c> separator is a flag of that
    /// command's console. Flags before the separator are dotnet's own (<c>-c</c>, <c>--project</c>, <c>--no-build</c>) and are not read;
    /// nor are flags of <c>dotnet test</c> commands.</item>
    /// <item>In a table row whose first cell starts with a code span <c>`--flag ...`</c>, the flag is one of the current console (null when
    /// no console command came before it in the file, which the check reports).</item>
    /// </list>
    /// Flags in prose are not read: prose cannot say which console it means.
    /// </summary>
    /// <param name="file">The file name to report.</param>
    /// <param name="text">The Markdown text.</param>
    /// <returns>The flags in order.</returns>
    public static IEnumerable<DocFlag> Flags(string file, string text)
    {
        var lines = SplitLines(text);
        string? console = null;
        var inFence = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            var lineNumber = i + 1;
            List<string> commands = [];
            if (inFence)
            {
                var command = StripComment(line);
                while (command.EndsWith('\\') && i + 1 < lines.Length && !lines[i + 1].TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    command = command[..^1] + " " + StripComment(lines[++i]);
                }

                commands.Add(command);
            }
            else
            {
                commands.AddRange(CodeSpan().Matches(line).Select(m => m.Groups[1].Value));
                var row = FlagTableRow().Match(line);
                if (row.Success)
                {
                    yield return new DocFlag(file, lineNumber, row.Groups[1].Value, console);
                }
            }

            foreach (var command in commands)
            {
                var project = ProjectOption().Match(command);
                if (!project.Success)
                {
                    continue;
                }

                var path = project.Groups[1].Value.TrimEnd('/');
                console = path.StartsWith("samples/", StringComparison.Ordinal) || path.StartsWith("benchmarks/", StringComparison.Ordinal) ? path : null;
                var separator = command.IndexOf(" -- ", StringComparison.Ordinal);
                if (console is null || separator < 0 || !command.Contains("dotnet run", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (Match flag in Flag().Matches(command[(separator + 4)..]))
                {
                    yield return new DocFlag(file, lineNumber, flag.Value, console);
                }
            }
        }
    }

    private static string[] SplitLines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    private static string StripComment(string line)
    {
        var comment = line.IndexOf(" #", StringComparison.Ordinal);
        return (comment < 0 ? line : line[..comment]).TrimEnd();
    }

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*Options(?:\.[A-Z][A-Za-z0-9]*)+\b")]
    private static partial Regex OptionReference();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^marketing_automation(\.[a-z0-9_]+)+$")]
    private static partial Regex InstrumentName();

    [GeneratedRegex(@"^MarketingAutomation\.[A-Z][A-Za-z0-9]*$")]
    private static partial Regex ActivityName();

    [GeneratedRegex(@"^\s*\|\s*(\d+)\s*\|\s*`([A-Za-z0-9_]+)`\s*\|\s*([A-Za-z]+)\s*\|")]
    private static partial Regex LogEventRow();

    [GeneratedRegex(@"^\s*\|\s*`(--[A-Za-z][A-Za-z0-9-]*)[^`]*`")]
    private static partial Regex FlagTableRow();

    [GeneratedRegex(@"--project\s+([^\s`]+)")]
    private static partial Regex ProjectOption();

    [GeneratedRegex(@"(?<![\w-])--[A-Za-z][A-Za-z0-9-]*")]
    private static partial Regex Flag();
}
