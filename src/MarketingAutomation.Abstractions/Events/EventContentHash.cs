using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MarketingAutomation;

/// <summary>
/// The content hash of a <see cref="CustomerEvent"/> for the inbox (RL-02, TW-04, SG-02): SHA-256 of a canonical form of the event, as
/// 64 lower-case hex characters. Stores keep it next to the event id, so a redelivery (same id, same content) is a duplicate and a
/// different event under a reused id (same id, different content) is reported as a conflict instead of being silently dropped.
/// </summary>
/// <remarks>
/// <para>Canonical form: compact UTF-8 JSON with a fixed property order per event type, starting with a type tag; instants as Unix
/// ticks; decimals in invariant culture with trailing zeros removed (<c>42.0</c> and <c>42</c> are the same amount); optional values
/// that are null or false left out, so adding an optional property in a later version keeps the hashes of existing events. Collections
/// keep their order. Event types other than the built-in ones are hashed from their type name, id, customer, instant and
/// <see cref="object.ToString"/> (records print their members).</para>
/// <para>The hash covers the whole event, the event id included, so it never matches an event with another id.</para>
/// </remarks>
public static class EventContentHash
{
    /// <summary>The length of the hex text.</summary>
    public const int Length = 64;

    /// <summary>Computes the content hash of an event.</summary>
    /// <param name="event">The event.</param>
    /// <returns>64 lower-case hex characters.</returns>
    public static string Compute(CustomerEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = false }))
        {
            WriteCanonical(writer, @event);
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Writes the canonical form of an event (the text that is hashed).</summary>
    /// <param name="event">The event.</param>
    /// <returns>The canonical JSON text.</returns>
    public static string CanonicalForm(CustomerEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, @event);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCanonical(Utf8JsonWriter w, CustomerEvent e)
    {
        w.WriteStartObject();
        switch (e)
        {
            case MessageEvent m:
                w.WriteString("$t", "message");
                WriteBase(w, e);
                w.WriteString("decision", m.DecisionId.ToString("N"));
                w.WriteNumber("kind", (int)m.Kind);
                if (m.Channel is { } channel)
                {
                    w.WriteNumber("channel", (int)channel);
                }

                Opt(w, "provider_message_id", m.ProviderMessageId);
                Flag(w, "machine_open", m.IsMachineOpen);
                Flag(w, "hard_bounce", m.IsHardBounce);
                Opt(w, "reply", m.ReplyText);
                Opt(w, "url", m.Url);
                Opt(w, "reason", m.Reason);
                break;
            case PurchaseEvent p:
                w.WriteString("$t", "purchase");
                WriteBase(w, e);
                w.WritePropertyName("purchase");
                WritePurchase(w, p.Purchase);
                break;
            case BrowseEvent b:
                w.WriteString("$t", "browse");
                WriteBase(w, e);
                w.WriteString("category", b.Category);
                Opt(w, "sku", b.Sku);
                break;
            case SubscriptionEvent s:
                w.WriteString("$t", "subscription");
                WriteBase(w, e);
                w.WriteNumber("change", (int)s.Change);
                w.WritePropertyName("subscription");
                WriteSubscription(w, s.Subscription);
                break;
            case ConsentEvent c:
                w.WriteString("$t", "consent");
                WriteBase(w, e);
                w.WritePropertyName("consent");
                WriteConsent(w, c.Consent);
                break;
            default:
                w.WriteString("$t", e.GetType().FullName);
                WriteBase(w, e);
                w.WriteString("text", e.ToString());
                break;
        }

        w.WriteEndObject();
    }

    private static void WriteBase(Utf8JsonWriter w, CustomerEvent e)
    {
        w.WriteString("id", e.EventId);
        w.WriteString("customer", e.CustomerId);
        w.WriteNumber("at", e.OccurredAt.ToUnixTimeTicks());
    }

    private static void WritePurchase(Utf8JsonWriter w, Purchase? p)
    {
        if (p is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteString("order", p.OrderId);
        w.WriteNumber("at", p.At.ToUnixTimeTicks());
        w.WriteString("amount", Amount(p.Amount));
        Opt(w, "currency", p.Currency);
        if (p.AttributedDecisionId is { } decision)
        {
            w.WriteString("decision", decision.ToString("N"));
        }

        w.WriteStartArray("items");
        foreach (var item in p.Items.IsDefault ? [] : p.Items)
        {
            w.WriteStartObject();
            w.WriteString("sku", item.Sku);
            w.WriteString("category", item.Category);
            w.WriteNumber("quantity", item.Quantity);
            w.WriteString("unit_price", Amount(item.UnitPrice));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSubscription(Utf8JsonWriter w, Subscription? s)
    {
        if (s is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteString("plan", s.Plan);
        w.WriteNumber("subscribed_at", s.SubscribedAt.ToUnixTimeTicks());
        OptInstant(w, "renews_at", s.RenewsAt);
        OptInstant(w, "expires_at", s.ExpiresAt);
        OptInstant(w, "cancelled_at", s.CancelledAt);
        w.WriteEndObject();
    }

    private static void WriteConsent(Utf8JsonWriter w, ConsentRecord? c)
    {
        if (c is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteNumber("channel", (int)c.Channel);
        w.WriteNumber("purpose", (int)c.Purpose);
        w.WriteNumber("status", (int)c.Status);
        w.WriteNumber("basis", (int)c.Basis);
        w.WriteNumber("at", c.RecordedAt.ToUnixTimeTicks());
        Opt(w, "source", c.Source);
        Opt(w, "evidence", c.Evidence);
        w.WriteEndObject();
    }

    private static string Amount(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        return text;
    }

    private static void Opt(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void OptInstant(Utf8JsonWriter w, string name, Instant? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v.ToUnixTimeTicks());
        }
    }

    private static void Flag(Utf8JsonWriter w, string name, bool value)
    {
        if (value)
        {
            w.WriteBoolean(name, true);
        }
    }
}
