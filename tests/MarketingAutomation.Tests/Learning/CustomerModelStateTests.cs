using System.Buffers.Binary;
using FsCheck;
using FsCheck.Xunit;

namespace MarketingAutomation.Tests.Learning;

public sealed class CustomerModelStateTests
{
    private readonly ITestOutputHelper _output;

    public CustomerModelStateTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void SerializedSize_IsAtMost512Bytes()
    {
        var state = RandomState(1);
        var bytes = state.ToArray();

        _output.WriteLine($"learned state per customer: {bytes.Length} bytes (v0: {CustomerModelState.SerializedSizeV0} bytes); limit 512");
        Assert.Equal(CustomerModelState.SerializedSize, bytes.Length);
        Assert.Equal(272, bytes.Length);
        Assert.True(bytes.Length <= 512, $"{bytes.Length} bytes > 512");
        Assert.Equal(CustomerModelState.CurrentVersion, bytes[0]);
    }

    [Fact]
    public void Layout_OffsetsAreContiguous()
    {
        Assert.Equal(4, CustomerModelState.ChannelOffset);
        Assert.Equal(20, CustomerModelState.HoursOffset);
        Assert.Equal(188, CustomerModelState.OfferOffset);
        Assert.Equal(252, CustomerModelState.ToleranceOffset);
        Assert.Equal(256, CustomerModelState.FollowUpOffset);
    }

    [Property(MaxTest = 10_000)]
    public void RoundTrip_StateBuiltThroughTheApi_IsBitExact(ulong seed)
    {
        var state = RandomState(seed);
        var first = state.ToArray();

        Assert.True(CustomerModelState.TryDeserialize(first, out var read, out var error), error);
        var second = read.ToArray();

        Assert.Equal(first, second);
    }

    [Property(MaxTest = 10_000)]
    public void RoundTrip_AnyValidBytes_IsBitExact(ulong seed)
    {
        var first = RandomValidBytes(seed);

        Assert.True(CustomerModelState.TryDeserialize(first, out var read, out var error), error);
        var second = new byte[CustomerModelState.SerializedSize];
        read.Serialize(second);

        Assert.Equal(first, second);
    }

