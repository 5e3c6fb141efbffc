namespace MarketingAutomation.Tests.Learning;

public sealed class BetaPosteriorTests
{
    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(2.0, 5.0)]
    [InlineData(0.3, 0.7)]
    [InlineData(0.1, 9.9)]
    [InlineData(40.0, 12.5)]
    public void Sample_200000SeededDraws_MeanAndVarianceMatchTheory(double alpha, double beta)
    {
        var posterior = new BetaPosterior(alpha, beta);
        var random = new LearningRandom(20261127);
        const int draws = 200_000;
        double sum = 0, sumSq = 0;
        for (var i = 0; i < draws; i++)
        {
            var x = posterior.Sample(ref random);
            Assert.InRange(x, 0.0, 1.0);
            sum += x;
            sumSq += x * x;
        }

        var mean = sum / draws;
        var variance = (sumSq / draws) - (mean * mean);

        // Standard error of the mean is sqrt(var / n); allow 5 of them. Variance within 3 % relative (plus a tiny absolute floor).
        var meanTolerance = 5 * Math.Sqrt(posterior.Variance / draws);
        Assert.True(Math.Abs(mean - posterior.Mean) <= meanTolerance, $"{posterior}: mean {mean:F5}, theory {posterior.Mean:F5}, tolerance {meanTolerance:F5}");
        Assert.True(Math.Abs(variance - posterior.Variance) <= (0.03 * posterior.Variance) + 1e-6, $"{posterior}: variance {variance:F6}, theory {posterior.Variance:F6}");
    }

    [Fact]
    public void Update_FractionalWeights_AddToAlphaOrBeta()
    {
        var p = BetaPosterior.Uniform.Update(success: true, weight: 0.1).Update(success: false, weight: 1).Update(success: true);

        Assert.Equal(2.1, p.Alpha, 12);
        Assert.Equal(2.0, p.Beta, 12);
        Assert.Equal(p, p.Update(true, 0));
        Assert.Equal(p, p.Update(true, double.NaN));
        Assert.Equal(p, p.Update(false, -1));
    }

    [Fact]
    public void MeanAndVariance_MatchClosedForm()
    {
        var p = new BetaPosterior(3, 7);

        Assert.Equal(0.3, p.Mean, 12);
        Assert.Equal(3.0 * 7 / (100.0 * 11), p.Variance, 12);
    }

    [Fact]
    public void Decay_MovesTowardThePrior()
    {
        var prior = new BetaPosterior(2, 8);
        var learned = new BetaPosterior(12, 10);

        Assert.Equal(learned, learned.Decay(1, prior));
        Assert.Equal(prior, learned.Decay(0, prior));
        var half = learned.Decay(0.5, prior);
        Assert.Equal(7, half.Alpha, 12);
        Assert.Equal(9, half.Beta, 12);
        Assert.Equal(new BetaPosterior(1.5, 1.5), new BetaPosterior(2, 2).Decay(0.5));
    }

    [Fact]
    public void Constructor_InvalidParameters_ThrowNamingTheParameter()
    {
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new BetaPosterior(0, 1)).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new BetaPosterior(1, double.NaN)).ParamName);
    }

    [Fact]
    public void ProbabilityGreaterThan_MatchesKnownValues()
    {
        var random = new LearningRandom(7);

        // X ~ Beta(2, 1), Y ~ Uniform: P(X > Y) = E[X] = 2/3.
        var p = new BetaPosterior(2, 1).ProbabilityGreaterThan(BetaPosterior.Uniform, 100_000, ref random);
        Assert.InRange(p, 0.66, 0.673);
        Assert.InRange(new BetaPosterior(5, 5).ProbabilityGreaterThan(new BetaPosterior(5, 5), 100_000, ref random), 0.49, 0.51);
        Assert.True(new BetaPosterior(60, 40).ProbabilityGreaterThan(new BetaPosterior(10, 90), 10_000, ref random) > 0.999);
    }

    [Fact]
    public void LearningRandom_SameSeed_SameSequence()
    {
        var a = new LearningRandom(42);
        var b = new LearningRandom(42);
        var c = new LearningRandom(43);
        var differs = false;
        for (var i = 0; i < 1000; i++)
        {
            var x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            differs |= x != c.NextUInt64();
        }

        Assert.True(differs);
    }

    [Fact]
    public void SampleUpdateAndProbability_10000Calls_AllocateNothing()
    {
        var random = new LearningRandom(1);
        var p = new BetaPosterior(0.5, 3);
        var q = new BetaPosterior(2, 2);
        var sink = 0.0;

        // Warm up (JIT) before measuring.
        for (var i = 0; i < 100; i++)
        {
            sink += p.Sample(ref random) + p.Update(true, 0.1).Alpha + p.ProbabilityGreaterThan(q, 4, ref random);
        }

        // The least of three rounds: the runtime may charge a tier-up (JIT) to the thread during one round when the machine is busy,
        // but an allocation per call would show in every round.
        var rounds = new long[3];
        for (var round = 0; round < rounds.Length; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                sink += p.Sample(ref random);
                p = p.Update(i % 3 == 0, 0.1).Decay(0.999);
                sink += p.ProbabilityGreaterThan(q, 4, ref random);
            }

            rounds[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(rounds.Min() == 0, $"bytes allocated per round of 10,000 calls: {string.Join(", ", rounds)}");
        Assert.True(sink > 0);
    }
}
