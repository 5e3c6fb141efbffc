using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MarketingAutomation;

/// <summary>
/// Telemetry names. One <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <see cref="SourceName"/>:
/// add them with <c>AddSource("MarketingAutomation")</c> and <c>AddMeter("MarketingAutomation")</c>. Tags never carry personal data.
/// </summary>
public static class MarketingAutomationDiagnostics
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string SourceName = "MarketingAutomation";

    /// <summary>Counter of decisions, tagged <c>outcome</c> and <c>reason</c>.</summary>
    public const string DecisionsCounter = "marketing_automation.decisions";

    /// <summary>
    /// Counter of decisions the store refused because their customer changed between reading and committing (another instance committed
    /// first, or an event arrived); those customers are decided again.
    /// </summary>
    public const string SupersededDecisionsCounter = "marketing_automation.decisions.superseded";

    /// <summary>Histogram of batch decide durations in seconds.</summary>
    public const string BatchDurationHistogram = "marketing_automation.decision.batch.duration";

    /// <summary>Counter of send attempts, tagged <c>channel</c> and <c>status</c>.</summary>
    public const string SendsCounter = "marketing_automation.channel.sends";

    /// <summary>Histogram of send durations in seconds, tagged <c>channel</c>.</summary>
    public const string SendDurationHistogram = "marketing_automation.channel.send.duration";

    /// <summary>Counter of feedback events ingested, tagged <c>kind</c>.</summary>
    public const string FeedbackCounter = "marketing_automation.feedback.events";

    /// <summary>Counter of reviews resolved, tagged <c>result</c>.</summary>
    public const string ReviewsCounter = "marketing_automation.reviews";

    /// <summary>Activity name of one agent tick.</summary>
    public const string RunActivity = "MarketingAutomation.Run";

    /// <summary>Activity name of one decide batch.</summary>
    public const string DecideBatchActivity = "MarketingAutomation.DecideBatch";

    /// <summary>Activity name of one dispatch round.</summary>
    public const string DispatchActivity = "MarketingAutomation.Dispatch";

    /// <summary>Activity name of one send.</summary>
    public const string SendActivity = "MarketingAutomation.Send";

    /// <summary>Activity name of a feedback ingestion.</summary>
    public const string IngestActivity = "MarketingAutomation.Ingest";

    internal static readonly ActivitySource ActivitySource = new(SourceName, typeof(MarketingAutomationDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(SourceName, typeof(MarketingAutomationDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Decisions = Meter.CreateCounter<long>(DecisionsCounter, "{decision}", "Decisions made, by outcome and reason code.");

    internal static readonly Counter<long> SupersededDecisions = Meter.CreateCounter<long>(SupersededDecisionsCounter, "{decision}", "Decisions not committed because their customer changed after it was read.");

    internal static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(BatchDurationHistogram, "s", "Time to decide one batch of customers.");

    internal static readonly Counter<long> Sends = Meter.CreateCounter<long>(SendsCounter, "{attempt}", "Send attempts by channel and status.");

    internal static readonly Histogram<double> SendDuration = Meter.CreateHistogram<double>(SendDurationHistogram, "s", "Send duration by channel.");

    internal static readonly Counter<long> Feedback = Meter.CreateCounter<long>(FeedbackCounter, "{event}", "Feedback events ingested, by kind.");

    internal static readonly Counter<long> Reviews = Meter.CreateCounter<long>(ReviewsCounter, "{review}", "Reviews resolved, by result.");
}
