using MarketingAutomation.Tests.Pipeline;
using static MarketingAutomation.Tests.Customers;

namespace MarketingAutomation.Tests.Policies;

public sealed class ConsentPolicyTests
{
    private static readonly Instant Earlier = Now - Duration.FromDays(30);
    private static readonly Instant Later = Now - Duration.FromDays(3);

    private readonly ConsentPolicy _policy = new();

    private PolicyVerdict Judge(ChannelKind kind, MessagePurpose purpose, params ConsentRecord[] ledger)
    {
        var customer = Reachable() with
        {
            ContactPoints = [new ContactPoint(ChannelKind.Email, Email), new ContactPoint(ChannelKind.Sms, Phone), new ContactPoint(ChannelKind.Push, "token-1")],
            Consents = [.. ledger],
        };
        var goal = TestCandidates.Goal(purpose == MessagePurpose.Marketing ? "promo" : "receipt", purpose: purpose);
        var context = new PolicyContext(Context(customer), TestCandidates.For(goal, kind, customer), Now);
        return _policy.Evaluate(in context);
    }

    private static ConsentRecord Record(ChannelKind channel, ConsentStatus status, ConsentBasis basis = ConsentBasis.Express, Instant? at = null, MessagePurpose purpose = MessagePurpose.Marketing) =>
        Consent(channel, status, basis, at ?? Earlier, purpose);

    [Fact]
    public void Name_IsConsent() => Assert.Equal("consent", _policy.Name);

    [Theory]
    // Marketing needs a granted consent with a basis; SMS needs express written consent.
    [InlineData(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.Express, VerdictKind.Allow, null)]
    [InlineData(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.SoftOptIn, VerdictKind.Allow, null)]
    [InlineData(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.ExpressWritten, VerdictKind.Allow, null)]
    [InlineData(ChannelKind.Email, ConsentStatus.Granted, ConsentBasis.None, VerdictKind.Deny, ReasonCodes.NoConsent)]
    [InlineData(ChannelKind.Email, ConsentStatus.Revoked, ConsentBasis.Express, VerdictKind.Deny, ReasonCodes.OptedOut)]
    [InlineData(ChannelKind.Email, ConsentStatus.Objected, ConsentBasis.Express, VerdictKind.Deny, ReasonCodes.OptedOut)]
    [InlineData(ChannelKind.Email, ConsentStatus.OptedOutOfChannel, ConsentBasis.None, VerdictKind.Deny, ReasonCodes.OptedOut)]
    [InlineData(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.ExpressWritten, VerdictKind.Allow, null)]
    [InlineData(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.Express, VerdictKind.Deny, ReasonCodes.NoConsent)]
    [InlineData(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.SoftOptIn, VerdictKind.Deny, ReasonCodes.NoConsent)]
    [InlineData(ChannelKind.Sms, ConsentStatus.Revoked, ConsentBasis.ExpressWritten, VerdictKind.Deny, ReasonCodes.OptedOut)]
    [InlineData(ChannelKind.Push, ConsentStatus.Granted, ConsentBasis.SoftOptIn, VerdictKind.Allow, null)]
    public void Evaluate_MarketingWithOneRecordOnTheChannel_FollowsMatrix(ChannelKind kind, ConsentStatus status, ConsentBasis basis, VerdictKind expected, string? code)
    {
        var verdict = Judge(kind, MessagePurpose.Marketing, Record(kind, status, basis));

        Assert.Equal(expected, verdict.Kind);
        Assert.Equal(code, verdict.Code);
        Assert.Equal(expected == VerdictKind.Allow, verdict.Reason is null);
    }

