using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Programs;

/// <summary>The one place that says which rules version applies at a moment (every page, job and operation asks here).</summary>
public static class RulesInForce
{
    /// <summary>The version in force at a moment: the latest whose EffectiveFrom is not after it.</summary>
    public static async Task<ProgramRules> AtAsync(SmartbisDb db, DateTimeOffset at, CancellationToken ct = default) =>
        await FindAtAsync(db, at, ct)
        ?? throw new Infrastructure.OperationFailed("no_program", "no_program");

    /// <summary>
    /// As <see cref="AtAsync"/>, or null for a business with no rules at all. When every version starts later (rules
    /// saved ahead of time on a new business), the first version applies.
    /// </summary>
    public static async Task<ProgramRules?> FindAtAsync(SmartbisDb db, DateTimeOffset at, CancellationToken ct = default) =>
        await db.ProgramRules.Where(r => r.EffectiveFrom <= at).OrderByDescending(r => r.Version).FirstOrDefaultAsync(ct)
        ?? await db.ProgramRules.OrderBy(r => r.Version).FirstOrDefaultAsync(ct);

    /// <summary>
    /// As <see cref="AtAsync"/>, from the configuration cache (every version kept, dropped on every node when the rules
    /// change): for a purchase, which only reads the rules. Code that changes rules uses <see cref="AtAsync"/>.
    /// </summary>
    public static async Task<ProgramRules> CachedAtAsync(SmartbisDb db, DateTimeOffset at, CancellationToken ct = default) =>
        await CachedFindAtAsync(db, at, ct) ?? throw new Infrastructure.OperationFailed("no_program", "no_program");

    /// <summary>As <see cref="FindAtAsync"/>, from the configuration cache (for pages and operations that only read the rules).</summary>
    public static async Task<ProgramRules?> CachedFindAtAsync(SmartbisDb db, DateTimeOffset at, CancellationToken ct = default)
    {
        var versions = await db.CachedAsync(db.Tenant.Require(), "program-rules", () =>
            db.ProgramRules.AsNoTracking().OrderByDescending(r => r.Version).ToListAsync(ct));
        return versions.FirstOrDefault(r => r.EffectiveFrom <= at) ?? versions.LastOrDefault();
    }
}
