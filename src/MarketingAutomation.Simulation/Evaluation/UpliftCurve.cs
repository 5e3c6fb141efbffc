using System.Globalization;

namespace MarketingAutomation.Simulation;

/// <summary>One row of an uplift evaluation: the model's predicted uplift, whether the row was treated, and its outcome.</summary>
/// <param name="Score">Predicted uplift (higher = treat first).</param>
/// <param name="Treated">Whether the row was in the treated group of the randomised test.</param>
/// <param name="Outcome">The observed outcome (often 0/1).</param>
public readonly record struct UpliftObservation(double Score, bool Treated, double Outcome);

/// <summary>How uplift@k picks its top k %.</summary>
public enum UpliftAtKStrategy
{
    /// <summary>The top k % of all rows by score; then treated rate minus control rate among them (scikit-uplift "overall").</summary>
    Overall,

    /// <summary>The top k % of the treated rows and, separately, of the control rows (scikit-uplift "by_group").</summary>
    ByGroup,
}

/// <summary>One point of a Qini curve.</summary>
/// <param name="Targeted">Rows targeted (the top rows by score).</param>
/// <param name="Value">Incremental outcomes: Y_T - Y_C * N_T / N_C among the targeted rows.</param>
public readonly record struct QiniPoint(int Targeted, double Value);

/// <summary>
/// Uplift evaluation of a scoring on randomised data: uplift@k, the Qini curve and the Qini coefficient (computed as in
/// scikit-uplift: ties share one curve point; the coefficient is (model area - random area) / (perfect area - random area)).
/// </summary>
public sealed class UpliftCurve
{
    private readonly UpliftObservation[] _sorted;

    private UpliftCurve(UpliftObservation[] sorted, QiniPoint[] qini, double qiniArea, double randomArea, double perfectArea)
    {
        _sorted = sorted;
        Qini = qini;
        QiniArea = qiniArea - randomArea;
        QiniCoefficient = perfectArea - randomArea != 0 ? (qiniArea - randomArea) / (perfectArea - randomArea) : double.NaN;
    }

    /// <summary>Gets the number of rows.</summary>
    public int Count => _sorted.Length;

    /// <summary>Gets the Qini curve, from (0, 0) to (all rows, total incremental outcomes).</summary>
    public IReadOnlyList<QiniPoint> Qini { get; }

    /// <summary>Gets the area between the Qini curve and the random-targeting diagonal (in rows x outcomes).</summary>
    public double QiniArea { get; }

    /// <summary>Gets the Qini coefficient: the area between the curve and the diagonal, divided by that of the perfect ranking.</summary>
    public double QiniCoefficient { get; }

    /// <summary>Builds the curve.</summary>
    /// <param name="rows">Scored rows with treatment flag and outcome (both groups must be present).</param>
    /// <returns>The curve.</returns>
    /// <exception cref="ArgumentException">No rows, a non-finite score or outcome (naming the row), or a missing group.</exception>
    public static UpliftCurve Compute(IReadOnlyList<UpliftObservation> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var n = rows.Count;
        var treated = 0;
        var copy = new UpliftObservation[n];
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            if (!double.IsFinite(r.Score))
            {
                throw new ArgumentException($"rows[{i}].Score is {r.Score}; scores must be finite.", nameof(rows));
            }

            if (!double.IsFinite(r.Outcome))
            {
                throw new ArgumentException($"rows[{i}].Outcome is {r.Outcome}; outcomes must be finite.", nameof(rows));
            }

            treated += r.Treated ? 1 : 0;
            copy[i] = r;
        }

        if (treated == 0 || treated == n)
        {
            throw new ArgumentException($"rows has {treated} treated rows of {n}; uplift needs both treated and control rows.", nameof(rows));
        }

        var sorted = SortByScore(copy, static r => r.Score);
        var (qini, area) = Curve(sorted, static r => r.Score);
        var last = qini[^1].Value;
        var randomArea = n * last / 2.0;

