using System.Globalization;

namespace Smartbis.Web.Features.Rewards;

/// <summary>
/// Whole points in words: "1.234 Pontos Aurora". // RewardUnits: the points helper's Features/Programs/RewardUnits.cs
/// is the one formatter of amounts once merged; this is the minimum the catalogue needs until then.
/// </summary>
public static class Points
{
    public static string Format(long points, string unitName, string locale) =>
        points.ToString("N0", CultureInfo.GetCultureInfo(locale)) + " " + unitName;
}
