using Microsoft.Extensions.Logging;

namespace MarketingAutomation;

/// <summary>
/// Log messages of the engine (event ids 1000-1999: 100x agent, 101x dispatch, 102x review, 103x feedback, 104x decisions, 105x outbox
/// recovery after a crash). Personal data only in the *Sensitive methods, at Trace.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "RunCompleted", Level = LogLevel.Information,
        Message = "Agent tick at {Now}: {Evaluated} customers evaluated, {Scheduled} messages scheduled, {Reviews} held for review, {Errors} errors, {Sent} sent, {Failed} failed.")]
    public static partial void RunCompleted(ILogger logger, Instant now, int evaluated, int scheduled, int reviews, int errors, int sent, int failed);

    [LoggerMessage(EventId = 1001, EventName = "TickFailed", Level = LogLevel.Error,
        Message = "Agent tick failed with {ExceptionType} ({Failures} failure(s) in a row); the agent backs off and tries again in {RetryDelay}.")]
    public static partial void TickFailed(ILogger logger, Exception exception, string exceptionType, int failures, TimeSpan retryDelay);

    [LoggerMessage(EventId = 1005, EventName = "TicksRecovered", Level = LogLevel.Information,
        Message = "Agent tick succeeded again after {Failures} failed tick(s) over {Downtime}; back to the poll interval.")]
    public static partial void TicksRecovered(ILogger logger, int failures, TimeSpan downtime);

    [LoggerMessage(EventId = 1006, EventName = "StoreUnreachableAtStartup", Level = LogLevel.Critical,
        Message = "The customer store {Store} could not be read at startup; the agent does not start.")]
    public static partial void StoreUnreachableAtStartup(ILogger logger, Exception exception, string store);

    [LoggerMessage(EventId = 1002, EventName = "CustomerEvaluationFailed", Level = LogLevel.Warning,
        Message = "Evaluation of customer {CustomerId} failed with {ExceptionType}; recorded on the trace, the batch goes on.")]
    public static partial void CustomerEvaluationFailed(ILogger logger, string customerId, string exceptionType);

    [LoggerMessage(EventId = 1003, EventName = "CustomerRejected", Level = LogLevel.Warning,
        Message = "Customer at index {Index} (id {CustomerId}) rejected: {ErrorCount} problem(s) in {Fields}.")]
    public static partial void CustomerRejected(ILogger logger, int index, string? customerId, int errorCount, string fields);

    [LoggerMessage(EventId = 1010, EventName = "MessageSent", Level = LogLevel.Debug,
        Message = "Message {MessageId} for customer {CustomerId} accepted by channel {Channel}.")]
    public static partial void MessageSent(ILogger logger, string messageId, string customerId, string channel);

    [LoggerMessage(EventId = 1011, EventName = "MessageSentSensitive", Level = LogLevel.Trace,
        Message = "Message {MessageId} to {Recipient}: {Body}")]
    public static partial void MessageSentSensitive(ILogger logger, string messageId, string recipient, string body);

    [LoggerMessage(EventId = 1012, EventName = "MessageFailed", Level = LogLevel.Warning,
        Message = "Message {MessageId} on channel {Channel} failed ({Status}) after attempt {Attempt}; the provider's reason is on the outbox row.")]
    public static partial void MessageFailed(ILogger logger, string messageId, string channel, OutboxStatus status, int attempt);

    [LoggerMessage(EventId = 1013, EventName = "MessageOutcomeUnknown", Level = LogLevel.Warning,
        Message = "Message {MessageId} on channel {Channel} has an unknown outcome; it is not retried and needs a lookup or review (MarketingAgent.SettleUnknownAsync).")]
    public static partial void MessageOutcomeUnknown(ILogger logger, string messageId, string channel);

    [LoggerMessage(EventId = 1016, EventName = "ProviderReasonSensitive", Level = LogLevel.Trace,
        Message = "Message {MessageId}: provider reason {Reason}")]
    public static partial void ProviderReasonSensitive(ILogger logger, string messageId, string? reason);

    [LoggerMessage(EventId = 1014, EventName = "UnknownChannel", Level = LogLevel.Error,
        Message = "Outbox message {MessageId} names channel {Channel}, which is not registered; it is failed.")]
    public static partial void UnknownChannel(ILogger logger, string messageId, string channel);

    [LoggerMessage(EventId = 1015, EventName = "CompletionRefused", Level = LogLevel.Warning,
        Message = "Completion of outbox message {MessageId} was refused: the lease was lost to another dispatcher.")]
    public static partial void CompletionRefused(ILogger logger, string messageId);

    [LoggerMessage(EventId = 1060, EventName = "ReclaimedOutcomeUnknown", Level = LogLevel.Warning,
        Message = "Message {MessageId} on channel {Channel} was taken over after a dispatcher's lease ended during its attempt (claim {Attempt}); the channel has no lookup or the lookup could not answer, so it is Unknown, not re-sent (settle with MarketingAgent.SettleUnknownAsync).")]
    public static partial void ReclaimedOutcomeUnknown(ILogger logger, string messageId, string channel, int attempt);

    [LoggerMessage(EventId = 1061, EventName = "ReclaimedFoundAtProvider", Level = LogLevel.Information,
        Message = "Message {MessageId} on channel {Channel} was taken over after a dispatcher's lease ended (claim {Attempt}); the provider lookup found it accepted, so it is recorded as sent, not sent again.")]
    public static partial void ReclaimedFoundAtProvider(ILogger logger, string messageId, string channel, int attempt);

    [LoggerMessage(EventId = 1062, EventName = "ReclaimedNotFoundAtProvider", Level = LogLevel.Information,
        Message = "Message {MessageId} on channel {Channel} was taken over after a dispatcher's lease ended (claim {Attempt}); the provider lookup did not find it, so it is sent now.")]
    public static partial void ReclaimedNotFoundAtProvider(ILogger logger, string messageId, string channel, int attempt);

    [LoggerMessage(EventId = 1063, EventName = "LeaseTooShortToSend", Level = LogLevel.Warning,
        Message = "Message {MessageId} on channel {Channel} was put back unsent: its lease would have ended during the send (a batch took longer than DispatchOptions.Lease allows; lengthen the lease or lower ClaimBatchSize).")]
    public static partial void LeaseTooShortToSend(ILogger logger, string messageId, string channel);

    [LoggerMessage(EventId = 1020, EventName = "ReviewResolved", Level = LogLevel.Information,
        Message = "Review {ReviewId} for customer {CustomerId} {Result} by {Reviewer}.")]
    public static partial void ReviewResolved(ILogger logger, string reviewId, string customerId, string result, string reviewer);

    [LoggerMessage(EventId = 1030, EventName = "FeedbackIngested", Level = LogLevel.Debug,
        Message = "Ingested {Appended} new events ({Duplicates} duplicates, {Unknown} for unknown customers).")]
    public static partial void FeedbackIngested(ILogger logger, int appended, int duplicates, int unknown);

    [LoggerMessage(EventId = 1031, EventName = "StrategyLearnFailed", Level = LogLevel.Warning,
        Message = "Strategy {Strategy} failed to learn from decision {DecisionId}; the event is stored, learning skipped.")]
    public static partial void StrategyLearnFailed(ILogger logger, Exception exception, string strategy, Guid decisionId);

    [LoggerMessage(EventId = 1040, EventName = "DecisionComposeFailed", Level = LogLevel.Warning,
        Message = "Composing decision {DecisionId} for customer {CustomerId} failed with {ExceptionType}; recorded on the trace.")]
    public static partial void DecisionComposeFailed(ILogger logger, Guid decisionId, string customerId, string exceptionType);

    [LoggerMessage(EventId = 1041, EventName = "DecisionLogFailed", Level = LogLevel.Warning,
        Message = "Decision log {Log} failed with {ExceptionType}; the batch goes on without it.")]
    public static partial void DecisionLogFailed(ILogger logger, string log, string exceptionType);

    [LoggerMessage(EventId = 1017, EventName = "MessageWithdrawn", Level = LogLevel.Information,
        Message = "Message {MessageId} on {Channel} was not sent: {Reason}.")]
    public static partial void MessageWithdrawn(ILogger logger, string messageId, string channel, string reason);

    [LoggerMessage(EventId = 1009, EventName = "DecisionsSuperseded", Level = LogLevel.Information,
        Message = "{Superseded} of {Count} decisions were not committed: their customers changed after they were read (another instance or a new event); they are decided again on the next pass.")]
    public static partial void DecisionsSuperseded(ILogger logger, int superseded, int count);

    [LoggerMessage(EventId = 1004, EventName = "CustomerFileImported", Level = LogLevel.Information,
        Message = "Customer file import ({Kind}) finished: {RowsRead} row(s) read, {Imported} imported, {Unchanged} unchanged, {Rejected} rejected.")]
    public static partial void CustomerFileImported(ILogger logger, string kind, int rowsRead, int imported, int unchanged, int rejected);
}
