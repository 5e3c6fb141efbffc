namespace MarketingAutomation.Simulation;

/// <summary>A public data file does not have the expected format. The message names the file, line and column, and the fix.</summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class.</summary>
    public DataFormatException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DataFormatException"/> class.</summary>
    /// <param name="file">The file path.</param>
    /// <param name="line">The 1-based line number (the header is line 1).</param>
    /// <param name="column">The column name (or null when the whole line is wrong).</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DataFormatException(string file, long line, string? column, string problem, Exception? innerException = null)
        : base($"{file}, line {line}{(column is null ? string.Empty : $", column '{column}'")}: {problem}", innerException)
    {
        FilePath = file;
        Line = line;
        Column = column;
    }

    /// <summary>Gets the file path.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the 1-based line number.</summary>
    public long Line { get; }

    /// <summary>Gets the column name, if the problem is in one column.</summary>
    public string? Column { get; }
}
