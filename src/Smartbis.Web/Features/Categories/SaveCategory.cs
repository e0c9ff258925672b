using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Categories;

/// <summary>
/// Adds a category or changes one (code and both names), audited in the same SaveChanges. A code is unique in the tenant;
/// changing the code of a category the rules in force exclude is refused (the rules name it). Another tenant's id is not found.
/// </summary>
public sealed partial class SaveCategory(SmartbisDb db, TimeProvider clock)
{
    /// <param name="Id">Null adds a category.</param>
    public sealed record Request(Guid? Id, string? Code, string? NamePt, string? NameEn);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$")]
    private static partial Regex CodePattern();

    public static string? Normalize(string? code) => string.IsNullOrWhiteSpace(code) ? null : code.Trim().ToLowerInvariant();

    /// <returns>The category's id; throws <see cref="OperationFailed"/> (404 for an id not of this tenant, 422 on bad input).</returns>
    public async Task<Guid> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var code = Normalize(r.Code);
        var v = new Validation();
        v.Check(code is not null && CodePattern().IsMatch(code), "code", "category_code_format");
        v.Check(!string.IsNullOrWhiteSpace(r.NamePt) && r.NamePt.Trim().Length <= 60, "namePt", "category_name_required");
        v.Check(!string.IsNullOrWhiteSpace(r.NameEn) && r.NameEn.Trim().Length <= 60, "nameEn", "category_name_required");
        v.ThrowIfInvalid();

        var isNew = r.Id is null;
        var category = isNew
            ? new ProductCategory { Code = code!, NamePt = "", NameEn = "", CreatedAt = clock.GetUtcNow() }
            : await db.ProductCategories.SingleOrDefaultAsync(c => c.Id == r.Id, ct)
              ?? throw new OperationFailed("not_found", "category_not_found", "id", 404);
        if (await db.ProductCategories.AnyAsync(c => c.Code == code && c.Id != category.Id, ct))
            throw new OperationFailed("duplicate", "category_code_taken", "code", values: new { code });
        if (!isNew && category.Code != code
            && await db.ProgramRules.OrderByDescending(p => p.Version).Select(p => p.ExcludedCategories).FirstOrDefaultAsync(ct) is { } excluded
            && excluded.Contains(category.Code))
            throw new OperationFailed("in_use", "category_in_rules", "code", values: new { code = category.Code });

        var before = isNew ? null : new { category.Code, category.NamePt, category.NameEn };
        category.Code = code!;
        category.NamePt = r.NamePt!.Trim();
        category.NameEn = r.NameEn!.Trim();
        if (isNew) db.ProductCategories.Add(category);
        RecordAudit.Add(db, actor, clock.GetUtcNow(), isNew ? "category.created" : "category.updated",
            $"Category {category.Code} {(isNew ? "added" : "changed")}", "category", category.Id, before,
            new { category.Code, category.NamePt, category.NameEn }, values: new { code = category.Code, namePt = category.NamePt, nameEn = category.NameEn });
        await db.SaveChangesAsync(ct);
        return category.Id;
    }
}
