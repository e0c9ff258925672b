using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Challenges;

/// <summary>
/// Creates or edits a challenge, validated per field, with its audit entry in the same transaction. Once a customer has
/// been awarded, what they did to earn it stays true: the kind, target, store and start can no longer change (the name,
/// description, bonus for later completions and end date still can).
/// </summary>
public sealed class SaveChallenge(SmartbisDb db, TenantContext tenant, TimeProvider clock)
{
    public const long MaxBonus = 1_000_000_00;

    public sealed record Request(Guid? Id, string Name, string? Description, ChallengeKind Kind, long Target, Guid? StoreId,
        DateOnly StartsOn, DateOnly EndsOn, long Bonus);

    public static Validation Validate(Request r)
    {
        var v = new Validation();
        v.Check(!string.IsNullOrWhiteSpace(r.Name) && r.Name.Trim().Length <= 80, "Name", "challenge_name");
        v.Check((r.Description ?? "").Length <= 300, "Description", "challenge_description_too_long", new { maximum = 300 });
        v.Check(r.Kind == ChallengeKind.FirstPurchaseAtStore || r.Target > 0, "Target", "challenge_target_positive");
        v.Check(r.Kind != ChallengeKind.PurchaseCount || r.Target <= 1000, "Target", "challenge_target_too_large", new { maximum = 1000 });
        v.Check(r.Target <= 1_000_000_000_00, "Target", "challenge_target_too_large", new { maximum = 1_000_000_000_00 });
        v.Check(r.Kind != ChallengeKind.FirstPurchaseAtStore || r.StoreId is not null, "StoreId", "challenge_store_required");
        v.Check(r.EndsOn >= r.StartsOn, "EndsOn", "challenge_dates_order");
        v.Check(r.EndsOn.DayNumber - r.StartsOn.DayNumber <= 366, "EndsOn", "challenge_too_long", new { maximum = 366 });
        v.Check(r.Bonus is > 0 and <= MaxBonus, "Bonus", "challenge_bonus_range");
        return v;
    }

    public async Task<Challenge> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var v = Validate(r);
        if (r.StoreId is { } storeId && !await db.Stores.AnyAsync(s => s.Id == storeId, ct)) v.Add("StoreId", "store_not_found");
        v.ThrowIfInvalid();
        tenant.Require();
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        Challenge c;
        object? before = null;
        if (r.Id is { } id)
        {
            c = await db.Set<Challenge>().FromSqlInterpolated($"SELECT * FROM challenges WHERE tenant_id = {tenant.Require()} AND id = {id} FOR UPDATE")
                    .SingleOrDefaultAsync(ct)
                ?? throw new OperationFailed("not_found", "challenge_not_found", "id", 404);
            before = Describe(c);
            var target = r.Kind == ChallengeKind.FirstPurchaseAtStore ? 1 : r.Target;
            var changesWhatCounts = c.Kind != r.Kind || c.Target != target || c.StoreId != r.StoreId || c.StartsOn != r.StartsOn;
            if (changesWhatCounts && await db.Set<ChallengeAward>().AnyAsync(a => a.ChallengeId == c.Id, ct))
                throw new OperationFailed("challenge_has_awards", "challenge_has_awards", "Kind");
        }
        else
        {
            c = new Challenge { CreatedAt = now };
            db.Add(c);
        }
        c.Name = r.Name.Trim();
        c.Description = (r.Description ?? "").Trim();
        c.Kind = r.Kind;
        c.Target = r.Kind == ChallengeKind.FirstPurchaseAtStore ? 1 : r.Target;
        c.StoreId = r.StoreId;
        c.StartsOn = r.StartsOn;
        c.EndsOn = r.EndsOn;
        c.Bonus = r.Bonus;
        c.UpdatedAt = now;
        RecordAudit.Add(db, actor, now, r.Id is null ? "challenge.created" : "challenge.updated",
            $"Challenge \"{c.Name}\" {(r.Id is null ? "created" : "updated")}", "challenge", c.Id, before, Describe(c), values: new { name = c.Name });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return c;
    }

    internal static object Describe(Challenge c) => new
    {
        c.Name, c.Description, kind = c.Kind.ToString(), c.Target, c.StoreId, c.StartsOn, c.EndsOn, c.Bonus, c.EndedAt,
    };
}
