using System.Security.Cryptography;
using System.Text;

namespace CustomChannel.Tests;

/// <summary>The signature scheme on its own: a known-answer vector and the receiver-side checks.</summary>
public sealed class SignatureTests
{
    // Known answer, computed outside .NET: python3 -c "import hmac,hashlib; print(hmac.new(b'whsec_conformance_known_answer_k',
    //   b'1700000000.{\"messageId\":\"m-1\",\"body\":\"Hello\"}', hashlib.sha256).hexdigest())"
    private const string KnownHex = "32907febea46b17557914707d57bdce8369892cc3422409dad0579d7ad5e3c39";
    private const long KnownTimestamp = 1_700_000_000;
    private static readonly byte[] KnownSecret = Encoding.ASCII.GetBytes("whsec_conformance_known_answer_k");
    private static readonly byte[] KnownBody = Encoding.UTF8.GetBytes("""{"messageId":"m-1","body":"Hello"}""");
    private static readonly DateTimeOffset KnownNow = DateTimeOffset.FromUnixTimeSeconds(KnownTimestamp + 60);

    [Fact]
    public void The_signature_matches_the_known_answer_vector()
    {
        Assert.Equal(KnownHex, WebhookSignature.ComputeHex(KnownSecret, KnownTimestamp, KnownBody));
        Assert.Equal("t=1700000000,v1=" + KnownHex, WebhookSignature.CreateHeader(KnownSecret, KnownTimestamp, KnownBody));
    }

    [Fact]
    public void The_signature_matches_an_incremental_HMAC_over_timestamp_dot_body()
    {
        // A second, independent computation: the signed string fed in pieces to an incremental HMAC.
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, KnownSecret);
        hmac.AppendData(Encoding.ASCII.GetBytes("1700000000"));
        hmac.AppendData("."u8);
        hmac.AppendData(KnownBody);
        var expected = string.Concat(hmac.GetHashAndReset().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(expected, WebhookSignature.ComputeHex(KnownSecret, KnownTimestamp, KnownBody));
    }

    [Fact]
    public void A_valid_header_within_the_tolerance_is_accepted()
    {
        var header = "t=1700000000,v1=" + KnownHex;

        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(header, KnownSecret, KnownBody, KnownNow, WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void A_tampered_body_is_rejected()
    {
        var tampered = Encoding.UTF8.GetBytes("""{"messageId":"m-1","body":"Hellp"}""");

        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify("t=1700000000,v1=" + KnownHex, KnownSecret, tampered, KnownNow, WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void A_changed_timestamp_is_rejected()
    {
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify("t=1700000001,v1=" + KnownHex, KnownSecret, KnownBody, KnownNow, WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void Another_secret_is_rejected()
    {
        var other = Encoding.ASCII.GetBytes("whsec_conformance_known_answer_x");

        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify("t=1700000000,v1=" + KnownHex, other, KnownBody, KnownNow, WebhookSignature.DefaultTolerance));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(3600)]
    public void A_timestamp_more_than_five_minutes_away_is_rejected(int skewSeconds)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(KnownTimestamp + skewSeconds);

        Assert.Equal(SignatureCheck.StaleTimestamp, WebhookSignature.Verify("t=1700000000,v1=" + KnownHex, KnownSecret, KnownBody, now, WebhookSignature.DefaultTolerance));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void A_timestamp_exactly_five_minutes_away_is_accepted(int skewSeconds)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(KnownTimestamp + skewSeconds);

        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify("t=1700000000,v1=" + KnownHex, KnownSecret, KnownBody, now, WebhookSignature.DefaultTolerance));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=" + KnownHex)]
    [InlineData("t=1700000000")]
    [InlineData("t=abc,v1=" + KnownHex)]
    [InlineData("t=1700000000,v1=zz")]
    [InlineData("t=1700000000,v1=" + "zz907febea46b17557914707d57bdce8369892cc3422409dad0579d7ad5e3c39")]
    [InlineData("garbage")]
    public void A_malformed_header_is_rejected(string? header)
    {
        Assert.Equal(SignatureCheck.Malformed, WebhookSignature.Verify(header, KnownSecret, KnownBody, KnownNow, WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void Any_matching_v1_is_accepted_for_secret_rotation()
    {
        var header = "t=1700000000,v1=" + new string('0', 64) + ",v1=" + KnownHex;

        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(header, KnownSecret, KnownBody, KnownNow, WebhookSignature.DefaultTolerance));
    }
}
