using MarketingAutomation.Simulation;

namespace MarketingAutomation.Simulation.Tests.Evaluation;

public class UpliftCurveTests
{
    // Ten rows by descending score: T=treated, C=control, outcome 0/1.
    private static readonly UpliftObservation[] Rows =
    [
        new(0.9, true, 1),
        new(0.8, false, 0),
        new(0.7, true, 1),
        new(0.6, false, 1),
        new(0.5, true, 0),
        new(0.4, false, 0),
        new(0.3, true, 0),
        new(0.2, false, 1),
        new(0.1, true, 1),
        new(0.0, false, 0),
    ];

    [Fact]
    public void Uplift_at_k_overall_by_hand()
    {
        var curve = UpliftCurve.Compute(Rows);

        // Top 40 %: T rows 0.9 (1), 0.7 (1) -> 1.0; C rows 0.8 (0), 0.6 (1) -> 0.5.
        Assert.Equal(0.5, curve.UpliftAtK(0.4), 12);

        // Everything: T 3/5, C 2/5.
        Assert.Equal(0.2, curve.UpliftAtK(1.0), 12);

        // Top 10 %: one treated row only -> no control -> NaN.
        Assert.True(double.IsNaN(curve.UpliftAtK(0.1)));
    }

    [Fact]
    public void Uplift_at_k_by_group_by_hand()
    {
        var curve = UpliftCurve.Compute(Rows);

        // 40 % of 5 treated = 2 rows (0.9, 0.7) -> 1.0; 40 % of 5 control = 2 rows (0.8, 0.6) -> 0.5.
        Assert.Equal(0.5, curve.UpliftAtK(0.4, UpliftAtKStrategy.ByGroup), 12);

        // 60 %: 3 treated (1, 1, 0) -> 2/3; 3 control (0, 1, 0) -> 1/3.
        Assert.Equal(1.0 / 3, curve.UpliftAtK(0.6, UpliftAtKStrategy.ByGroup), 12);
    }

    [Fact]
    public void Qini_curve_by_hand()
    {
        var curve = UpliftCurve.Compute(Rows);
        Assert.Equal(11, curve.Qini.Count);
        Assert.Equal(new QiniPoint(0, 0), curve.Qini[0]);
        Assert.Equal(new QiniPoint(1, 1), curve.Qini[1]); // T=1 responder, no control yet
        Assert.Equal(new QiniPoint(2, 1), curve.Qini[2]); // 1 - 0 * 1/1
        Assert.Equal(new QiniPoint(4, 1), curve.Qini[4]); // 2 - 1 * 2/2
        Assert.Equal(1.0, curve.Qini[^1].Value, 12);       // 3 - 2 * 5/5
    }

    [Fact]
    public void Perfect_scores_give_a_qini_coefficient_of_one_and_reversed_scores_a_negative_one()
    {
        var perfect = Rows.Select(r => r with { Score = r.Treated ? r.Outcome : -r.Outcome }).ToArray();
        Assert.Equal(1.0, UpliftCurve.Compute(perfect).QiniCoefficient, 12);
        var reversed = Rows.Select(r => r with { Score = r.Treated ? -r.Outcome : r.Outcome }).ToArray();
        Assert.True(UpliftCurve.Compute(reversed).QiniCoefficient < 0);
    }

    [Fact]
    public void Ties_share_one_curve_point()
    {
        var tied = Rows.Select(r => r with { Score = 1 }).ToArray();
        var curve = UpliftCurve.Compute(tied);
        Assert.Equal(2, curve.Qini.Count);
        Assert.Equal(0.0, curve.QiniArea, 12);
    }

    [Fact]
    public void Bad_input_throws_clearly()
    {
        Assert.Contains("rows[1].Score", Assert.Throws<ArgumentException>(() => UpliftCurve.Compute([new(0, true, 1), new(double.NaN, false, 0)])).Message, StringComparison.Ordinal);
        Assert.Contains("both treated and control", Assert.Throws<ArgumentException>(() => UpliftCurve.Compute([new(0, true, 1), new(1, true, 0)])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => UpliftCurve.Compute(Rows).UpliftAtK(0));
    }

    [Fact]
    public void Two_model_learner_finds_the_segment_that_responds()
    {
        // Treatment lifts the outcome from 0.1 to 0.4 when x0 = 1 and does nothing when x0 = 0; x1 is noise.
        var rng = new Random(5);
        var x = new List<double[]>();
        var t = new List<bool>();
        var y = new List<double>();
        var test = new List<(double[] X, bool T, double Y)>();
        for (var i = 0; i < 20_000; i++)
        {
            var f = new double[] { rng.Next(2), rng.NextDouble() };
            var treated = rng.Next(2) == 1;
            var p = treated && f[0] == 1 ? 0.4 : 0.1;
            var outcome = rng.NextDouble() < p ? 1.0 : 0.0;
            if (i < 10_000)
            {
                x.Add(f);
                t.Add(treated);
                y.Add(outcome);
            }
            else
            {
                test.Add((f, treated, outcome));
            }
        }

        var model = TwoModelUplift.Fit(x, t, y);
        Assert.Equal(0.3, model.Score([1.0, 0.5]), 0.05);
        Assert.Equal(0.0, model.Score([0.0, 0.5]), 0.05);

        var curve = UpliftCurve.Compute(test.Select(r => new UpliftObservation(model.Score(r.X), r.T, r.Y)).ToArray());
        Assert.Equal(0.3, curve.UpliftAtK(0.3), 0.05);
        Assert.True(curve.QiniCoefficient > 0.2, $"qini {curve.QiniCoefficient}");
    }

    [Fact]
    public void Two_model_learner_rejects_non_binary_outcomes()
    {
        var ex = Assert.Throws<ArgumentException>(() => TwoModelUplift.Fit([[1.0], [2.0]], [true, false], [1.0, 0.5]));
        Assert.Contains("outcome[1]", ex.Message, StringComparison.Ordinal);
    }
}
