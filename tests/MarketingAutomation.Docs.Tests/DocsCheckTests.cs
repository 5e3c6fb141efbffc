using System.Reflection;

namespace MarketingAutomation.Docs.Tests;

/// <summary>
/// The docs check: every option (<c>SomethingOptions.Property</c>), telemetry name, log event and console flag that the Markdown names
/// must exist in the code, so that a rename or a removal fails here, naming the file and line, instead of leaving the docs wrong.
/// Options: docs/*.md, README.md and src/*/README.md, by reflection over the src assemblies. Telemetry and log events: docs/telemetry.md
/// (instrument names also everywhere else), by reflection over <see cref="MarketingAutomationDiagnostics"/> and the
/// <c>[LoggerMessage]</c> methods. Flags: docs/*.md, README.md, src/*/README.md, benchmarks/README.md and samples/*/README.md, against the
/// string literals in each console's source, read at test time (the rule that ties a flag to its console is on
/// <see cref="DocScanner.Flags"/>). Each check also requires a minimum number of names so that it cannot pass by finding none; the reverse
/// checks require every option, telemetry name and log event of the code to be documented.
/// </summary>
public sealed class DocsCheckTests(ITestOutputHelper output)
{
    private static readonly string Root = CodeModel.FindRepositoryRoot();
    private static readonly Lazy<CodeModel> Model = new(() => new CodeModel(Root));

    [Fact]
    public void Every_documented_option_exists()
    {
        var names = Documents(options: true).SelectMany(d => DocScanner.OptionNames(d.File, d.Text)).ToList();

        output.WriteLine($"{names.Count} option references in {names.Select(n => n.File).Distinct().Count()} files, {names.Select(n => n.Name).Distinct().Count()} distinct");
        AssertNone(DocsChecker.CheckOptions(names, Model.Value));
        Assert.True(names.Count >= 100, $"only {names.Count} option references found");
    }

