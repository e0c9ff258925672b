using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Rewards;

/// <summary>
/// Takes a reward out of the catalogue (or puts it back), with its audit entry. Rewards are never deleted: their claims
/// and ledger entries keep pointing at them. Claims already made stay valid until delivered or expired.
/// </summary>
public sealed class ArchiveReward(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public Task ExecuteAsync(Guid rewardId, bool archive, AuditActor actor, CancellationToken ct = default) =>
        unit.RunAsync(tenant.Require(), async db =>
        {
            var now = clock.GetUtcNow();
            var tenantId = db.Tenant.Require();
            var reward = await db.Rewards.FromSqlInterpolated($"SELECT * FROM rewards WHERE tenant_id = {tenantId} AND id = {rewardId} FOR UPDATE")
                             .SingleOrDefaultAsync(ct)
                         ?? throw new OperationFailed("not_found", "reward_not_found", "rewardId", 404);
            if ((reward.ArchivedAt is not null) == archive) return 0;
            var before = SaveReward.AuditSnapshot(reward);
            reward.ArchivedAt = archive ? now : null;
            reward.UpdatedAt = now;
            RecordAudit.Add(db, actor, now, archive ? "reward.archived" : "reward.restored",
                $"Reward {reward.Name} {(archive ? "archived" : "back in the catalogue")}", "reward", reward.Id, before, SaveReward.AuditSnapshot(reward), values: new { name = reward.Name });
            return await db.SaveChangesAsync(ct);
        }, ct);
}
