namespace MarketingAutomation;

/// <summary>The base of every exception the SDK throws on purpose. Thrown at startup for configuration problems, never from running loops.</summary>
public class MarketingAutomationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="MarketingAutomationException"/> class.</summary>
    public MarketingAutomationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MarketingAutomationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public MarketingAutomationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MarketingAutomationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MarketingAutomationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The pipeline composition is invalid. The message lists every problem and the call that fixes it.</summary>
public sealed class MarketingAutomationConfigurationException : MarketingAutomationException
{
    /// <summary>Initializes a new instance of the <see cref="MarketingAutomationConfigurationException"/> class.</summary>
    public MarketingAutomationConfigurationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MarketingAutomationConfigurationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public MarketingAutomationConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MarketingAutomationConfigurationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MarketingAutomationConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MarketingAutomationConfigurationException"/> class from a list of problems.</summary>
    /// <param name="problems">Every problem found.</param>
    public MarketingAutomationConfigurationException(IReadOnlyList<string> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<string> Problems { get; } = [];

    private static string Format(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return $"MarketingAutomation is not configured correctly ({problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}):"
            + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => " - " + p));
    }
}
