using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace MarketingAutomation.Docs.Tests;

/// <summary>A name found in a Markdown file, with the file and the 1-based line it is on.</summary>
/// <param name="File">The file, relative to the repository root.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Name">The name as written.</param>
internal sealed record DocName(string File, int Line, string Name);

/// <summary>A log event documented as a table row: id, name and level.</summary>
/// <param name="File">The file.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="EventId">The event id.</param>
/// <param name="EventName">The event name.</param>
/// <param name="Level">The level as written (for example <c>Information</c>).</param>
internal sealed record DocLogEvent(string File, int Line, int EventId, string EventName, string Level);

/// <summary>A console flag found in a Markdown file, with the console it was documented for (null when none could be told).</summary>
/// <param name="File">The file.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Flag">The flag, for example <c>--customers</c>.</param>
/// <param name="Console">The console's project folder relative to the repository root (for example <c>samples/Quickstart</c>), or null.</param>
internal sealed record DocFlag(string File, int Line, string Flag, string? Console);

/// <summary>What the code defines, by reflection over the src assemblies and by reading the consoles' source.</summary>
internal sealed partial class CodeModel
{
    private readonly Dictionary<string, string> consoleSources = new(StringComparer.Ordinal);

    public CodeModel(string repositoryRoot)
    {
        RepositoryRoot = repositoryRoot;
        Assemblies =
        [
            typeof(ICustomerStore).Assembly,
            typeof(MarketingAutomationOptions).Assembly,
            typeof(MarketingAutomation.Testing.InMemoryCustomerStore).Assembly,
            typeof(MarketingAutomation.Simulation.SimulationOptions).Assembly,
            typeof(EntityFrameworkCoreStoreOptions).Assembly,
        ];
        PublicTypes = [.. Assemblies.SelectMany(a => a.GetExportedTypes())];
        TelemetryNames = typeof(MarketingAutomationDiagnostics)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToDictionary(f => (string)f.GetRawConstantValue()!, f => f.Name, StringComparer.Ordinal);
        LogEvents = [.. Assemblies
            .SelectMany(SafeTypes)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => new CodeLogEvent(x.Attribute!.EventId, x.Attribute.EventName ?? x.Method.Name, x.Attribute.Level, x.Method.DeclaringType!.FullName + "." + x.Method.Name))];
    }

    public string RepositoryRoot { get; }

    public IReadOnlyList<Assembly> Assemblies { get; }

    /// <summary>Gets the public types of the src assemblies.</summary>
    public IReadOnlyList<Type> PublicTypes { get; }

    /// <summary>Gets the string constants of <see cref="MarketingAutomationDiagnostics"/>: value to field name.</summary>
    public IReadOnlyDictionary<string, string> TelemetryNames { get; }

    /// <summary>Gets every method with a <see cref="LoggerMessageAttribute"/> in the src assemblies.</summary>
    public IReadOnlyList<CodeLogEvent> LogEvents { get; }

    /// <summary>Finds the repository root (the folder holding MarketingAutomation.sln) above the test's output folder.</summary>
    /// <returns>The root.</returns>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MarketingAutomation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MarketingAutomation.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Returns the C# source of a console: every .cs file in its folder (bin and obj excluded) and the files its project compiles from elsewhere.</summary>
    /// <param name="console">The console's folder relative to the root.</param>
    /// <returns>The concatenated source, or null when the folder has no project.</returns>
    public string? ConsoleSource(string console)
    {
        if (consoleSources.TryGetValue(console, out var cached))
        {
            return cached;
        }

        var dir = Path.Combine(RepositoryRoot, console);
        var project = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.csproj").FirstOrDefault() : null;
        if (project is null)
        {
            return null;
        }

        var files = new List<string>(Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories).Where(f => !IsBuildOutput(dir, f)));
        foreach (Match include in CompileInclude().Matches(File.ReadAllText(project)))
        {
            var pattern = include.Groups[1].Value.Replace('\\', '/');
            var folder = Path.GetFullPath(Path.Combine(dir, Path.GetDirectoryName(pattern) ?? "."));
            if (Directory.Exists(folder))
            {
                files.AddRange(Directory.GetFiles(folder, Path.GetFileName(pattern)));
            }
        }

        var source = string.Join('\n', files.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(File.ReadAllText));
        consoleSources[console] = source;
        return source;
    }

    private static bool IsBuildOutput(string dir, string file)
    {
        var relative = Path.GetRelativePath(dir, file).Replace('\\', '/');
        return relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal);
    }

    private static IEnumerable<Type> SafeTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.Where(t => t is not null)!;
        }
    }

    [GeneratedRegex(@"<Compile\s+Include=""([^""]+\.cs)""")]
    private static partial Regex CompileInclude();
}

/// <summary>A log event the code defines.</summary>
/// <param name="EventId">The id.</param>
/// <param name="EventName">The name.</param>
/// <param name="Level">The level.</param>
/// <param name="Method">The declaring method, for messages.</param>
internal sealed record CodeLogEvent(int EventId, string EventName, LogLevel Level, string Method)
{
    public string LevelName => Level.ToString();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{EventId} {EventName} ({Level}) on {Method}");
}
