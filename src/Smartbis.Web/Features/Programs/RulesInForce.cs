using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Programs;

public static class RulesInForce
{
    /// <summary>The version in force at a moment: the latest whose EffectiveFrom is not after it.</summary>
    public static async Task<ProgramRules> AtAsync(SmartbisDb db, DateTimeOffset at, CancellationToken ct = default) =>
        await db.ProgramRules.Where(r => r.EffectiveFrom <= at).OrderByDescending(r => r.Version).FirstOrDefaultAsync(ct)
        ?? await db.ProgramRules.OrderBy(r => r.Version).FirstOrDefaultAsync(ct)
        ?? throw new Infrastructure.OperationFailed("no_program", "no_program");
}
