namespace MarketingAutomation.Docs.Tests;

/// <summary>
/// Every <c>```csharp</c> block of <c>README.md</c>, <c>src/*/README.md</c>, <c>samples/*/README.md</c>, <c>benchmarks/README.md</c>
/// and <c>docs/**/*.md</c> compiles against the shipped packages (<see cref="SnippetCompiler"/> says how).
/// </summary>
/// <remarks>
/// Conventions for writers:
/// <list type="bullet">
/// <item>Fence C# as <c>```csharp</c>; anything that is not C# to compile (pseudo-code, output) as <c>```text</c>.</item>
/// <item>A block that names variables the text assumes declares them in an HTML comment on the line before the fence (hidden when
/// rendered): <c>&lt;!-- snippet-prelude: IReadOnlyList&lt;Customer&gt; customers = []; --&gt;</c>. The statements run before the
/// block, after its <c>using</c> directives.</item>
/// <item>A C# block that must not be compiled says why on the line before the fence: <c>&lt;!-- snippet: not-compiled (reason) --&gt;</c>.</item>
/// <item>A block with its own <c>using</c> directives must list every namespace it needs beyond the SDK's implicit usings; a block
/// without any is a fragment and gets the packages' namespaces (<see cref="SnippetCompiler.FragmentNamespaces"/>).</item>
/// </list>
/// Each file reports how many blocks it compiled; a file with C# blocks must compile at least one, so the test cannot pass by
/// finding nothing.
/// </remarks>
public sealed class SnippetTests
{
    /// <summary>Gets the Markdown files whose C# blocks are compiled, relative to the repository root.</summary>
    public static TheoryData<string> MarkdownFiles => [.. Repository.MarkdownFiles()];

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Every_csharp_block_compiles(string file)
    {
        var snippets = MarkdownSnippets.Extract(file, File.ReadAllText(Path.Combine(Repository.Root, file)))
            .Where(s => s.IsCSharp)
            .ToList();
        var errors = new List<string>();
        var compiled = 0;
        foreach (var snippet in snippets.Where(s => s.NotCompiledReason is null))
        {
            errors.AddRange(SnippetCompiler.Compile(snippet));
            compiled++;
        }

        var skipped = snippets.Count - compiled;
        TestContext.Current.TestOutputHelper?.WriteLine($"{file}: {compiled} C# blocks compiled, {skipped} marked not-compiled");
        Console.WriteLine($"snippets {file}: compiled={compiled} not_compiled={skipped}");
        Assert.True(errors.Count == 0, $"{file}: README C# blocks do not compile:\n{string.Join('\n', errors)}");
        if (snippets.Count > 0)
        {
            Assert.True(compiled > 0, $"{file} has {snippets.Count} C# blocks but every one is marked not-compiled");
        }
    }

    [Fact]
    public void The_package_readmes_are_among_the_files_and_have_csharp_blocks()
    {
        var files = Repository.MarkdownFiles();
        string[] readmes =
        [
            "README.md",
            "src/MarketingAutomation.Abstractions/README.md",
            "src/MarketingAutomation/README.md",
            "src/MarketingAutomation.Testing/README.md",
            "src/MarketingAutomation.Simulation/README.md",
            "src/MarketingAutomation.EntityFrameworkCore/README.md",
        ];
        foreach (var readme in readmes)
        {
            Assert.Contains(readme, files);
            var blocks = MarkdownSnippets.Extract(readme, File.ReadAllText(Path.Combine(Repository.Root, readme))).Count(s => s.IsCSharp);
            Assert.True(blocks > 0, $"{readme} has no ```csharp block");
        }
    }

    [Fact]
    public void A_block_that_does_not_compile_is_reported_at_its_markdown_line()
    {
        const string markdown = "# Title\n\nText.\n\n```csharp\nvar x = 1;\nint y = \"text\";\n```\n";
        var snippet = Assert.Single(MarkdownSnippets.Extract("docs/example.md", markdown));

        var errors = SnippetCompiler.Compile(snippet);

        var error = Assert.Single(errors);
        Assert.StartsWith("docs/example.md(7,", error, StringComparison.Ordinal);
        Assert.Contains("CS0029", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prelude_declares_what_the_block_assumes_and_an_opt_out_needs_a_reason()
    {
        const string markdown = """
            <!-- snippet-prelude: IReadOnlyList<Customer> customers = []; -->
            ```csharp
            Console.WriteLine(customers.Count);
            ```

            <!-- snippet: not-compiled (pseudo-code) -->
            ```csharp
            decide(customer) -> action
            ```

            ```bash
            dotnet test
            ```
            """;
        var snippets = MarkdownSnippets.Extract("docs/example.md", markdown);

        Assert.Equal(3, snippets.Count);
        Assert.Equal("IReadOnlyList<Customer> customers = [];", snippets[0].Prelude);
        Assert.Empty(SnippetCompiler.Compile(snippets[0]));
        Assert.NotEmpty(SnippetCompiler.Compile(snippets[0] with { Prelude = null }));
        Assert.Equal("pseudo-code", snippets[1].NotCompiledReason);
        Assert.False(snippets[2].IsCSharp);
    }

    [Fact]
    public void A_block_with_its_own_usings_must_list_every_namespace_it_needs()
    {
        var complete = new MarkdownSnippet("README.md", 1, "csharp", "using NodaTime;\n\nvar cap = new Customer(\"c-1\");", null, null);
        var fragment = complete with { Code = "var d = Duration.FromDays(1);" };

        Assert.Contains(SnippetCompiler.Compile(complete), e => e.Contains("CS0246", StringComparison.Ordinal));
        Assert.Empty(SnippetCompiler.Compile(fragment));
    }
}
