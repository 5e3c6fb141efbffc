namespace MarketingAutomation.Tests.Policies.Compliance;

public sealed class OptOutKeywordsTests
{
    [Theory]
    // TW-06: Twilio's default opt-out keywords; TC-03: FCC per-se revocations ("opt out" with a space). Any case, whitespace, punctuation.
    [InlineData("STOP")]
    [InlineData("stop")]
    [InlineData(" STOP ")]
    [InlineData("Stop.")]
    [InlineData("STOPALL")]
    [InlineData("Unsubscribe")]
    [InlineData("cancel")]
    [InlineData("END")]
    [InlineData("quit!")]
    [InlineData("Revoke")]
    [InlineData("OPTOUT")]
    [InlineData("opt out")]
    [InlineData("Opt-Out")]
    [InlineData("\tstop\r\n")]
    public void IsOptOut_KeywordAsWholeMessage_True(string reply) => Assert.True(OptOutKeywords.IsOptOut(reply));

    [Theory]
    // TW-06: "Only single-word messages will trigger the block ... 'STOP PLEASE' will not"; opt-in and help keywords are not opt-outs.
    [InlineData("STOP PLEASE")]
    [InlineData("don't stop")]
    [InlineData("START")]
    [InlineData("UNSTOP")]
    [InlineData("YES")]
    [InlineData("HELP")]
    [InlineData("INFO")]
    [InlineData("send")]
    [InlineData("stop 2")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("thanks, see you at the store on saturday")]
    public void IsOptOut_OtherText_False(string? reply) => Assert.False(OptOutKeywords.IsOptOut(reply));

    [Fact]
    public void Keywords_ListTwilioDefaults_TW06()
    {
        Assert.Equal(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"], OptOutKeywords.Keywords);
    }
}
