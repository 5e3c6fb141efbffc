using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime.Text;

namespace MarketingAutomation;

/// <summary>The document written by <see cref="CustomerDataRights.ExportJsonAsync"/>.</summary>
/// <param name="Format">The format name.</param>
/// <param name="FormatVersion">The format version.</param>
/// <param name="ExportedAt">When the export was made.</param>
/// <param name="Data">Everything held about the customer.</param>
internal sealed record CustomerExportDocument(string Format, int FormatVersion, Instant ExportedAt, CustomerDataExport Data);

/// <summary>Source-generated JSON for the export (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    Converters = [typeof(InstantJsonConverter), typeof(DurationJsonConverter), typeof(DateTimeZoneJsonConverter), typeof(CustomerEventJsonConverter)])]
[JsonSerializable(typeof(CustomerExportDocument))]
[JsonSerializable(typeof(MessageEvent))]
[JsonSerializable(typeof(PurchaseEvent))]
[JsonSerializable(typeof(BrowseEvent))]
[JsonSerializable(typeof(SubscriptionEvent))]
[JsonSerializable(typeof(ConsentEvent))]
internal sealed partial class CustomerExportJsonContext : JsonSerializerContext;

/// <summary>Writes instants as ISO 8601 UTC text with the fraction it has.</summary>
internal sealed class InstantJsonConverter : JsonConverter<Instant>
{
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        InstantPattern.ExtendedIso.Parse(reader.GetString() ?? string.Empty).Value;

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
}

/// <summary>Writes durations with NodaTime's round-trip pattern (<c>-D:hh:mm:ss.fffffffff</c>).</summary>
internal sealed class DurationJsonConverter : JsonConverter<Duration>
{
    public override Duration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DurationPattern.Roundtrip.Parse(reader.GetString() ?? string.Empty).Value;

    public override void Write(Utf8JsonWriter writer, Duration value, JsonSerializerOptions options) =>
        writer.WriteStringValue(DurationPattern.Roundtrip.Format(value));
}

/// <summary>Writes a time zone as its IANA id.</summary>
internal sealed class DateTimeZoneJsonConverter : JsonConverter<DateTimeZone>
{
    public override DateTimeZone? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { } id ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) : null;

    public override void Write(Utf8JsonWriter writer, DateTimeZone value, JsonSerializerOptions options) => writer.WriteStringValue(value.Id);
}

/// <summary>Writes an event as its concrete type with a <c>type</c> property; other event types as their base fields and text.</summary>
internal sealed class CustomerEventJsonConverter : JsonConverter<CustomerEvent>
{
    public override CustomerEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("The export format is written, not read.");

    public override void Write(Utf8JsonWriter writer, CustomerEvent value, JsonSerializerOptions options)
    {
        var context = (CustomerExportJsonContext)options.TypeInfoResolver!;
        using var element = value switch
        {
            MessageEvent m => JsonSerializer.SerializeToDocument(m, context.MessageEvent),
            PurchaseEvent p => JsonSerializer.SerializeToDocument(p, context.PurchaseEvent),
            BrowseEvent b => JsonSerializer.SerializeToDocument(b, context.BrowseEvent),
            SubscriptionEvent s => JsonSerializer.SerializeToDocument(s, context.SubscriptionEvent),
            ConsentEvent c => JsonSerializer.SerializeToDocument(c, context.ConsentEvent),
            _ => null,
        };
        writer.WriteStartObject();
        writer.WriteString("type", value switch
        {
            MessageEvent => "message",
            PurchaseEvent => "purchase",
            BrowseEvent => "browse",
            SubscriptionEvent => "subscription",
            ConsentEvent => "consent",
            _ => value.GetType().Name,
        });
        if (element is null)
        {
            writer.WriteString("eventId", value.EventId);
            writer.WriteString("customerId", value.CustomerId);
            writer.WriteString("occurredAt", InstantPattern.ExtendedIso.Format(value.OccurredAt));
            writer.WriteString("text", value.ToString());
        }
        else
        {
            foreach (var property in element.RootElement.EnumerateObject())
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}
