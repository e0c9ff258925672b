using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Programs;

/// <summary>
/// The one formatter and parser of ledger amounts in the program's unit. The ledger's columns hold cents for a cashback
/// program and whole points for a points program (<see cref="ProgramRules.RewardType"/>); every page, email, export and
/// API that shows a balance, an earning, a bonus or an adjustment goes through here:
/// cashback → "R$ 12,34" (<see cref="Money.Format"/>), points → "1.234 Pontos Aurora" (the tenant's branded name).
/// </summary>
public static class RewardUnits
{
    /// <summary>An amount in the program's unit, in the tenant's locale: money, or whole points with the branded name.</summary>
    public static string Format(long amount, RewardType type, string currencyName, string currencyCode = "BRL", string locale = "pt-BR") =>
        type == RewardType.Points ? $"{Number(amount, locale)} {currencyName}" : Money.Format(amount, currencyCode, locale);

    /// <summary>As <see cref="Format(long, RewardType, string, string, string)"/> for a tenant.</summary>
    public static string Format(long amount, RewardType type, Tenant tenant) =>
        Format(amount, type, tenant.CurrencyName, tenant.CurrencyCode, tenant.Locale);

    /// <summary>Whole points with the locale's thousands separator ("1.234" in pt-BR, "1,234" in en), no name.</summary>
    public static string Number(long points, string locale = "pt-BR") =>
        points.ToString("N0", Locales.Culture(locale));

    /// <summary>The amount as a person types it back into a form: "12,34" for cashback (pt-BR), "1234" for points.</summary>
    public static string Plain(long amount, RewardType type, string locale = "pt-BR") =>
        type == RewardType.Points
            ? amount.ToString(CultureInfo.InvariantCulture)
            : (amount / 100m).ToString("0.00", Locales.Culture(locale));

    /// <summary>
    /// What a person typed, in the program's unit: money ("12,34" → 1234 cents) for cashback, a whole number of points
    /// ("1.234", "1234") for points; null when it is not one.
    /// </summary>
    public static long? Parse(string? text, RewardType type, string locale = "pt-BR")
    {
        if (type != RewardType.Points) return Money.Parse(text, locale);
        if (string.IsNullOrWhiteSpace(text)) return null;
        var nf = Locales.Culture(locale).NumberFormat;
        var cleaned = text.Trim();
        var negative = cleaned.StartsWith('-');
        cleaned = cleaned.TrimStart('-', '+').Trim();
        var groups = cleaned.Split(nf.NumberGroupSeparator);
        if (groups.Length > 1 && (groups[0].Length is < 1 or > 3 || groups.Skip(1).Any(g => g.Length != 3))) return null;
        var digits = string.Concat(groups);
        if (digits.Length is 0 or > 12 || !digits.All(char.IsAsciiDigit)) return null;
        var value = long.Parse(digits, CultureInfo.InvariantCulture);
        return negative ? -value : value;
    }

    /// <summary>The tenant's reward type: the latest rules version's (it cannot change after the first purchase); cashback when none.</summary>
    public static async Task<RewardType> OfTenantAsync(SmartbisDb db, CancellationToken ct = default) =>
        await db.CachedAsync(db.Tenant.Require(), "reward-type", async () =>
            await db.ProgramRules.OrderByDescending(r => r.Version).Select(r => (RewardType?)r.RewardType).FirstOrDefaultAsync(ct)
            ?? RewardType.Cashback);

    /// <summary>
    /// What a balance of points costs the merchant, in cents, at the stated cost per point (the points liability); for cashback
    /// the balance is already money.
    /// </summary>
    public static long ValueInCents(long amount, RewardType type, long costPerPointCents) =>
        type == RewardType.Points ? checked(amount * costPerPointCents) : amount;

    /// <summary>The reward type as the API and CSV name it: "cashback" or "points".</summary>
    public static string Code(RewardType type) => type == RewardType.Points ? "points" : "cashback";
}
