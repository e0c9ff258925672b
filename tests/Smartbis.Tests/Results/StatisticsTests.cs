using Smartbis.Web.Features.Results;

namespace Smartbis.Tests.Results;

/// <summary>The intervals the results page states, against figures worked out by hand (and t tables).</summary>
public sealed class StatisticsTests
{
    [Fact]
    public void Difference_of_proportions_has_the_unpooled_normal_interval()
    {
        // 60 of 200 members returned against 40 of 200 in the control group: 30% vs 20%.
        // se = sqrt(0.3·0.7/200 + 0.2·0.8/200) = sqrt(0.00185) = 0.0430116; 1.959964 · se = 0.0843016.
        var r = Statistics.CompareProportions(60, 200, 40, 200, maxHalfWidth: 0.10);
        r.Difference.Should().BeApproximately(0.10, 1e-12);
        r.Low.Should().BeApproximately(0.0156984, 1e-6);
        r.High.Should().BeApproximately(0.1843016, 1e-6);
        r.Treated.N.Should().Be(200);
        r.Control.N.Should().Be(200);
        r.Enough.Should().BeTrue();
    }

    [Fact]
    public void Welch_interval_uses_the_satterthwaite_degrees_of_freedom()
    {
        // Treated: 50 members, mean 120, sd 30; control: 40 members, mean 100, sd 40.
        // se² = 900/50 + 1600/40 = 58; df = 58² / (18²/49 + 40²/39) = 70.616; t(0.975, 70.616) = 1.99413
        // (between 1.99444 at 70 and 1.99006 at 80, interpolated in 1/df); half-width = 1.99413 · 7.615773 = 15.1869.
        var r = Statistics.CompareMeans(new Sample(50, 120, 900), new Sample(40, 100, 1600), maxHalfWidth: 20);
        r.Difference.Should().BeApproximately(20, 1e-9);
        r.Low.Should().BeApproximately(4.8131, 0.01);
        r.High.Should().BeApproximately(35.1869, 0.01);
        r.Enough.Should().BeTrue();
    }

    [Fact]
    public void Running_sums_give_the_sample_mean_and_variance()
    {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x−5)² = 32, sample variance 32/7.
        var s = Sample.FromSums(8, 40, 4 + 16 + 16 + 16 + 25 + 25 + 49 + 81);
        s.Mean.Should().Be(5);
        s.Variance.Should().BeApproximately(32.0 / 7, 1e-12);
    }

    [Fact]
    public void Too_wide_an_interval_or_too_small_a_group_is_not_enough_data()
    {
        // 3 of 10 against 2 of 10: the half-width is 0.38, far wider than a 10-point tolerance.
        var wide = Statistics.CompareProportions(3, 10, 2, 10, maxHalfWidth: 0.10);
        wide.HalfWidth.Should().BeApproximately(1.959964 * Math.Sqrt(0.021 + 0.016), 1e-5);
        wide.Enough.Should().BeFalse();

        // Narrow enough but a control group of 20 is under the minimum of 30.
        Statistics.CompareProportions(500, 1000, 0, 20, maxHalfWidth: 1).Enough.Should().BeFalse();
        Statistics.CompareMeans(new Sample(1, 5, 0), new Sample(100, 5, 1), 100).Enough.Should().BeFalse();
        Statistics.CompareProportions(0, 0, 5, 50, 1).Enough.Should().BeFalse();
    }
}
