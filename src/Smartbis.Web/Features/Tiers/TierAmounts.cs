using Smartbis.Web.Features.Programs;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Tiers;

/// <summary>
/// A qualifying amount (a threshold, "to the next level", "to keep Gold") in words: money for the Spend measure; for the
/// PointsEarned measure the program's unit through <see cref="RewardUnits"/> ("1.234 Pontos Aurora", or cashback earned
/// as money for a cashback program).
/// </summary>
public static class TierAmounts
{
    public static string Format(long amount, TierMeasure measure, RewardType type, string currencyName, string currencyCode, string locale) =>
        measure == TierMeasure.Spend ? Money.Format(amount, currencyCode, locale) : RewardUnits.Format(amount, type, currencyName, currencyCode, locale);

    /// <summary>As a person types it back into the tiers form.</summary>
    public static string Plain(long amount, TierMeasure measure, RewardType type, string locale) =>
        RewardUnits.Plain(amount, measure == TierMeasure.Spend ? RewardType.Cashback : type, locale);

    /// <summary>What a person typed into the tiers form; null when it is not an amount of the measure.</summary>
    public static long? Parse(string? text, TierMeasure measure, RewardType type, string locale) =>
        RewardUnits.Parse(text, measure == TierMeasure.Spend ? RewardType.Cashback : type, locale);
}