    [Theory]
    // Transactional bypasses marketing consent (missing, revoked, objected, SMS basis), but never a hard opt-out of the channel.
    [InlineData(ChannelKind.Email, ConsentStatus.Revoked, VerdictKind.Allow)]
    [InlineData(ChannelKind.Email, ConsentStatus.Objected, VerdictKind.Allow)]
    [InlineData(ChannelKind.Email, ConsentStatus.Granted, VerdictKind.Allow)]
    [InlineData(ChannelKind.Sms, ConsentStatus.Granted, VerdictKind.Allow)]
    [InlineData(ChannelKind.Email, ConsentStatus.OptedOutOfChannel, VerdictKind.Deny)]
    [InlineData(ChannelKind.Sms, ConsentStatus.OptedOutOfChannel, VerdictKind.Deny)]
    public void Evaluate_TransactionalWithOneMarketingRecord_BypassesAllButChannelOptOut(ChannelKind kind, ConsentStatus status, VerdictKind expected)
    {
        var verdict = Judge(kind, MessagePurpose.Transactional, Record(kind, status, ConsentBasis.SoftOptIn));

        Assert.Equal(expected, verdict.Kind);
        if (expected == VerdictKind.Deny)
        {
            Assert.Equal(ReasonCodes.OptedOut, verdict.Code);
        }
    }

    [Theory]
    [InlineData(ChannelKind.Email)]
    [InlineData(ChannelKind.Sms)]
    public void Evaluate_MarketingWithoutAnyRecord_DeniesNoConsent(ChannelKind kind)
    {
        var verdict = Judge(kind, MessagePurpose.Marketing);

        Assert.Equal(VerdictKind.Deny, verdict.Kind);
        Assert.Equal(ReasonCodes.NoConsent, verdict.Code);
    }

    [Fact]
    public void Evaluate_TransactionalWithoutAnyRecord_Allows()
    {
        Assert.True(Judge(ChannelKind.Sms, MessagePurpose.Transactional).IsAllowed);
    }

    [Fact]
    public void Evaluate_ConsentOnlyForAnotherChannel_DeniesNoConsent()
    {
        var verdict = Judge(ChannelKind.Push, MessagePurpose.Marketing, Record(ChannelKind.Email, ConsentStatus.Granted));

        Assert.Equal(ReasonCodes.NoConsent, verdict.Code);
    }

    [Fact]
    public void Evaluate_ConsentOnlyForTransactionalPurpose_DeniesMarketing()
    {
        var verdict = Judge(ChannelKind.Email, MessagePurpose.Marketing, Record(ChannelKind.Email, ConsentStatus.Granted, purpose: MessagePurpose.Transactional));

        Assert.Equal(ReasonCodes.NoConsent, verdict.Code);
    }

    [Fact]
    public void Evaluate_ObjectionRecordedOnAnotherChannel_DeniesMarketingOnEveryChannel()
    {
        var ledger = new[]
        {
            Record(ChannelKind.Email, ConsentStatus.Granted, at: Earlier),
            Record(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.ExpressWritten, Earlier),
            Record(ChannelKind.Sms, ConsentStatus.Objected, at: Later),
        };

        Assert.Equal(ReasonCodes.OptedOut, Judge(ChannelKind.Email, MessagePurpose.Marketing, ledger).Code);
        Assert.Equal(ReasonCodes.OptedOut, Judge(ChannelKind.Sms, MessagePurpose.Marketing, ledger).Code);
        Assert.Equal(ReasonCodes.OptedOut, Judge(ChannelKind.Push, MessagePurpose.Marketing, ledger).Code);
        Assert.True(Judge(ChannelKind.Email, MessagePurpose.Transactional, ledger).IsAllowed);
    }

    [Fact]
    public void Evaluate_RevocationOnOneChannel_LeavesOtherChannelsAllowed()
    {
        var ledger = new[]
        {
            Record(ChannelKind.Email, ConsentStatus.Granted, at: Earlier),
            Record(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.ExpressWritten, Earlier),
            Record(ChannelKind.Sms, ConsentStatus.Revoked, at: Later),
        };

        Assert.True(Judge(ChannelKind.Email, MessagePurpose.Marketing, ledger).IsAllowed);
        Assert.Equal(ReasonCodes.OptedOut, Judge(ChannelKind.Sms, MessagePurpose.Marketing, ledger).Code);
    }

