using MathNet.Numerics.Distributions;

namespace Smartbis.Web.Features.Results;

/// <summary>A group's figure for a comparison: how many members, and the mean and sample variance of what was measured.</summary>
public readonly record struct Sample(long N, double Mean, double Variance)
{
    /// <summary>From running sums, as roll-ups keep them: n, Σx and Σx² (sample variance with n − 1).</summary>
    public static Sample FromSums(long n, double sum, double sumOfSquares)
    {
        if (n <= 0) return new Sample(0, 0, 0);
        var mean = sum / n;
        var variance = n > 1 ? Math.Max(0, (sumOfSquares - n * mean * mean) / (n - 1)) : 0;
        return new Sample(n, mean, variance);
    }

    /// <summary>A proportion (hits of n) as a sample of 0/1 values.</summary>
    public static Sample Proportion(long hits, long n) =>
        n <= 0 ? new Sample(0, 0, 0) : new Sample(n, (double)hits / n, (double)hits / n * (1 - (double)hits / n));
}

/// <summary>
/// Treated minus control with its 95% confidence interval. <see cref="Enough"/> is false when either group is too small
/// or the interval is wider than the caller's tolerance: the page then says "not enough data yet" instead of a number.
/// </summary>
public readonly record struct Comparison(Sample Treated, Sample Control, double Difference, double Low, double High, bool Enough)
{
    public double HalfWidth => (High - Low) / 2;
}

/// <summary>
/// The two tests the results page states: a difference of proportions (return rates) with the unpooled normal
/// (Wald) interval, and a difference of means (purchases, ticket, revenue per member) with Welch's t interval and
/// the Welch–Satterthwaite degrees of freedom. Both need at least <see cref="MinimumGroup"/> members per group.
/// </summary>
public static class Statistics
{
    public const int MinimumGroup = 30;
    public const double Confidence = 0.95;

    /// <summary>Return rate and the like: treated hits of n against control hits of n.</summary>
    public static Comparison CompareProportions(long treatedHits, long treatedN, long controlHits, long controlN, double maxHalfWidth)
    {
        var t = Sample.Proportion(treatedHits, treatedN);
        var c = Sample.Proportion(controlHits, controlN);
        if (t.N == 0 || c.N == 0) return new Comparison(t, c, 0, 0, 0, false);
        var se = Math.Sqrt(t.Variance / t.N + c.Variance / c.N);
        var z = Normal.InvCDF(0, 1, 1 - (1 - Confidence) / 2);
        return Build(t, c, z * se, maxHalfWidth);
    }

    /// <summary>Welch's t interval for the difference of two means with unequal variances.</summary>
    public static Comparison CompareMeans(Sample treated, Sample control, double maxHalfWidth)
    {
        if (treated.N < 2 || control.N < 2) return new Comparison(treated, control, treated.Mean - control.Mean, 0, 0, false);
        var vt = treated.Variance / treated.N;
        var vc = control.Variance / control.N;
        var se = Math.Sqrt(vt + vc);
        if (se == 0) return Build(treated, control, 0, maxHalfWidth);
        var df = (vt + vc) * (vt + vc) / (vt * vt / (treated.N - 1) + vc * vc / (control.N - 1));
        var t = StudentT.InvCDF(0, 1, df, 1 - (1 - Confidence) / 2);
        return Build(treated, control, t * se, maxHalfWidth);
    }

    private static Comparison Build(Sample t, Sample c, double halfWidth, double maxHalfWidth)
    {
        var difference = t.Mean - c.Mean;
        var enough = t.N >= MinimumGroup && c.N >= MinimumGroup && halfWidth <= maxHalfWidth;
        return new Comparison(t, c, difference, difference - halfWidth, difference + halfWidth, enough);
    }
}
