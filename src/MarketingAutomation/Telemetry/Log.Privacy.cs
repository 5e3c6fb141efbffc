using Microsoft.Extensions.Logging;

namespace MarketingAutomation;

/// <content>Inbox conflicts, data-subject rights and model snapshots (event ids 1070-1079). No personal data: counts, event ids, names.</content>
internal static partial class Log
{
    [LoggerMessage(EventId = 1070, EventName = "EventConflicts", Level = LogLevel.Warning,
        Message = "{Conflicts} incoming event(s) reused an event id already seen with different content; they were not applied (first id: {EventId}).")]
    public static partial void EventConflicts(ILogger logger, int conflicts, string eventId);

    [LoggerMessage(EventId = 1071, EventName = "CustomerErased", Level = LogLevel.Information,
        Message = "A customer was erased: {OutboxRows} outbox row(s) ({Unsent} never to be sent), {Traces} trace(s), {Reviews} review(s) removed; {Suppressions} suppression entr(y/ies) added.")]
    public static partial void CustomerErased(ILogger logger, int outboxRows, int unsent, int traces, int reviews, int suppressions);

    [LoggerMessage(EventId = 1072, EventName = "SuppressionsLoaded", Level = LogLevel.Information,
        Message = "Loaded {Count} durable suppression entr(y/ies) into the suppression list.")]
    public static partial void SuppressionsLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 1073, EventName = "ModelStateLoaded", Level = LogLevel.Information,
        Message = "Loaded the model snapshot '{Name}' version {Version} saved at {SavedAt}.")]
    public static partial void ModelStateLoaded(ILogger logger, string name, long version, Instant savedAt);

    [LoggerMessage(EventId = 1074, EventName = "ModelStateSaved", Level = LogLevel.Debug,
        Message = "Saved the model snapshot '{Name}' as version {Version}.")]
    public static partial void ModelStateSaved(ILogger logger, string name, long version);

    [LoggerMessage(EventId = 1075, EventName = "ModelStateUnreadable", Level = LogLevel.Warning,
        Message = "The stored model snapshot '{Name}' cannot be read; the model starts from its priors and the next save replaces the snapshot.")]
    public static partial void ModelStateUnreadable(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 1076, EventName = "StateRestoreFailed", Level = LogLevel.Warning,
        Message = "Restoring the suppression list or the model snapshot failed; the agent tries again at the next tick and does not save the model until then.")]
    public static partial void StateRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1077, EventName = "ModelStateSaveFailed", Level = LogLevel.Warning,
        Message = "Saving the model snapshot '{Name}' failed; the agent tries again later.")]
    public static partial void ModelStateSaveFailed(ILogger logger, Exception exception, string name);
}
