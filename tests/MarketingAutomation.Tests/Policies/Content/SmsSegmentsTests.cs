using static MarketingAutomation.Tests.Policies.Content.ContentRuleKit;

namespace MarketingAutomation.Tests.Policies.Content;

/// <summary>TW-07 known-answer vectors and TW-08 character sets.</summary>
public sealed class SmsSegmentsTests
{
    private static string A(int n) => new('a', n);

    public static TheoryData<string, string, SmsEncoding, int, int> KnownAnswers => new()
    {
        { "a x160", A(160), SmsEncoding.Gsm7, 160, 1 },
        { "a x161", A(161), SmsEncoding.Gsm7, 161, 2 },
        { "a x306", A(306), SmsEncoding.Gsm7, 306, 2 },
        { "a x307", A(307), SmsEncoding.Gsm7, 307, 3 },
        { "a x158 + euro", A(158) + "€", SmsEncoding.Gsm7, 160, 1 },
        { "a x159 + euro", A(159) + "€", SmsEncoding.Gsm7, 161, 2 },
        { "a x152 + euro + a x10 (escape never split)", A(152) + "€" + A(10), SmsEncoding.Gsm7, 164, 2 },
        { "e-acute x70 (basic set)", new string('é', 70), SmsEncoding.Gsm7, 70, 1 },
        { "c-cedilla x70", new string('ç', 70), SmsEncoding.Ucs2, 70, 1 },
        { "c-cedilla x71", new string('ç', 71), SmsEncoding.Ucs2, 71, 2 },
        { "c-cedilla x134", new string('ç', 134), SmsEncoding.Ucs2, 134, 2 },
        { "c-cedilla x135", new string('ç', 135), SmsEncoding.Ucs2, 135, 3 },
        { "a x68 + emoji", A(68) + "😀", SmsEncoding.Ucs2, 70, 1 },
        { "a x69 + emoji", A(69) + "😀", SmsEncoding.Ucs2, 71, 2 },
        { "backtick", "`", SmsEncoding.Ucs2, 1, 1 },
        { "curly quote", "’", SmsEncoding.Ucs2, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void Count_Tw07KnownAnswers(string name, string text, SmsEncoding encoding, int units, int segments)
    {
        Assert.Equal((encoding, units, segments), (SmsSegments.Count(text).Encoding, SmsSegments.Count(text).Units, SmsSegments.Count(text).Segments));
        Assert.NotNull(name);
    }

    [Fact]
    public void Count_Tw07_ExtensionCharacterNeverSplit_AtTheBoundaryOfEverySegment()
    {
        // 153 + 152 septets, then the euro does not fit in the second segment's last septet: a third segment starts.
        Assert.Equal(3, SmsSegments.Count(A(305) + "€").Segments);
        Assert.Equal(2, SmsSegments.Count(A(304) + "€").Segments);
    }

    [Fact]
    public void Count_Tw07_SurrogatePairNeverSplit()
    {
        // 66 units then an emoji: 68 units do not fit segment 1 of 67, so the pair moves whole; 71 > 70 so concatenated.
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 71, 2), SmsSegments.Count(A(66) + "😀" + "ç" + "ç" + "ç"));
        Assert.Equal(3, SmsSegments.Count(A(66) + "😀" + A(67)).Segments);
    }

    [Fact]
    public void Count_Tw07_OneNonGsmCharacterSwitchesTheWholeMessage()
    {
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 100, 1), SmsSegments.Count(A(100)));
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 101, 2), SmsSegments.Count(A(100) + "…"));
    }

    [Fact]
    public void Count_EmptyBody_IsOneSegment() => Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 0, 1), SmsSegments.Count(string.Empty));

    [Theory]
    [InlineData("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")]
    public void Tw08_EveryBasicCharacter_IsGsm7AndCostsOneSeptet(string basic)
    {
        foreach (var c in basic)
        {
            var count = SmsSegments.Count(c.ToString());
            Assert.True(count == new SmsSegmentCount(SmsEncoding.Gsm7, 1, 1), $"U+{(int)c:X4}");
            Assert.Equal(1, SmsSegments.Gsm7Septets(c));
        }
    }

    [Theory]
    [InlineData('\f')]
    [InlineData('^')]
    [InlineData('{')]
    [InlineData('}')]
    [InlineData('\\')]
    [InlineData('[')]
    [InlineData('~')]
    [InlineData(']')]
    [InlineData('|')]
    [InlineData('€')]
    public void Tw08_EveryExtensionCharacter_IsGsm7AndCostsTwoSeptets(char c)
    {
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 2, 1), SmsSegments.Count(c.ToString()));
        Assert.Equal(2, SmsSegments.Gsm7Septets(c));
    }

    [Theory]
    [InlineData('`')]
    [InlineData('ç')]
    [InlineData('‘')]
    [InlineData('’')]
    [InlineData('“')]
    [InlineData('”')]
    [InlineData('–')]
    [InlineData('—')]
    [InlineData('…')]
    [InlineData('Á')]
    [InlineData('È')]
    [InlineData('\u001B')] // ESC is not a printable character
    [InlineData('\t')]
    public void Tw08_CharactersOutsideGsm7_ForceUcs2(char c)
    {
        Assert.Equal(SmsEncoding.Ucs2, SmsSegments.Count(c.ToString()).Encoding);
        Assert.Equal(0, SmsSegments.Gsm7Septets(c));
    }

    [Fact]
    public void BudgetRule_WithinBudget_Allows()
    {
        Assert.True(Judge(new SmsSegmentBudgetRule(2), A(306), kind: ChannelKind.Sms).IsAllowed);
        Assert.True(Judge(new SmsSegmentBudgetRule(1), A(160), kind: ChannelKind.Sms).IsAllowed);
    }

    [Fact]
    public void BudgetRule_OverBudget_DeniesNamingSegmentsAndEncoding()
    {
        var gsm = Judge(new SmsSegmentBudgetRule(2), A(307), kind: ChannelKind.Sms);
        AssertDenied(gsm, ContentReasonCodes.TooManySmsSegments);
        Assert.Equal("The SMS needs 3 segments (307 septets); the budget is 2.", gsm.Reason);

        // One curly quote turns a 1-segment text into 2 UCS-2 segments.
        var ucs2 = Judge(new SmsSegmentBudgetRule(1), "It’s " + A(100), kind: ChannelKind.Sms);
        AssertDenied(ucs2, ContentReasonCodes.TooManySmsSegments);
        Assert.Contains("UCS-2", ucs2.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void BudgetRule_OtherChannels_AreNotChecked() => Assert.True(Judge(new SmsSegmentBudgetRule(1), A(1000), kind: ChannelKind.Email).IsAllowed);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void BudgetRule_Validate_RejectsLessThanOne(int max) =>
        Assert.StartsWith("sms-segment-budget: maxSegments must be 1 or more", Assert.Single(new SmsSegmentBudgetRule(max).Validate()), StringComparison.Ordinal);

    [Fact]
    public void BudgetRule_Validate_AcceptsOne() => Assert.Empty(new SmsSegmentBudgetRule(1).Validate());
}
