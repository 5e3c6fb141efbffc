using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NodaTime.Serialization.SystemTextJson;

namespace MarketingAutomation.EntityFrameworkCore;

/// <summary>
/// The JSON used for the document columns: System.Text.Json with NodaTime's converters (time zones from TZDB), computed
/// get-only properties left out (they are derived on read), and <see cref="CustomerEvent"/> written with a type discriminator.
/// </summary>
/// <remarks>
/// Only the built-in event types (<see cref="MessageEvent"/>, <see cref="PurchaseEvent"/>, <see cref="BrowseEvent"/>,
/// <see cref="SubscriptionEvent"/>, <see cref="ConsentEvent"/>) have a discriminator; other <see cref="CustomerEvent"/> subclasses are
/// left out of a customer's stored recent events (the projection ignores them anyway).
/// </remarks>
internal static class StoreJson
{
    private static readonly (Type Type, string Name)[] EventTypes =
    [
        (typeof(MessageEvent), "message"),
        (typeof(PurchaseEvent), "purchase"),
        (typeof(BrowseEvent), "browse"),
        (typeof(SubscriptionEvent), "subscription"),
        (typeof(ConsentEvent), "consent"),
    ];

    /// <summary>Gets the serializer options (frozen).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Returns whether an event has a discriminator, so it can be stored.</summary>
    /// <param name="event">The event.</param>
    /// <returns>True for the built-in event types.</returns>
    public static bool IsStorable(CustomerEvent @event)
    {
        var type = @event.GetType();
        foreach (var (known, _) in EventTypes)
        {
            if (known == type)
            {
                return true;
            }
        }

        return false;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"The stored JSON for {typeof(T).Name} is null.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropComputedProperties, AddEventDiscriminator } },
        };
        options.Converters.Add(new ImmutableArrayConverterFactory());
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Leaves out properties that cannot be set on read (computed, or with a private setter such as <see cref="Customer.TimeZone"/>).</summary>
    private static void DropComputedProperties(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            var property = typeInfo.Properties[i];
            if (property.Set is null && property.AssociatedParameter is null)
            {
                typeInfo.Properties.RemoveAt(i);
            }
        }
    }

    private static void AddEventDiscriminator(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Type != typeof(CustomerEvent))
        {
            return;
        }

        var polymorphism = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "$type",
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var (type, name) in EventTypes)
        {
            polymorphism.DerivedTypes.Add(new JsonDerivedType(type, name));
        }

        typeInfo.PolymorphismOptions = polymorphism;
    }
}

/// <summary>Writes <see cref="ImmutableArray{T}"/> as a JSON array, a default (uninitialized) one as empty; reads null as empty.</summary>
internal sealed class ImmutableArrayConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ImmutableArray<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(ImmutableArrayConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class ImmutableArrayConverter<T> : JsonConverter<ImmutableArray<T>>
    {
        private JsonTypeInfo<T>? _element;

        public override bool HandleNull => true;

        public override ImmutableArray<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return [];
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"Expected a JSON array for {typeToConvert.Name}.");
            }

            // Element by element with the element's cached type info: no intermediate list or array copy per document.
            var element = Element(options);
            ImmutableArray<T>.Builder? items = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                items ??= ImmutableArray.CreateBuilder<T>();
                items.Add(JsonSerializer.Deserialize(ref reader, element)!);
            }

            return items is null ? [] : items.DrainToImmutable();
        }

        public override void Write(Utf8JsonWriter writer, ImmutableArray<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            if (!value.IsDefault)
            {
                var element = Element(options);
                foreach (var item in value)
                {
                    JsonSerializer.Serialize(writer, item, element);
                }
            }

            writer.WriteEndArray();
        }

        private JsonTypeInfo<T> Element(JsonSerializerOptions options) =>
            _element is { } cached && ReferenceEquals(cached.Options, options) ? cached : _element = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }
}
