using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Categories;

/// <summary>Removes a category the rules in force do not exclude (audited). Another tenant's id is not found (404).</summary>
public sealed class DeleteCategory(SmartbisDb db, TimeProvider clock)
{
    public async Task ExecuteAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        var category = await db.ProductCategories.SingleOrDefaultAsync(c => c.Id == id, ct)
                       ?? throw new OperationFailed("not_found", "category_not_found", "id", 404);
        var excluded = await db.ProgramRules.OrderByDescending(p => p.Version).Select(p => p.ExcludedCategories).FirstOrDefaultAsync(ct) ?? [];
        if (excluded.Contains(category.Code))
            throw new OperationFailed("in_use", "category_in_rules", "code", values: new { code = category.Code });
        db.ProductCategories.Remove(category);
        RecordAudit.Add(db, actor, clock.GetUtcNow(), "category.deleted", $"Category {category.Code} removed", "category", category.Id,
            new { category.Code, category.NamePt, category.NameEn }, null, values: new { code = category.Code });
        await db.SaveChangesAsync(ct);
    }
}