    [Property(MaxTest = 10_000)]
    public void TryDeserialize_ArbitraryBytes_NeverThrowsAndExplainsEveryFailure(byte[] bytes, bool asV1)
    {
        var input = bytes ?? [];
        if (asV1 && input.Length > 0)
        {
            input[0] = CustomerModelState.CurrentVersion;
        }

        var ok = CustomerModelState.TryDeserialize(input, out _, out var error);

        Assert.True(ok ? error is null : !string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void TryDeserialize_Empty_IsTheColdStart()
    {
        Assert.True(CustomerModelState.TryDeserialize([], out var state, out var error));
        Assert.Null(error);
        Assert.Equal(new BetaPosterior(2, 8), state.ChannelPosterior(ChannelKind.Sms, new BetaPosterior(2, 8)));
        Assert.False(state.HasTolerance);
        Assert.Equal(5, state.TightenCap(5));
    }

    [Fact]
    public void Migration_FromHandBuiltV0Layout_KeepsEverythingLearned()
    {
        // Version 0: the v1 layout without the follow-up matrix, 256 bytes, written here by hand at literal offsets.
        var v0 = new byte[256];
        v0[0] = 0;
        v0[1] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(v0.AsSpan(2), 2157);
        BinaryPrimitives.WriteHalfLittleEndian(v0.AsSpan(4 + (1 * 4)), (Half)3.5);      // Sms alpha
        BinaryPrimitives.WriteHalfLittleEndian(v0.AsSpan(4 + (1 * 4) + 2), (Half)1.25); // Sms beta
        BinaryPrimitives.WriteHalfLittleEndian(v0.AsSpan(4 + (0 * 4) + 2), (Half)6);     // Email beta
        v0[20 + 19] = 0x43;                                                              // Monday 19:00: 3 of 4
        v0[20 + 43] = 0x11;                                                              // Tuesday 19:00: 1 of 1
        BinaryPrimitives.WriteHalfLittleEndian(v0.AsSpan(188 + (2 * 8) + 4), (Half)2);   // goal 2, offer, alpha
        BinaryPrimitives.WriteHalfLittleEndian(v0.AsSpan(188 + (2 * 8) + 6), (Half)0.5); // goal 2, offer, beta
        BinaryPrimitives.WriteHalfLittleEndian(v0.AsSpan(252), (Half)4.5);              // tolerance mean
        BinaryPrimitives.WriteHalfLittleEndian(v0.AsSpan(254), (Half)0.75);             // tolerance variance

        Assert.True(CustomerModelState.TryDeserialize(v0, out var state, out var error), error);

        var flat = BetaPosterior.Uniform;
        Assert.Equal(new BetaPosterior(4.5, 2.25), state.ChannelPosterior(ChannelKind.Sms, flat));
        Assert.Equal(new BetaPosterior(1, 7), state.ChannelPosterior(ChannelKind.Email, flat));
        Assert.Equal(3, state.Hours.Successes(19));
        Assert.Equal(4, state.Hours.Trials(19));
        Assert.Equal(1, state.Hours.Successes(43));
        Assert.Equal(new BetaPosterior(3, 1.5), state.OfferPosterior(2, withOffer: true, flat));
        Assert.Equal(flat, state.OfferPosterior(2, withOffer: false, flat));
        Assert.True(state.HasTolerance);
        Assert.Equal(4.5, state.ToleranceMean);
        Assert.Equal(0.75, state.ToleranceVariance);
        Assert.Equal(4, state.TightenCap(10));
        Assert.Equal(2, state.TightenCap(2));
        Assert.Equal(2157, state.LastUpdateDay);
        Assert.Equal(flat, state.FollowUpPosterior(ChannelKind.Email, ChannelKind.Sms, flat));

        // Written back as v1: the same bytes for everything v0 had, an empty follow-up matrix, and it reads again unchanged.
        var v1 = state.ToArray();
        Assert.Equal(1, v1[0]);
        Assert.Equal(v0.AsSpan(1).ToArray(), v1.AsSpan(1, 255).ToArray());
        Assert.All(v1.AsSpan(256).ToArray(), b => Assert.Equal(0, b));
        Assert.True(CustomerModelState.TryDeserialize(v1, out var again, out _));
        Assert.Equal(v1, again.ToArray());
    }

    [Theory]
    [InlineData(1, "flags")]
    [InlineData(3, "lastUpdateDay")]
    [InlineData(10, "channel")]
    [InlineData(100, "engagedHours")]
    [InlineData(200, "offer")]
    [InlineData(254, "tolerance")]
    [InlineData(271, "followUp")]
    public void TryDeserialize_Truncated_FailsNamingTheField(int length, string field)
    {
        var bytes = RandomState(3).ToArray().AsSpan(0, length).ToArray();

        Assert.False(CustomerModelState.TryDeserialize(bytes, out var state, out var error));
        Assert.Contains($"'{field}'", error, StringComparison.Ordinal);
        Assert.Contains("truncated", error, StringComparison.Ordinal);
        Assert.Equal(default(CustomerModelState).ToArray(), state.ToArray());
    }

    [Fact]
    public void TryDeserialize_TrailingBytes_Fails()
    {
        var bytes = new byte[CustomerModelState.SerializedSize + 1];
        bytes[0] = 1;

        Assert.False(CustomerModelState.TryDeserialize(bytes, out _, out var error));
        Assert.Contains("trailing", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(255)]
    public void TryDeserialize_UnknownFutureVersion_FailsWithAClearError(byte version)
    {
        var bytes = RandomState(4).ToArray();
        bytes[0] = version;

        Assert.False(CustomerModelState.TryDeserialize(bytes, out _, out var error));
        Assert.Contains("'version'", error, StringComparison.Ordinal);
        Assert.Contains($"is {version}", error, StringComparison.Ordinal);
        Assert.Contains("unknown", error, StringComparison.Ordinal);
    }

    public static TheoryData<int, ushort, string> BadHalves => new()
    {
        { 4 + 4, 0x7E00, "'channel[Sms].alpha'" },           // NaN
        { 4 + 14, 0xFE00, "'channel[InApp].beta'" },         // negative NaN
        { 4 + 2, 0x7C00, "'channel[Email].beta'" },          // +infinity
        { 4 + 8, 0xBC00, "'channel[Push].alpha'" },          // -1
        { 188 + (3 * 8) + 6, 0x7E00, "'offer[3].offer.beta'" },
        { 188 + (7 * 8), 0x7E01, "'offer[7].noOffer.alpha'" },
        { 252, 0x7E00, "'tolerance.mean'" },
        { 254, 0xFC00, "'tolerance.variance'" },             // -infinity
    };

    [Theory]
    [MemberData(nameof(BadHalves))]
    public void TryDeserialize_NaNInfiniteOrNegativeHalf_FailsNamingTheField(int offset, ushort bits, string field)
    {
        var bytes = RandomState(5).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), bits);

        Assert.False(CustomerModelState.TryDeserialize(bytes, out _, out var error));
        Assert.Contains(field, error, StringComparison.Ordinal);
        _output.WriteLine(error ?? string.Empty);
    }

    [Fact]
    public void TryDeserialize_MoreSuccessesThanTrials_FailsNamingTheSlot()
    {
        var bytes = RandomState(6).ToArray();
        bytes[20 + 19] = 0x25;

        Assert.False(CustomerModelState.TryDeserialize(bytes, out _, out var error));
        Assert.Contains("'engagedHours[19]'", error, StringComparison.Ordinal);

        bytes = RandomState(6).ToArray();
        bytes[256 + 1] = 0x0F;
        Assert.False(CustomerModelState.TryDeserialize(bytes, out _, out error));
        Assert.Contains("'followUp[Email][Sms]'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDeserialize_ReservedFlagBits_Fail()
    {
        var bytes = RandomState(7).ToArray();
        bytes[1] = 0x80;

        Assert.False(CustomerModelState.TryDeserialize(bytes, out _, out var error));
        Assert.Contains("'flags'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_LearnOnTopOfThePrior()
    {
        var state = default(CustomerModelState);
        var prior = new BetaPosterior(1, 4);
        state.RecordChannel(ChannelKind.Sms, success: true);
        state.RecordChannel(ChannelKind.Sms, success: true, weight: 0.1);
        state.RecordChannel(ChannelKind.Sms, success: false);
        state.RecordChannel(ChannelKind.Webhook, success: true);
        state.RecordFollowUp(ChannelKind.Email, ChannelKind.Sms, answered: true);
        state.RecordFollowUp(ChannelKind.Email, ChannelKind.Push, answered: false);
        state.RecordOffer(1, withOffer: true, success: true);
        state.Touch(Instant.FromUtc(2026, 11, 27, 17, 0));

        var sms = state.ChannelPosterior(ChannelKind.Sms, prior);
        Assert.Equal(2.1, sms.Alpha, 2);
        Assert.Equal(5, sms.Beta, 12);
        Assert.Equal(prior, state.ChannelPosterior(ChannelKind.Webhook, prior));
        Assert.True(state.FollowUpPosterior(ChannelKind.Email, ChannelKind.Sms, prior).Mean > state.FollowUpPosterior(ChannelKind.Email, ChannelKind.Push, prior).Mean);
        Assert.Equal(new BetaPosterior(2, 4), state.OfferPosterior(1, withOffer: true, prior));
        Assert.Equal(2522, state.LastUpdateDay);

        state.Decay(0.5);
        Assert.Equal(1.55, state.ChannelPosterior(ChannelKind.Sms, prior).Alpha, 2);
    }

    [Fact]
    public void RecordChannel_ManyObservations_EvidenceStaysBoundedAndFinite()
    {
        var state = default(CustomerModelState);
        for (var i = 0; i < 100_000; i++)
        {
            state.RecordChannel(ChannelKind.Email, success: i % 4 == 0);
        }

        var p = state.ChannelPosterior(ChannelKind.Email, BetaPosterior.Uniform);
        Assert.InRange(p.Evidence, 90, 103);
        Assert.InRange(p.Mean, 0.2, 0.3);
    }

    [Fact]
    public void SerializeDeserializeAndUpdate_10000Calls_AllocateNothing()
    {
        var source = RandomState(8).ToArray();
        Span<byte> buffer = stackalloc byte[CustomerModelState.SerializedSize];
        var random = new LearningRandom(8);
        var allowed = HourOfWeekMask.Daily(8, 21);
        var sink = 0.0;
        for (var i = 0; i < 100; i++)
        {
            sink += Cycle(source, buffer, ref random, in allowed, i);
        }

        // The least of three rounds: the runtime may charge a tier-up (JIT) to the thread during one round when the machine is busy,
        // but an allocation per call would show in every round.
        var rounds = new long[3];
        for (var round = 0; round < rounds.Length; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                sink += Cycle(source, buffer, ref random, in allowed, i);
            }

            rounds[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(rounds.Min() == 0, $"bytes allocated per round of 10,000 cycles: {string.Join(", ", rounds)}");
        Assert.True(sink > 0);
    }

    private static double Cycle(byte[] source, Span<byte> buffer, ref LearningRandom random, in HourOfWeekMask allowed, int i)
    {
        if (!CustomerModelState.TryDeserialize(source, out var state, out _))
        {
            return -1;
        }

        state.RecordChannel(ChannelKind.Sms, i % 2 == 0, 0.1);
        state.RecordOffer(i % 8, i % 3 == 0, i % 5 == 0);
        state.RecordFollowUp(ChannelKind.Email, ChannelKind.Push, i % 7 == 0);
        var slot = state.Hours.BestSlot(in allowed, BetaPosterior.Uniform, ref random);
        state.Hours.Record(slot, i % 2 == 0);
        state.Touch(Instant.FromUnixTimeSeconds(1_800_000_000L + i));
        var draw = state.ChannelPosterior(ChannelKind.Sms, BetaPosterior.Uniform).Sample(ref random);
        return state.Serialize(buffer) + draw + slot;
    }

    /// <summary>A state built through the API with random observations and weights (doubles written in as Half).</summary>
    private static CustomerModelState RandomState(ulong seed)
    {
        var random = new LearningRandom(seed);
        var state = default(CustomerModelState);
        var observations = (int)(random.NextUInt64() % 300);
        for (var i = 0; i < observations; i++)
        {
            var kind = (ChannelKind)(random.NextUInt64() % 5);
            var success = random.NextDouble() < 0.3;
            var weight = random.NextDouble() < 0.2 ? 0.1 : random.NextDouble() * 3;
            switch (random.NextUInt64() % 5)
            {
                case 0:
                    state.RecordChannel(kind, success, weight);
                    break;
                case 1:
                    state.Hours.Record((int)(random.NextUInt64() % 168), success);
                    break;
                case 2:
                    state.RecordOffer((int)(random.NextUInt64() % 8), random.NextDouble() < 0.5, success, weight);
                    break;
                case 3:
                    state.RecordFollowUp(kind, (ChannelKind)(random.NextUInt64() % 4), success);
                    break;
                default:
                    state.Decay(random.NextDouble());
                    break;
            }
        }

        if (random.NextDouble() < 0.7)
        {
            state.SetTolerance(random.NextDouble() * 30, random.NextDouble() * 10);
        }

        state.Touch(Instant.FromUnixTimeSeconds((long)(random.NextUInt64() % 4_000_000_000UL)));
        return state;
    }

    /// <summary>Random bytes made valid: any finite non-negative Half (subnormals and -0 included), any valid nibble pair.</summary>
    private static byte[] RandomValidBytes(ulong seed)
    {
        var random = new LearningRandom(seed);
        var bytes = new byte[CustomerModelState.SerializedSize];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)random.NextUInt64();
        }

        bytes[0] = CustomerModelState.CurrentVersion;
        bytes[1] &= CustomerModelState.FlagToleranceLearned;
        FixHalves(bytes.AsSpan(CustomerModelState.ChannelOffset, CustomerModelState.HoursOffset - CustomerModelState.ChannelOffset));
        FixNibbles(bytes.AsSpan(CustomerModelState.HoursOffset, 168));
        FixHalves(bytes.AsSpan(CustomerModelState.OfferOffset, CustomerModelState.FollowUpOffset - CustomerModelState.OfferOffset));
        FixNibbles(bytes.AsSpan(CustomerModelState.FollowUpOffset, 16));
        return bytes;
    }

    private static void FixHalves(Span<byte> span)
    {
        for (var i = 0; i < span.Length; i += 2)
        {
            var bits = BinaryPrimitives.ReadUInt16LittleEndian(span[i..]);
            if (bits != 0x8000)
            {
                bits &= 0x7FFF;
            }

            if ((bits & 0x7C00) == 0x7C00)
            {
                bits &= 0x7BFF;
            }

            BinaryPrimitives.WriteUInt16LittleEndian(span[i..], bits);
        }
    }

    private static void FixNibbles(Span<byte> span)
    {
        for (var i = 0; i < span.Length; i++)
        {
            var s = span[i] & 0x0F;
            var t = span[i] >> 4;
            span[i] = s <= t ? span[i] : (byte)((s << 4) | t);
        }
    }
}
