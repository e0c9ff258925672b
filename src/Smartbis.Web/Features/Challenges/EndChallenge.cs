using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Challenges;

/// <summary>Ends a running challenge now (purchases after this moment no longer count; awards already made stay), audited.</summary>
public sealed class EndChallenge(SmartbisDb db, TenantContext tenant, TimeProvider clock)
{
    public async Task ExecuteAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var c = await db.Set<Challenge>().FromSqlInterpolated($"SELECT * FROM challenges WHERE tenant_id = {tenant.Require()} AND id = {id} FOR UPDATE")
                    .SingleOrDefaultAsync(ct)
                ?? throw new OperationFailed("not_found", "challenge_not_found", "id", 404);
        if (c.EndedAt is not null) throw new OperationFailed("challenge_ended", "challenge_ended", "id", 409);
        var before = SaveChallenge.Describe(c);
        c.EndedAt = now;
        c.UpdatedAt = now;
        RecordAudit.Add(db, actor, now, "challenge.ended", $"Challenge \"{c.Name}\" ended", "challenge", c.Id, before, SaveChallenge.Describe(c), values: new { name = c.Name });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
