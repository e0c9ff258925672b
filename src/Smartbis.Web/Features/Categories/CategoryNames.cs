using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Categories;

/// <summary>How people read category codes: the tenant's list, by code, in the reader's language (the code itself when the list has none).</summary>
public sealed class CategoryNames(IReadOnlyDictionary<string, ProductCategory> byCode, CultureInfo culture)
{
    public static async Task<CategoryNames> LoadAsync(SmartbisDb db, CultureInfo? culture = null, CancellationToken ct = default) =>
        new(await db.CachedAsync(db.Tenant.Require(), "categories", async () =>
                (IReadOnlyDictionary<string, ProductCategory>)(await db.ProductCategories.AsNoTracking().ToListAsync(ct)).ToDictionary(c => c.Code, StringComparer.OrdinalIgnoreCase)),
            culture ?? CultureInfo.CurrentUICulture);

    /// <summary>
    /// The refusal for excluded categories not on the merchant's list (a forged form, another tenant's code); codes the rules in
    /// force already exclude stay allowed (rules made before the list). Null when every code is allowed.
    /// </summary>
    public static Infrastructure.ErrorText? CheckChosen(IEnumerable<string> chosen, IEnumerable<string> list, IEnumerable<string> inForce) =>
        chosen.Any(c => !list.Contains(c, StringComparer.OrdinalIgnoreCase) && !inForce.Contains(c, StringComparer.OrdinalIgnoreCase))
            ? Infrastructure.ErrorText.Of("category_unknown") : null;

    public string Of(string code) => byCode.TryGetValue(code.Trim(), out var c) ? c.Name(culture) : code;

    public string List(IEnumerable<string> codes) => string.Join(", ", codes.Select(Of));
}
