namespace MarketingAutomation.Simulation;

/// <summary>A rolling-window frequency cap of the lab's rule set.</summary>
/// <param name="MaxMessages">The most marketing messages in the window.</param>
/// <param name="Window">The rolling window.</param>
/// <param name="Channel">The channel kind capped, or null for every channel together.</param>
public readonly record struct LabCap(int MaxMessages, Duration Window, ChannelKind? Channel = null);

/// <summary>
/// The hard rules every lab strategy runs under, the same for all of them: marketing consent in force at send time, quiet hours in the
/// recipient's local time, and rolling frequency caps across channels. <see cref="Apply"/> adds them to the agent through the engine's
/// builder; <see cref="ViolationAuditor"/> re-checks every sent message against the same values, independently of the engine.
/// </summary>
public sealed class LabRules
{
    /// <summary>Gets the default rules: consent, 08:00-21:00 local, at most 1 marketing message per 24 h and 3 per 7 days across channels.</summary>
    public static LabRules Default { get; } = new();

    /// <summary>Gets the first local time a marketing message may go out (included).</summary>
    /// <value>The default value is 08:00.</value>
    public LocalTime SendFrom { get; init; } = new(8, 0);

    /// <summary>Gets the first local time no marketing message may go out any more (excluded).</summary>
    /// <value>The default value is 21:00.</value>
    public LocalTime SendUntil { get; init; } = new(21, 0);

    /// <summary>Gets the rolling caps on marketing messages.</summary>
    /// <value>The default value is 1 per 24 hours and 3 per 7 days, across channels.</value>
    public ImmutableArray<LabCap> Caps { get; init; } = [new(1, Duration.FromDays(1)), new(3, Duration.FromDays(7))];

    /// <summary>Checks the rules.</summary>
    /// <returns>Every problem, naming the property and the fix; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (SendFrom == SendUntil)
        {
            problems.Add($"LabRules.SendFrom ({SendFrom}) equals LabRules.SendUntil: the sending window would never open; use for example 08:00 and 21:00.");
        }

        if (Caps.IsDefault)
        {
            problems.Add("LabRules.Caps is default; set it to an array (empty for no caps).");
            return problems;
        }

        for (var i = 0; i < Caps.Length; i++)
        {
            if (Caps[i].MaxMessages < 1)
            {
                problems.Add($"LabRules.Caps[{i}].MaxMessages is {Caps[i].MaxMessages}; it must be 1 or more.");
            }

            if (Caps[i].Window <= Duration.Zero)
            {
                problems.Add($"LabRules.Caps[{i}].Window is {Caps[i].Window}; it must be positive, for example Duration.FromDays(7).");
            }
        }

        return problems;
    }

    /// <summary>Adds the rules to an agent: <c>AddConsentPolicy</c>, <c>AddQuietHours</c> and one <c>AddFrequencyCap</c> per cap.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public IMarketingAutomationBuilder Apply(IMarketingAutomationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddConsentPolicy().AddQuietHours(SendFrom, SendUntil);
        foreach (var cap in Caps)
        {
            builder.AddFrequencyCap(cap.MaxMessages, cap.Window, cap.Channel);
        }

        return builder;
    }

    /// <summary>Returns whether a local time is inside the sending window.</summary>
    /// <param name="time">The recipient's local time.</param>
    /// <returns><see langword="true"/> when a marketing message may go out at that local time.</returns>
    public bool IsSendingTime(LocalTime time) =>
        SendFrom < SendUntil ? time >= SendFrom && time < SendUntil : time >= SendFrom || time < SendUntil;
}
