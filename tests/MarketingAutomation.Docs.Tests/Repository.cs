namespace MarketingAutomation.Docs.Tests;

/// <summary>Finds the repository (the folder with MarketingAutomation.sln above the test's output folder) and its Markdown files.</summary>
internal static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MarketingAutomation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No MarketingAutomation.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>Gets the repository root.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>Lists README.md, src/*/README.md, samples/*/README.md, benchmarks/README.md and docs/**/*.md, sorted, with forward slashes.</summary>
    /// <returns>The paths relative to the root.</returns>
    public static IReadOnlyList<string> MarkdownFiles()
    {
        var files = new List<string> { Path.Combine(Root, "README.md"), Path.Combine(Root, "benchmarks", "README.md") };
        foreach (var folder in new[] { "src", "samples" })
        {
            var dir = Path.Combine(Root, folder);
            if (Directory.Exists(dir))
            {
                files.AddRange(Directory.GetDirectories(dir).Select(d => Path.Combine(d, "README.md")));
            }
        }

        var docs = Path.Combine(Root, "docs");
        if (Directory.Exists(docs))
        {
            files.AddRange(Directory.GetFiles(docs, "*.md", SearchOption.AllDirectories));
        }

        return [.. files.Where(File.Exists).Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];
    }
}
