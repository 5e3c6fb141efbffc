using System.Globalization;

namespace MarketingAutomation.Benchmarking;

/// <summary>The command-line grammar the benchmark consoles share: <c>--flag value</c> or <c>--flag=value</c>, <c>--help</c>, and
/// integers that may carry <c>_</c> or <c>,</c> separators (<c>1_000_000</c>). Each console keeps its own flags and messages.</summary>
internal static class CommandLine
{
    /// <summary>Reads the flag at <paramref name="i"/> and its value (advancing past it), or recognizes a help flag.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="i">The index of the flag; on return, of the last argument read.</param>
    /// <param name="name">The flag (without <c>=value</c>).</param>
    /// <param name="value">The value, or null when the flag has none (the next argument is another flag, or there is none).</param>
    /// <param name="help">Whether the argument asks for help.</param>
    /// <param name="error">A message naming the argument, when it is not a flag.</param>
    /// <returns>Whether the argument is a flag or a help request.</returns>
    public static bool TryRead(string[] args, ref int i, out string name, out string? value, out bool help, out string? error)
    {
        var arg = args[i];
        name = arg;
        value = null;
        error = null;
        help = arg is "--help" or "-h" or "-?" or "/?";
        if (help)
        {
            return true;
        }

        if (!arg.StartsWith("--", StringComparison.Ordinal))
        {
            error = $"unexpected argument '{arg}': options start with '--' (see --help).";
            return false;
        }

        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0)
        {
            name = arg[..eq];
            value = arg[(eq + 1)..];
        }
        else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            value = args[++i];
        }

        return true;
    }

    /// <summary>Reads an integer flag value in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="name">The flag, for the message.</param>
    /// <param name="value">The value (null: missing).</param>
    /// <param name="min">The least value allowed.</param>
    /// <param name="max">The greatest value allowed.</param>
    /// <param name="result">The value, when valid.</param>
    /// <param name="error">A message naming the flag, the range and the value given, when not.</param>
    /// <returns>Whether the value is valid.</returns>
    public static bool TryInt(string name, string? value, int min, int max, out int result, out string? error)
    {
        var range = min == int.MinValue ? "an integer" : string.Create(CultureInfo.InvariantCulture, $"an integer from {min} to {max}");
        if (value is null)
        {
            result = 0;
            error = $"{name} needs a value: {range}.";
            return false;
        }

        var digits = value.Replace("_", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal);
        if (!int.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result) || result < min || result > max)
        {
            error = $"{name} must be {range} (got '{value}').";
            return false;
        }

        error = null;
        return true;
    }
}
