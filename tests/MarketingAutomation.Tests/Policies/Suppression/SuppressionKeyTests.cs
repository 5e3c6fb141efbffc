using System.Security.Cryptography;
using System.Text;

namespace MarketingAutomation.Tests.Policies.Suppression;

/// <summary>GD-03: keyed hash (HMAC-SHA256) of the normalised contact point (lower-cased e-mail, E.164 phone).</summary>
public sealed class SuppressionKeyTests
{
    internal static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private readonly SuppressionKey _key = new(Secret);

    [Theory]
    [InlineData("Alice@Example.COM ", "alice@example.com")]
    [InlineData("  alice@example.com\t", "alice@example.com")]
    [InlineData("ALICE@EXAMPLE.COM", "alice@example.com")]
    public void Hash_EmailInAnotherCaseOrWhitespace_Same(string imported, string stored)
    {
        Assert.Equal(_key.Hash(ChannelKind.Email, stored), _key.Hash(ChannelKind.Email, imported));
    }

    [Fact]
    public void Hash_EmailDotsAndTags_Kept()
    {
        // Documented choice: no Gmail-specific folding; "a.lice" and "alice+x" are different addresses at other providers.
        Assert.NotEqual(_key.Hash(ChannelKind.Email, "alice@example.com"), _key.Hash(ChannelKind.Email, "a.lice@example.com"));
        Assert.NotEqual(_key.Hash(ChannelKind.Email, "alice@example.com"), _key.Hash(ChannelKind.Email, "alice+x@example.com"));
    }

    [Theory]
    [InlineData("+1 (415) 555-0100")]
    [InlineData("(415) 555-0100")]
    [InlineData("415.555.0100")]
    [InlineData(" +14155550100 ")]
    [InlineData("+1-415-555-0100")]
    public void Hash_PhoneInAnotherFormat_SameAsE164(string imported)
    {
        Assert.Equal(_key.Hash(ChannelKind.Sms, "+14155550100"), _key.Hash(ChannelKind.Sms, imported));
        Assert.Equal("+14155550100", _key.Normalize(ChannelKind.Sms, imported));
    }

    [Fact]
    public void Hash_PhoneWithoutCountryCode_UsesDefaultRegion()
    {
        var german = new SuppressionKey(Secret, "DE");

        Assert.Equal(german.Hash(ChannelKind.Sms, "+493012345678"), german.Hash(ChannelKind.Sms, "030 12345678"));
    }

    [Fact]
    public void TryHash_UnparsablePhone_False()
    {
        Assert.False(_key.TryHash(ChannelKind.Sms, "not a number", out _));
        Assert.Throws<ArgumentException>(() => _key.Hash(ChannelKind.Sms, "not a number"));
    }

    [Fact]
    public void Hash_PushToken_TrimmedCaseKept()
    {
        Assert.Equal(_key.Hash(ChannelKind.Push, "Token-ABC"), _key.Hash(ChannelKind.Push, " Token-ABC "));
        Assert.NotEqual(_key.Hash(ChannelKind.Push, "Token-ABC"), _key.Hash(ChannelKind.Push, "token-abc"));
    }

    [Fact]
    public void Hash_IsHmacSha256OfNormalisedUtf8_UnderTheKey()
    {
        var expected = HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes("alice@example.com"));

        Assert.Equal(Convert.ToHexStringLower(expected), _key.Hash(ChannelKind.Email, "Alice@Example.COM ").ToString());
    }

    [Fact]
    public void Hash_AnotherKey_Differs()
    {
        var other = new SuppressionKey(Enumerable.Repeat((byte)7, 32).ToArray());

        Assert.NotEqual(_key.Hash(ChannelKind.Email, "alice@example.com"), other.Hash(ChannelKind.Email, "alice@example.com"));
    }

    [Fact]
    public void Hash_LongAddress_SameAsShortPath()
    {
        var local = new string('A', 600);
        var expected = HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes(local.ToLowerInvariant() + "@example.com"));

        Assert.Equal(Convert.ToHexStringLower(expected), _key.Hash(ChannelKind.Email, local + "@Example.com").ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    public void Constructor_KeyShorterThan32Bytes_Throws(int length)
    {
        var ex = Assert.Throws<ArgumentException>(() => new SuppressionKey(new byte[length]));

        Assert.Contains("at least 32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SuppressionHash_HexRoundTrip()
    {
        var hash = _key.Hash(ChannelKind.Email, "alice@example.com");

        Assert.Equal(64, hash.ToString().Length);
        Assert.Equal(hash, SuppressionHash.Parse(hash.ToString()));
        Assert.Equal(hash, SuppressionHash.Parse(hash.ToString().ToUpperInvariant()));
    }
}
