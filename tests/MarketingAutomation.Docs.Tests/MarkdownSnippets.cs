using System.Text.RegularExpressions;

namespace MarketingAutomation.Docs.Tests;

/// <summary>One fenced code block of a Markdown file.</summary>
/// <param name="File">The Markdown file, relative to the repository root, with forward slashes.</param>
/// <param name="Line">The 1-based line of the block's first code line (the line after the opening fence).</param>
/// <param name="Language">The fence's info string (<c>csharp</c>, <c>bash</c>...), lower case; empty when none.</param>
/// <param name="Code">The code, with the fence's indentation removed.</param>
/// <param name="Prelude">C# statements from a <c>&lt;!-- snippet-prelude: ... --&gt;</c> comment right before the block, or null.</param>
/// <param name="NotCompiledReason">The reason of a <c>&lt;!-- snippet: not-compiled (reason) --&gt;</c> comment right before the block, or null.</param>
public sealed record MarkdownSnippet(string File, int Line, string Language, string Code, string? Prelude, string? NotCompiledReason)
{
    /// <summary>Gets a value indicating whether the block is fenced as C# (<c>csharp</c>, <c>cs</c> or <c>c#</c>).</summary>
    public bool IsCSharp => Language is "csharp" or "cs" or "c#";

    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>Reads the fenced code blocks of a Markdown file and the snippet comments (<c>snippet-prelude</c>, <c>snippet: not-compiled</c>) right before them.</summary>
public static partial class MarkdownSnippets
{
    /// <summary>Extracts every fenced block (``` or ~~~, also indented inside list items) with the comment directly above it.</summary>
    /// <param name="file">The file name to report (relative to the repository root).</param>
    /// <param name="markdown">The Markdown text.</param>
    /// <returns>The blocks in document order.</returns>
    public static IReadOnlyList<MarkdownSnippet> Extract(string file, string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var snippets = new List<MarkdownSnippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = OpeningFence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var indent = open.Groups["indent"].Value.Length;
            var fence = open.Groups["fence"].Value;
            var language = open.Groups["info"].Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            var code = new List<string>();
            var j = i + 1;
            for (; j < lines.Length; j++)
            {
                var trimmed = lines[j].Trim();
                if (trimmed.Length >= fence.Length && trimmed.All(c => c == fence[0]))
                {
                    break;
                }

                code.Add(Unindent(lines[j], indent));
            }

            var (prelude, notCompiled) = ReadDirective(lines, i);
            snippets.Add(new MarkdownSnippet(file, i + 2, language.ToLowerInvariant(), string.Join('\n', code), prelude, notCompiled));
            i = j;
        }

        return snippets;
    }

    private static string Unindent(string line, int indent)
    {
        var n = 0;
        while (n < indent && n < line.Length && line[n] == ' ')
        {
            n++;
        }

        return line[n..];
    }

    // The HTML comment that ends on the last non-blank line before the fence, if it is a snippet directive.
    private static (string? Prelude, string? NotCompiled) ReadDirective(string[] lines, int fenceLine)
    {
        var end = fenceLine - 1;
        while (end >= 0 && lines[end].Trim().Length == 0)
        {
            end--;
        }

        if (end < 0 || !lines[end].TrimEnd().EndsWith("-->", StringComparison.Ordinal))
        {
            return (null, null);
        }

        var start = end;
        while (start >= 0 && !lines[start].Contains("<!--", StringComparison.Ordinal))
        {
            start--;
        }

        if (start < 0)
        {
            return (null, null);
        }

        var comment = string.Join('\n', lines[start..(end + 1)]).Trim();
        comment = comment[(comment.IndexOf("<!--", StringComparison.Ordinal) + 4)..^3].Trim();
        if (comment.StartsWith("snippet-prelude:", StringComparison.Ordinal))
        {
            return (comment["snippet-prelude:".Length..].Trim(), null);
        }

        var notCompiled = NotCompiled().Match(comment);
        return notCompiled.Success ? (null, notCompiled.Groups["reason"].Value.Trim()) : (null, null);
    }

    [GeneratedRegex(@"^(?<indent> *)(?<fence>`{3,}|~{3,})(?<info>[^`]*)$")]
    private static partial Regex OpeningFence();

    [GeneratedRegex(@"^snippet:\s*not-compiled\s*\((?<reason>[^)]+)\)\s*$")]
    private static partial Regex NotCompiled();
}
