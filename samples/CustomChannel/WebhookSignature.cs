using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CustomChannel;

/// <summary>How a signature check ended.</summary>
public enum SignatureCheck
{
    /// <summary>The signature matches and the timestamp is inside the tolerance.</summary>
    Valid = 0,

    /// <summary>The header is missing or not in the form <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>.</summary>
    Malformed = 1,

    /// <summary>The timestamp is further from now than the tolerance (a replayed or badly delayed request).</summary>
    StaleTimestamp = 2,

    /// <summary>No <c>v1</c> value matches the HMAC of the timestamp and the body (wrong secret or tampered body).</summary>
    Mismatch = 3,
}

/// <summary>
/// The webhook signature: <c>X-Signature: t=&lt;unix seconds&gt;,v1=&lt;lowercase hex HMAC-SHA256(secret, t + "." + body)&gt;</c>. The
/// timestamp is inside the signed bytes, so a captured request cannot be replayed with a fresh timestamp, and the receiver rejects old
/// ones. The same scheme as Stripe's and Svix's webhooks, so receivers can reuse their verification code.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The request header that carries the signature.</summary>
    public const string HeaderName = "X-Signature";

    /// <summary>The request header that carries the idempotency key (the outbox message id).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>How far the timestamp may be from the receiver's clock, either way: five minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Computes the lowercase hex HMAC-SHA256 of <c>timestamp + "." + body</c>.</summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="timestamp">The Unix time in seconds.</param>
    /// <param name="body">The raw request body, exactly as sent.</param>
    /// <returns>64 lowercase hex characters.</returns>
    public static string ComputeHex(ReadOnlySpan<byte> secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, signed));
    }

    /// <summary>Builds the header value <c>t=&lt;timestamp&gt;,v1=&lt;hex&gt;</c>.</summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="timestamp">The Unix time in seconds.</param>
    /// <param name="body">The raw request body.</param>
    /// <returns>The header value.</returns>
    public static string CreateHeader(ReadOnlySpan<byte> secret, long timestamp, ReadOnlySpan<byte> body) =>
        string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={ComputeHex(secret, timestamp, body)}");

    /// <summary>
    /// Verifies a header against the body: well formed, timestamp within <paramref name="tolerance"/> of <paramref name="now"/>, and
    /// one <c>v1</c> value equal (in constant time) to the expected HMAC. Several <c>v1</c> values are allowed (secret rotation).
    /// </summary>
    /// <param name="header">The <see cref="HeaderName"/> value.</param>
    /// <param name="secret">The shared secret.</param>
    /// <param name="body">The raw request body.</param>
    /// <param name="now">The receiver's current time.</param>
    /// <param name="tolerance">The allowed clock skew either way.</param>
    /// <returns>The outcome.</returns>
    public static SignatureCheck Verify(string? header, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header))
        {
            return SignatureCheck.Malformed;
        }

        long? timestamp = null;
        var candidates = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return SignatureCheck.Malformed;
            }

            var (key, value) = (part[..eq], part[(eq + 1)..]);
            switch (key)
            {
                case "t" when timestamp is null && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t):
                    timestamp = t;
                    break;
                case "v1" when value.Length == 64:
                    try
                    {
                        candidates.Add(Convert.FromHexString(value));
                    }
                    catch (FormatException)
                    {
                        return SignatureCheck.Malformed;
                    }

                    break;
                case "t" or "v1":
                    return SignatureCheck.Malformed;
                default:
                    break; // Unknown schemes (v0, v2...) are ignored, as Stripe does.
            }
        }

        if (timestamp is not { } ts || candidates.Count == 0)
        {
            return SignatureCheck.Malformed;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - ts) > (long)tolerance.TotalSeconds)
        {
            return SignatureCheck.StaleTimestamp;
        }

        var expected = Convert.FromHexString(ComputeHex(secret, ts, body));
        var match = false;
        foreach (var candidate in candidates)
        {
            match |= CryptographicOperations.FixedTimeEquals(candidate, expected);
        }

        return match ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }
}
