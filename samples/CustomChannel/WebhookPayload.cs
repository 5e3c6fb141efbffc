using System.Text.Json;
using System.Text.Json.Serialization;
using MarketingAutomation;

namespace CustomChannel;

/// <summary>The JSON body the channel POSTs. Personal data (recipient, subject, body): the receiver must treat it as such.</summary>
/// <param name="MessageId">The idempotency key (also sent as the <c>Idempotency-Key</c> header).</param>
/// <param name="CustomerId">The customer's id in the marketing system.</param>
/// <param name="Channel">The channel's registration name.</param>
/// <param name="Kind">The address kind.</param>
/// <param name="Recipient">The device token or handle.</param>
/// <param name="Subject">The title, if any.</param>
/// <param name="Body">The rendered body.</param>
/// <param name="Purpose">Marketing or transactional.</param>
/// <param name="GoalId">The goal that produced the message.</param>
/// <param name="VariantId">The content variant.</param>
public sealed record WebhookPayload(
    string MessageId,
    string CustomerId,
    string Channel,
    ChannelKind Kind,
    string Recipient,
    string? Subject,
    string Body,
    MessagePurpose Purpose,
    string GoalId,
    string VariantId)
{
    /// <summary>Gets the serializer options both sides use (camelCase names, enums as camelCase strings).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Maps an outbound message to the payload.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The payload.</returns>
    public static WebhookPayload From(OutboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(message.MessageId, message.CustomerId, message.Channel, message.Kind, message.Recipient, message.Subject, message.Body, message.Purpose, message.GoalId, message.VariantId);
    }
}

/// <summary>The receiver's answer to an accepted message or a successful lookup.</summary>
/// <param name="Id">The receiver's id for the message.</param>
public sealed record WebhookAcceptedResponse(string Id);

/// <summary>The receiver's answer to a refused request.</summary>
/// <param name="Error">A short machine-readable code (<c>invalid_signature</c>, <c>unknown_recipient</c>...).</param>
public sealed record WebhookErrorResponse(string Error);
