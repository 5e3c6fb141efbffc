using System.Collections.Concurrent;
using PhoneNumbers;

namespace MarketingAutomation;

/// <summary>
/// Where a recipient may be: <see cref="Customer.TimeZone"/> when it is known; otherwise every IANA zone libphonenumber gives for the
/// customer's valid E.164 SMS numbers (a country or area code may span several zones: the recipient may be in any of them, so a
/// quiet-hours window must hold in all of them, TC-05); otherwise nothing (unknown: rules must fail closed).
/// </summary>
/// <remarks>
/// A <see cref="Customer.TimeZoneId"/> that is not an IANA id counts as unknown and falls back to the phone numbers. Inference from a
/// number allocates inside libphonenumber, so its result is cached per number string in a thread-safe cache bounded to
/// <see cref="MaxCachedNumbers"/> entries (cleared when full). After the first look-up of a number, resolving never allocates on
/// the policy's path.
/// </remarks>
public static class RecipientZones
{
    /// <summary>The most phone numbers whose inferred zones are cached; the cache is cleared when it grows past this.</summary>
    public const int MaxCachedNumbers = 100_000;

    private static readonly ConcurrentDictionary<string, DateTimeZone[]> Cache = new(StringComparer.Ordinal);
    private static int _cached;

    /// <summary>Resolves every zone the customer may be in.</summary>
    /// <param name="customer">The customer.</param>
    /// <returns>The known zone, or the zones inferred from the customer's phone numbers (distinct), or empty when unknown.</returns>
    public static ImmutableArray<DateTimeZone> ResolveZones(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var buffer = new DateTimeZone[4];
        var count = Collect(customer, null, ref buffer);
        return ImmutableArray.Create(buffer, 0, count);
    }

    /// <summary>Infers the zones of one E.164 number (cached).</summary>
    /// <param name="e164">The number, for example <c>+12125550100</c>.</param>
    /// <returns>The distinct IANA zones, or empty when the number is malformed, invalid or not geographic enough to place.</returns>
    public static ImmutableArray<DateTimeZone> ForPhoneNumber(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        return [.. ZonesOf(e164)];
    }

    /// <summary>Collects the candidate zones into <paramref name="buffer"/> (grown when needed) without allocating once warm.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="extraPhone">The candidate's own phone number, when it goes out by SMS (may not be among the customer's contact points).</param>
    /// <param name="buffer">The buffer to fill.</param>
    /// <returns>How many distinct zones were written.</returns>
    internal static int Collect(Customer customer, string? extraPhone, ref DateTimeZone[] buffer)
    {
        if (customer.TimeZone is { } known)
        {
            buffer[0] = known;
            return 1;
        }

        var count = 0;
        var points = customer.ContactPoints;
        for (var i = 0; i < points.Length; i++)
        {
            var point = points[i];
            if (point.Kind == ChannelKind.Sms && point.IsValid)
            {
                count = AddDistinct(ZonesOf(point.Address), ref buffer, count);
            }
        }

        if (extraPhone is not null)
        {
            count = AddDistinct(ZonesOf(extraPhone), ref buffer, count);
        }

        return count;
    }

    private static int AddDistinct(DateTimeZone[] zones, ref DateTimeZone[] buffer, int count)
    {
        for (var z = 0; z < zones.Length; z++)
        {
            var zone = zones[z];
            var seen = false;
            for (var j = 0; j < count; j++)
            {
                if (ReferenceEquals(buffer[j], zone))
                {
                    seen = true;
                    break;
                }
            }

            if (seen)
            {
                continue;
            }

            if (count == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            buffer[count++] = zone;
        }

        return count;
    }

    private static DateTimeZone[] ZonesOf(string number)
    {
        if (Cache.TryGetValue(number, out var zones))
        {
            return zones;
        }

        zones = Infer(number);
        if (Cache.TryAdd(number, zones) && Interlocked.Increment(ref _cached) > MaxCachedNumbers)
        {
            Cache.Clear();
            Interlocked.Exchange(ref _cached, 0);
        }

        return zones;
    }

    private static DateTimeZone[] Infer(string number)
    {
        if (string.IsNullOrWhiteSpace(number) || !number.StartsWith('+'))
        {
            return [];
        }

        List<string> ids;
        PhoneNumberToTimeZonesMapper mapper;
        try
        {
            var util = PhoneNumberUtil.GetInstance();
            var parsed = util.Parse(number, null);
            if (!util.IsValidNumber(parsed))
            {
                return [];
            }

            mapper = PhoneNumberToTimeZonesMapper.GetInstance();
            ids = [.. mapper.GetTimeZonesForNumber(parsed)];
        }
        catch (NumberParseException)
        {
            return [];
        }

        var unknown = mapper.GetUnknownTimeZone();
        var result = new List<DateTimeZone>(ids.Count);
        foreach (var id in ids)
        {
            if (id == unknown || DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is not { } zone || result.Contains(zone))
            {
                continue;
            }

            result.Add(zone);
        }

        return [.. result];
    }
}
