using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using PhoneNumbers;

namespace MarketingAutomation;

/// <summary>
/// Computes the keyed hash of a contact address for an <see cref="ISuppressionList"/>: HMAC-SHA256 of the normalised address under a
/// secret key of at least <see cref="MinimumKeyLength"/> bytes (GDPR GD-03: keep a keyed hash, never the address). Normalisation
/// (see <see cref="Normalize"/>): e-mail trimmed and lower-cased (dots and <c>+tags</c> kept), phone E.164 parsed with
/// <see cref="DefaultRegion"/>, other kinds trimmed. Hashing e-mail and E.164 numbers does not allocate.
/// </summary>
public sealed class SuppressionKey
{
    /// <summary>The shortest accepted key, in bytes (the HMAC-SHA256 block security level).</summary>
    public const int MinimumKeyLength = 32;

    private const int StackLimit = 256;
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private readonly byte[] _key;
    private readonly ConditionalWeakTable<ContactPoint, StrongBox<SuppressionHash>> _cache = [];

    /// <summary>Initializes a new instance of the <see cref="SuppressionKey"/> class.</summary>
    /// <param name="key">The secret key (at least 32 bytes; keep it in a secret store, not in configuration files).</param>
    /// <param name="defaultRegion">The ISO 3166 region used to parse phone numbers written without a country code (default <c>US</c>).</param>
    public SuppressionKey(ReadOnlySpan<byte> key, string defaultRegion = "US")
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException(
                $"The suppression key has {key.Length} bytes; it needs at least {MinimumKeyLength} random bytes (for example RandomNumberGenerator.GetBytes(32), kept in a secret store).",
                nameof(key));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(defaultRegion);
        _key = key.ToArray();
        DefaultRegion = defaultRegion;
    }

    /// <summary>Gets the region used to parse phone numbers without a country code.</summary>
    public string DefaultRegion { get; }

    /// <summary>Normalises an address for hashing (see the <see cref="ISuppressionList"/> contract).</summary>
    /// <param name="kind">The channel kind.</param>
    /// <param name="address">The address as imported.</param>
    /// <returns>The normalised address, or null when a phone number cannot be parsed.</returns>
    public string? Normalize(ChannelKind kind, string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var trimmed = address.Trim();
        return kind switch
        {
            ChannelKind.Email => trimmed.ToLowerInvariant(),
            ChannelKind.Sms => ToE164(trimmed),
            _ => trimmed,
        };
    }

    /// <summary>Computes the keyed hash of an address.</summary>
    /// <param name="kind">The channel kind.</param>
    /// <param name="address">The address as imported, in any case or format.</param>
    /// <returns>The hash.</returns>
    /// <exception cref="ArgumentException">A phone number cannot be parsed.</exception>
    public SuppressionHash Hash(ChannelKind kind, string address) =>
        TryHash(kind, address, out var hash) ? hash : throw new ArgumentException($"'{kind}' address cannot be normalised (phone numbers must parse, for example +14155550100).", nameof(address));

    /// <summary>Computes the keyed hash of an address.</summary>
    /// <param name="kind">The channel kind.</param>
    /// <param name="address">The address as imported, in any case or format.</param>
    /// <param name="hash">The hash.</param>
    /// <returns>False when a phone number cannot be parsed.</returns>
    public bool TryHash(ChannelKind kind, string address, out SuppressionHash hash)
    {
        ArgumentNullException.ThrowIfNull(address);
        var span = address.AsSpan().Trim();
        if (kind == ChannelKind.Sms && !IsE164(span))
        {
            var e164 = ToE164(span.ToString());
            if (e164 is null)
            {
                hash = default;
                return false;
            }

            span = e164.AsSpan();
        }

        hash = HashNormalized(span, lowerCase: kind == ChannelKind.Email);
        return true;
    }

    /// <summary>
    /// Computes the keyed hash of a contact point on the hot path: e-mail and E.164 numbers are hashed into stack buffers; other phone
    /// formats are parsed once and cached per contact point instance.
    /// </summary>
    /// <param name="contact">The contact point.</param>
    /// <param name="hash">The hash.</param>
    /// <returns>False when a phone number cannot be parsed.</returns>
    public bool TryHash(ContactPoint contact, out SuppressionHash hash)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var span = contact.Address.AsSpan().Trim();
        if (contact.Kind != ChannelKind.Sms || IsE164(span))
        {
            hash = HashNormalized(span, lowerCase: contact.Kind == ChannelKind.Email);
            return true;
        }

        if (_cache.TryGetValue(contact, out var box))
        {
            hash = box.Value;
            return true;
        }

        if (!TryHash(ChannelKind.Sms, contact.Address, out hash))
        {
            return false;
        }

        _cache.AddOrUpdate(contact, new StrongBox<SuppressionHash>(hash));
        return true;
    }

    private SuppressionHash HashNormalized(ReadOnlySpan<char> text, bool lowerCase)
    {
        char[]? rentedChars = null;
        byte[]? rentedBytes = null;
        Span<char> lower = stackalloc char[StackLimit];
        scoped ReadOnlySpan<char> source = text;
        try
        {
            if (lowerCase)
            {
                if (text.Length > StackLimit)
                {
                    lower = rentedChars = ArrayPool<char>.Shared.Rent(text.Length);
                }

                var written = source.ToLowerInvariant(lower);
                source = lower[..written];
            }

            var max = Encoding.UTF8.GetMaxByteCount(source.Length);
            var bytes = max <= StackLimit * 3 ? stackalloc byte[StackLimit * 3] : (rentedBytes = ArrayPool<byte>.Shared.Rent(max));
            var length = Encoding.UTF8.GetBytes(source, bytes);
            Span<byte> mac = stackalloc byte[SuppressionHash.Length];
            HMACSHA256.HashData(_key, bytes[..length], mac);
            return new SuppressionHash(mac);
        }
        finally
        {
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }

            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }
        }
    }

    private string? ToE164(string number)
    {
        try
        {
            var parsed = Phones.Parse(number, DefaultRegion);
            return Phones.IsPossibleNumber(parsed) ? Phones.Format(parsed, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    // Canonical E.164: '+', a non-zero digit, at most 15 digits in all. Such text is already normalised, so no parser is needed.
    private static bool IsE164(ReadOnlySpan<char> s)
    {
        if (s.Length < 3 || s.Length > 16 || s[0] != '+' || s[1] == '0')
        {
            return false;
        }

        for (var i = 1; i < s.Length; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }
        }

        return true;
    }
}