    [Fact]
    public void Evaluate_ChannelOptOut_BlocksTransactionalOnThatChannelOnly()
    {
        var ledger = new[] { Record(ChannelKind.Sms, ConsentStatus.OptedOutOfChannel, ConsentBasis.None, Later) };

        Assert.Equal(ReasonCodes.OptedOut, Judge(ChannelKind.Sms, MessagePurpose.Transactional, ledger).Code);
        Assert.True(Judge(ChannelKind.Email, MessagePurpose.Transactional, ledger).IsAllowed);
    }

    [Fact]
    public void Evaluate_ChannelOptOutRecordedWithTransactionalPurpose_BlocksMarketingToo()
    {
        var ledger = new[]
        {
            Record(ChannelKind.Email, ConsentStatus.Granted, at: Earlier),
            Record(ChannelKind.Email, ConsentStatus.OptedOutOfChannel, ConsentBasis.None, Later, MessagePurpose.Transactional),
        };

        Assert.Equal(ReasonCodes.OptedOut, Judge(ChannelKind.Email, MessagePurpose.Marketing, ledger).Code);
        Assert.Equal(ReasonCodes.OptedOut, Judge(ChannelKind.Email, MessagePurpose.Transactional, ledger).Code);
    }

    [Fact]
    public void Evaluate_RevokedThenGrantedAgain_NewestRecordWins()
    {
        var ledger = new[]
        {
            Record(ChannelKind.Email, ConsentStatus.Granted, at: Earlier - Duration.FromDays(10)),
            Record(ChannelKind.Email, ConsentStatus.Revoked, at: Earlier),
            Record(ChannelKind.Email, ConsentStatus.Granted, at: Later),
        };

        Assert.True(Judge(ChannelKind.Email, MessagePurpose.Marketing, ledger).IsAllowed);
    }

    [Fact]
    public void Evaluate_GrantedThenRevoked_NewestRecordWins()
    {
        var ledger = new[] { Record(ChannelKind.Email, ConsentStatus.Granted, at: Earlier), Record(ChannelKind.Email, ConsentStatus.Revoked, at: Later) };

        Assert.Equal(ReasonCodes.OptedOut, Judge(ChannelKind.Email, MessagePurpose.Marketing, ledger).Code);
    }

    [Fact]
    public void Evaluate_NewestByInstantNotByLedgerPosition_Wins()
    {
        // A back-filled record (appended later, but recorded earlier) must not override a newer one.
        var ledger = new[] { Record(ChannelKind.Email, ConsentStatus.Granted, at: Later), Record(ChannelKind.Email, ConsentStatus.Revoked, at: Earlier) };

        Assert.True(Judge(ChannelKind.Email, MessagePurpose.Marketing, ledger).IsAllowed);
    }

    [Fact]
    public void Evaluate_SmsUpgradedFromExpressToExpressWritten_Allows()
    {
        var ledger = new[]
        {
            Record(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.Express, Earlier),
            Record(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.ExpressWritten, Later),
        };

        Assert.True(Judge(ChannelKind.Sms, MessagePurpose.Marketing, ledger).IsAllowed);
    }

    [Fact]
    public void Evaluate_SmsDowngradedToExpress_Denies()
    {
        var ledger = new[]
        {
            Record(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.ExpressWritten, Earlier),
            Record(ChannelKind.Sms, ConsentStatus.Granted, ConsentBasis.Express, Later),
        };

        Assert.Equal(ReasonCodes.NoConsent, Judge(ChannelKind.Sms, MessagePurpose.Marketing, ledger).Code);
    }

    [Fact]
    public void Evaluate_DeniedVerdicts_HaveConstantReadableReasons()
    {
        var a = Judge(ChannelKind.Email, MessagePurpose.Marketing);
        var b = Judge(ChannelKind.Email, MessagePurpose.Marketing);

        Assert.False(string.IsNullOrWhiteSpace(a.Reason));
        Assert.Same(a.Reason, b.Reason);
        Assert.DoesNotContain(Email, a.Reason!, StringComparison.Ordinal);
    }
}