        // Perfect ranking: treated responders first, control responders last (scikit-uplift, negative_effect = true).
        var perfect = SortByScore(copy, static r => r.Treated ? r.Outcome : -r.Outcome);
        var (_, perfectArea) = Curve(perfect, static r => r.Treated ? r.Outcome : -r.Outcome);
        return new UpliftCurve(sorted, qini, area, randomArea, perfectArea);
    }

    /// <summary>Uplift@k: treated response rate minus control response rate within the top <paramref name="fraction"/> by score.</summary>
    /// <param name="fraction">k as a fraction in (0, 1], e.g. 0.3 for 30 %.</param>
    /// <param name="strategy">How the top k % is taken.</param>
    /// <returns>The uplift (NaN when the top k % holds no treated or no control row).</returns>
    public double UpliftAtK(double fraction, UpliftAtKStrategy strategy = UpliftAtKStrategy.Overall)
    {
        if (!(fraction > 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "k must be a fraction in (0, 1], e.g. 0.3 for the top 30 %.");
        }

        double yt = 0, nt = 0, yc = 0, nc = 0;
        if (strategy == UpliftAtKStrategy.Overall)
        {
            var top = (int)(_sorted.Length * fraction);
            for (var i = 0; i < top; i++)
            {
                Add(_sorted[i], ref yt, ref nt, ref yc, ref nc);
            }
        }
        else
        {
            var totalT = 0;
            foreach (var r in _sorted)
            {
                totalT += r.Treated ? 1 : 0;
            }

            var topT = (int)(totalT * fraction);
            var topC = (int)((_sorted.Length - totalT) * fraction);
            foreach (var r in _sorted)
            {
                if (r.Treated && nt < topT)
                {
                    yt += r.Outcome;
                    nt++;
                }
                else if (!r.Treated && nc < topC)
                {
                    yc += r.Outcome;
                    nc++;
                }
            }
        }

        return nt > 0 && nc > 0 ? (yt / nt) - (yc / nc) : double.NaN;
    }

    /// <summary>A one-line summary with uplift at 10, 20, 30 and 50 % and the Qini coefficient.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"rows={Count} uplift@10%={UpliftAtK(0.1):0.0000} uplift@20%={UpliftAtK(0.2):0.0000} uplift@30%={UpliftAtK(0.3):0.0000} uplift@50%={UpliftAtK(0.5):0.0000} qini={QiniCoefficient:0.0000}");

    private static void Add(in UpliftObservation r, ref double yt, ref double nt, ref double yc, ref double nc)
    {
        if (r.Treated)
        {
            yt += r.Outcome;
            nt++;
        }
        else
        {
            yc += r.Outcome;
            nc++;
        }
    }

    private static UpliftObservation[] SortByScore(UpliftObservation[] rows, Func<UpliftObservation, double> key)
    {
        var keys = new double[rows.Length];
        var idx = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            keys[i] = -key(rows[i]);
            idx[i] = i;
        }

        // Stable descending order (ties keep input order, like a mergesort).
        Array.Sort(idx, (x, y) => keys[x] != keys[y] ? keys[x].CompareTo(keys[y]) : x.CompareTo(y));
        var sorted = new UpliftObservation[rows.Length];
        for (var i = 0; i < idx.Length; i++)
        {
            sorted[i] = rows[idx[i]];
        }

        return sorted;
    }

    private static (QiniPoint[] Curve, double Area) Curve(UpliftObservation[] sorted, Func<UpliftObservation, double> key)
    {
        var points = new List<QiniPoint> { new(0, 0) };
        double yt = 0, nt = 0, yc = 0, nc = 0;
        var area = 0.0;
        var prev = new QiniPoint(0, 0);
        for (var i = 0; i < sorted.Length; i++)
        {
            Add(sorted[i], ref yt, ref nt, ref yc, ref nc);
            var lastOfTie = i == sorted.Length - 1 || key(sorted[i + 1]) != key(sorted[i]);
            if (!lastOfTie)
            {
                continue;
            }

            var value = yt - (nc > 0 ? yc * nt / nc : 0.0);
            var p = new QiniPoint(i + 1, value);
            area += (p.Targeted - prev.Targeted) * (p.Value + prev.Value) / 2.0;
            points.Add(p);
            prev = p;
        }

        return ([.. points], area);
    }
}
