namespace MarketingAutomation;

/// <summary>Builder shortcuts for the built-in rules.</summary>
public static class PolicyBuilderExtensions
{
    /// <summary>Adds the consent rule.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddConsentPolicy(this IMarketingAutomationBuilder builder) => builder.AddPolicy(new ConsentPolicy());

    /// <summary>Adds a calendar-window cap in the customer's local time ("at most one e-mail per day": <c>AddCalendarCap(1, CalendarPeriod.Day, ChannelKind.Email)</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="maxMessages">The most messages per period.</param>
    /// <param name="period">The period.</param>
    /// <param name="channel">The channel kind capped, or null for all channels together.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddCalendarCap(this IMarketingAutomationBuilder builder, int maxMessages, CalendarPeriod period, ChannelKind? channel = null) =>
        builder.AddPolicy(new CalendarCapPolicy(maxMessages, period, channel));

    /// <summary>Adds a rolling-window frequency cap ("never more than twice a week": <c>AddFrequencyCap(2, Duration.FromDays(7))</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="maxMessages">The most messages in the window.</param>
    /// <param name="window">The window.</param>
    /// <param name="channel">The channel kind capped, or null for all channels together.</param>
    /// <returns>The builder.</returns>
    public static IMarketingAutomationBuilder AddFrequencyCap(this IMarketingAutomationBuilder builder, int maxMessages, Duration window, ChannelKind? channel = null) =>
        builder.AddPolicy(new FrequencyCapPolicy(maxMessages, window, channel));
}
