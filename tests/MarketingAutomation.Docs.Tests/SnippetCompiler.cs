using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MarketingAutomation.Docs.Tests;

/// <summary>
/// Compiles one C# block of a Markdown file with Roslyn, the way a reader would paste it into a .NET 10 app that references every
/// MarketingAutomation package.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>References: every assembly this test process runs with (<c>TRUSTED_PLATFORM_ASSEMBLIES</c>: the .NET runtime, the five
/// packages in <c>src/</c> and their dependencies, Microsoft.Extensions.Hosting, NodaTime.Testing, Npgsql's EF Core provider, xUnit).</item>
/// <item>A block that starts with its own <c>using</c> directives is complete: besides them it gets only the SDK's implicit usings
/// (<c>System</c>, <c>System.Collections.Generic</c>, <c>System.IO</c>, <c>System.Linq</c>, <c>System.Net.Http</c>,
/// <c>System.Threading</c>, <c>System.Threading.Tasks</c>), so a missing <c>using</c> fails. A block without <c>using</c> directives
/// is a fragment and also gets <see cref="FragmentNamespaces"/>.</item>
/// <item>Statements from a <c>&lt;!-- snippet-prelude: ... --&gt;</c> comment right before the block run before it (after its
/// usings): they declare what the surrounding text assumes, such as <c>customers</c> or <c>services</c>.</item>
/// <item>Types a block names as "yours" (<c>MyStore</c>, <c>MyChannel</c>, <c>MyWelcomeGoal</c>...) come from
/// <see cref="Snippets.StandIns"/>, imported into every block.</item>
/// <item>Top-level statements make the block a program; otherwise it is compiled as a library. Only errors fail; errors are
/// reported at their line in the Markdown file (<c>#line</c>).</item>
/// </list>
/// </remarks>
public static partial class SnippetCompiler
{
    /// <summary>The namespaces a fragment (a block without <c>using</c> directives) is compiled with, besides the SDK's implicit usings.</summary>
    public static readonly IReadOnlyList<string> FragmentNamespaces =
    [
        "System.Collections.Immutable",
        "MarketingAutomation",
        "MarketingAutomation.Testing",
        "MarketingAutomation.Simulation",
        "MarketingAutomation.EntityFrameworkCore",
        "Microsoft.EntityFrameworkCore",
        "Microsoft.Extensions.DependencyInjection",
        "NodaTime",
        "NodaTime.Testing",
    ];

    private static readonly string[] ImplicitNamespaces =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    /// <summary>Compiles a C# block.</summary>
    /// <param name="snippet">The block.</param>
    /// <returns>The compiler errors, each as "file(line,column): error CSxxxx: message"; empty when the block compiles.</returns>
    public static IReadOnlyList<string> Compile(MarkdownSnippet snippet)
    {
        ArgumentNullException.ThrowIfNull(snippet);
        var lines = snippet.Code.Split('\n');
        var header = 0;
        while (header < lines.Length && (lines[header].Trim().Length == 0 || lines[header].TrimStart().StartsWith("//", StringComparison.Ordinal) || UsingDirective().IsMatch(lines[header])))
        {
            header++;
        }

        var isComplete = lines[..header].Any(l => UsingDirective().IsMatch(l));
        var path = snippet.File;
        var source = new StringBuilder();
        source.Append("#line ").Append(snippet.Line).Append(" \"").Append(path).AppendLine("\"");
        foreach (var line in lines[..header])
        {
            source.AppendLine(line);
        }

        if (!string.IsNullOrWhiteSpace(snippet.Prelude))
        {
            source.Append("#line ").Append(snippet.Line - 1).Append(" \"").Append(path).AppendLine(" (snippet-prelude)\"");
            source.AppendLine(snippet.Prelude);
            source.Append("#line ").Append(snippet.Line + header).Append(" \"").Append(path).AppendLine("\"");
        }

        foreach (var line in lines[header..])
        {
            source.AppendLine(line);
        }

        var code = CSharpSyntaxTree.ParseText(source.ToString(), ParseOptions, path: path, encoding: Encoding.UTF8);
        var namespaces = isComplete ? ImplicitNamespaces : [.. ImplicitNamespaces, .. FragmentNamespaces];
        var usings = new StringBuilder();
        foreach (var ns in namespaces)
        {
            usings.Append("global using ").Append(ns).AppendLine(";");
        }

        usings.Append("global using ").Append(typeof(Snippets.StandIns).Namespace).AppendLine(";");
        usings.Append("global using static ").Append(typeof(Snippets.StandIns).FullName).AppendLine(";");
        var globalUsings = CSharpSyntaxTree.ParseText(usings.ToString(), ParseOptions, path: "GlobalUsings.g.cs", encoding: Encoding.UTF8);

        var isProgram = ((CompilationUnitSyntax)code.GetRoot()).Members.OfType<GlobalStatementSyntax>().Any();
        var options = new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithAllowUnsafe(false);
        var compilation = CSharpCompilation.Create("Snippet", [globalUsings, code], References.Value, options);
        return
        [
            .. compilation.GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Error)
                .Select(d =>
                {
                    var at = d.Location.GetMappedLineSpan();
                    return $"{at.Path}({at.StartLinePosition.Line + 1},{at.StartLinePosition.Character + 1}): error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
                }),
        ];
    }

    private static List<MetadataReference> LoadReferences()
    {
        var trusted = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
            ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not set: run the snippet tests on .NET (dotnet test).");
        return
        [
            .. trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Select(p => MetadataReference.CreateFromFile(p)),
        ];
    }

    [GeneratedRegex(@"^\s*(global\s+)?using\s+(static\s+)?[A-Za-z_][\w.]*(\s*=\s*[\w.<>, ]+)?\s*;\s*$")]
    private static partial Regex UsingDirective();
}