    [Fact]
    public void Every_public_option_is_in_the_configuration_reference()
    {
        var text = Read("docs/configuration.md");
        var missing = Model.Value.PublicTypes
            .Where(t => t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal))
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => $"`{t.Name}.{p.Name}`"))
            .Where(name => !text.Contains(name, StringComparison.Ordinal))
            .ToList();

        AssertNone(missing);
    }

    [Fact]
    public void Every_documented_telemetry_name_exists_and_every_one_is_documented()
    {
        var names = DocScanner.TelemetryNames("docs/telemetry.md", Read("docs/telemetry.md"))
            .Concat(Documents(options: true).SelectMany(d => DocScanner.TelemetryNames(d.File, d.Text)).Where(n => n.Name.StartsWith("marketing_automation.", StringComparison.Ordinal)))
            .ToList();

        output.WriteLine($"{names.Count} telemetry names, {names.Select(n => n.Name).Distinct().Count()} distinct; {Model.Value.TelemetryNames.Count} in the code");
        AssertNone(DocsChecker.CheckTelemetry(names, Model.Value));
        Assert.True(names.Count >= 13, $"only {names.Count} telemetry names found");
        var undocumented = Model.Value.TelemetryNames.Keys.Where(n => !names.Any(d => d.File == "docs/telemetry.md" && d.Name == n)).ToList();
        AssertNone(undocumented);
    }

    [Fact]
    public void Every_documented_log_event_exists_and_every_one_is_documented()
    {
        var events = DocScanner.LogEvents("docs/telemetry.md", Read("docs/telemetry.md")).ToList();

        output.WriteLine($"{events.Count} log events documented; {Model.Value.LogEvents.Count} [LoggerMessage] methods in the code");
        AssertNone(DocsChecker.CheckLogEvents(events, Model.Value));
        Assert.True(events.Count >= 30, $"only {events.Count} log events found");
        Assert.True(Model.Value.LogEvents.Count >= 30, $"only {Model.Value.LogEvents.Count} [LoggerMessage] methods found by reflection");
        var undocumented = Model.Value.LogEvents.Where(c => !events.Any(e => e.EventId == c.EventId)).Select(c => c.ToString()).ToList();
        AssertNone(undocumented);
    }

    [Fact]
    public void Every_documented_console_flag_exists_in_its_console()
    {
        var flags = Documents(options: false).SelectMany(d => DocScanner.Flags(d.File, d.Text)).ToList();

        output.WriteLine($"{flags.Count} flags ({flags.Select(f => (f.Console, f.Flag)).Distinct().Count()} distinct console/flag pairs) for {string.Join(", ", flags.Select(f => f.Console).Distinct())}");
        AssertNone(DocsChecker.CheckFlags(flags, Model.Value));
        Assert.True(flags.Count >= 20, $"only {flags.Count} console flags found");
        Assert.True(flags.Select(f => f.Console).Distinct().Count() >= 3, "flags of fewer than 3 consoles found");
    }

    [Fact]
    public void The_checks_report_wrong_names_with_file_and_line()
    {
        const string Doc = """
            # A page

            Set `MarketingAutomationOptions.BatchSize` and `MarketingAutomationOptions.NoSuchOption`, `NoSuchOptions.Value`,
            and `MarketingAutomationOptions.Dispatch.NoSuchLease`; `MarketingAutomationOptions.Dispatch.Lease` is fine.

            | name | kind |
            |---|---|
            | `MarketingAutomation` | source |
            | `marketing_automation.decisions` | counter |
            | `marketing_automation.no_such_counter` | counter |
            | `MarketingAutomation.NoSuchActivity` | activity |

            | id | name | level | when |
            |---|---|---|---|
            | 1000 | `RunCompleted` | Information | fine |
            | 1000 | `RunFinished` | Information | wrong name |
            | 1999 | `NoSuchEvent` | Warning | no such id |

            ```bash
            dotnet run -c Release --project samples/Quickstart -- --customers 10 --no-such-flag   # comment --ignored
            ```

            | option | meaning |
            |---|---|
            | `--customers <n>` | exists |
            | `--another-bad-flag <n>` | no such flag in the Quickstart |

            ```bash
            dotnet test --project tests/MarketingAutomation.Tests -- --filter-class X
            ```

            | option | meaning |
            |---|---|
            | `--orphan-flag` | no console command before it |
            """;
        var model = Model.Value;

        var options = DocsChecker.CheckOptions(DocScanner.OptionNames("page.md", Doc), model).ToList();
        var telemetry = DocsChecker.CheckTelemetry(DocScanner.TelemetryNames("page.md", Doc), model).ToList();
        var events = DocsChecker.CheckLogEvents(DocScanner.LogEvents("page.md", Doc), model).ToList();
        var flags = DocsChecker.CheckFlags(DocScanner.Flags("page.md", Doc), model).ToList();

        Assert.Equal(3, options.Count);
        Assert.StartsWith("page.md:3: MarketingAutomationOptions.NoSuchOption:", options[0], StringComparison.Ordinal);
        Assert.StartsWith("page.md:3: NoSuchOptions.Value:", options[1], StringComparison.Ordinal);
        Assert.StartsWith("page.md:4: MarketingAutomationOptions.Dispatch.NoSuchLease:", options[2], StringComparison.Ordinal);

        Assert.Equal(["page.md:10: marketing_automation.no_such_counter", "page.md:11: MarketingAutomation.NoSuchActivity"], telemetry.Select(Head));
        Assert.Equal(["page.md:16: RunFinished", "page.md:17: NoSuchEvent"], events.Select(Head));
        Assert.Equal(["page.md:20: --no-such-flag", "page.md:26: --another-bad-flag", "page.md:34: --orphan-flag"], flags.Select(Head));
        Assert.Contains("the source of samples/Quickstart has no string literal \"--another-bad-flag\"", flags[1], StringComparison.Ordinal);
        Assert.Contains("no `dotnet run --project <console>` command before it", flags[2], StringComparison.Ordinal);
    }

    private static void AssertNone(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        if (list.Count > 0)
        {
            Assert.Fail($"{list.Count} problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, list)}");
        }
    }

    private static string Head(string problem) => string.Join(':', problem.Split(':').Take(3));

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    /// <summary>The documents: docs/*.md, README.md and src/*/README.md; for flags also benchmarks/README.md and samples/*/README.md.</summary>
    private static IEnumerable<(string File, string Text)> Documents(bool options)
    {
        var files = Directory.GetFiles(Path.Combine(Root, "docs"), "*.md")
            .Append(Path.Combine(Root, "README.md"))
            .Concat(Directory.GetDirectories(Path.Combine(Root, "src")).Select(d => Path.Combine(d, "README.md")));
        if (!options)
        {
            files = files.Append(Path.Combine(Root, "benchmarks", "README.md"))
                .Concat(Directory.GetDirectories(Path.Combine(Root, "samples")).Select(d => Path.Combine(d, "README.md")));
        }

        return files.Where(File.Exists).Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(Root, f).Replace('\\', '/'), File.ReadAllText(f)));
    }
}
