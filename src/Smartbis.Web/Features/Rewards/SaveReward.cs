using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Rewards;

/// <summary>
/// Adds a reward to the catalogue or changes one (owner or manager), with its audit entry, in one transaction. The
/// reward's row is locked while it changes, so a stock set here and the redemptions in flight never overwrite each
/// other. A change applies to later redemptions: a claim keeps the name, cost and points-back choice it was made with.
/// Availability dates are days in the tenant's time zone. Another tenant's reward id is simply not found.
/// </summary>
public sealed class SaveReward(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public const long MaxCostPoints = 100_000_000;

    /// <param name="RewardId">Null adds a reward.</param>
    /// <param name="StoreIds">Where it can be claimed; empty = every store.</param>
    public sealed record Request(Guid? RewardId, string? Name, string? Description, string? ImageUrl, long? CostPoints, RewardKind Kind,
        long? ValueCents, int? Stock, int? PerCustomerLimit, DateOnly? StartsOn, DateOnly? EndsOn, IReadOnlyList<Guid> StoreIds,
        int ClaimDays, bool ReturnPointsOnExpiry);

    public Task<Guid> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var v = new Validation();
        var name = r.Name?.Trim() ?? "";
        v.Check(name.Length is > 0 and <= 120, "name", "reward_name_required");
        v.Check((r.Description?.Trim().Length ?? 0) <= 1000, "description", "reward_description_too_long");
        v.Check(string.IsNullOrWhiteSpace(r.ImageUrl) || IsHttpsUrl(r.ImageUrl.Trim()), "imageUrl", "reward_image_url");
        v.Check(r.CostPoints is > 0 and <= MaxCostPoints, "costPoints", "reward_cost_positive");
        v.Check(Enum.IsDefined(r.Kind), "kind", "reward_kind_unknown");
        v.Check(r.Kind != RewardKind.Voucher || r.ValueCents is > 0 and <= 100_000_000, "valueCents", "reward_voucher_value_required");
        v.Check(r.Stock is null or >= 0 and <= 1_000_000, "stock", "reward_stock_range");
        v.Check(r.PerCustomerLimit is null or > 0 and <= 1000, "perCustomerLimit", "reward_limit_range");
        v.Check(r.StartsOn is null || r.EndsOn is null || r.EndsOn >= r.StartsOn, "endsOn", "reward_ends_before_start");
        v.Check(r.ClaimDays is >= 1 and <= 365, "claimDays", "reward_claim_days_range");
        v.ThrowIfInvalid();
        return unit.RunAsync(tenant.Require(), async db =>
        {
            var now = clock.GetUtcNow();
            var tenantId = db.Tenant.Require();
            var storeIds = r.StoreIds.Distinct().ToList();
            if (storeIds.Count > 0 && await db.Stores.CountAsync(s => storeIds.Contains(s.Id), ct) != storeIds.Count)
                throw new OperationFailed("validation", "reward_store_unknown", "storeIds");
            var zone = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct);
            var isNew = r.RewardId is null;
            var reward = isNew
                ? new Reward { Name = name, CreatedAt = now }
                : await db.Rewards.FromSqlInterpolated($"SELECT * FROM rewards WHERE tenant_id = {tenantId} AND id = {r.RewardId} FOR UPDATE").SingleOrDefaultAsync(ct)
                  ?? throw new OperationFailed("not_found", "reward_not_found", "rewardId", 404);
            var before = isNew ? null : Snapshot(reward);
            reward.Name = name;
            reward.Description = string.IsNullOrWhiteSpace(r.Description) ? null : r.Description.Trim();
            reward.ImageUrl = string.IsNullOrWhiteSpace(r.ImageUrl) ? null : r.ImageUrl.Trim();
            reward.CostPoints = r.CostPoints!.Value;
            reward.Kind = r.Kind;
            reward.ValueCents = r.Kind == RewardKind.Voucher ? r.ValueCents : null;
            reward.Stock = r.Stock;
            reward.PerCustomerLimit = r.PerCustomerLimit;
            reward.StartsAt = r.StartsOn is { } s ? StartOfDay(s, zone) : null;
            reward.EndsAt = r.EndsOn is { } e ? StartOfDay(e.AddDays(1), zone) : null;
            reward.StoreIds = storeIds;
            reward.ClaimDays = r.ClaimDays;
            reward.ReturnPointsOnExpiry = r.ReturnPointsOnExpiry;
            reward.UpdatedAt = now;
            if (isNew) db.Rewards.Add(reward);
            RecordAudit.Add(db, actor, now, isNew ? "reward.created" : "reward.updated",
                $"Reward {reward.Name} {(isNew ? "added to" : "changed in")} the catalogue", "reward", reward.Id, before, Snapshot(reward), values: new { name = reward.Name });
            await db.SaveChangesAsync(ct);
            return reward.Id;
        }, ct);
    }

    public static bool IsHttpsUrl(string text) =>
        text.Length <= 500 && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0
        && !text.Any(char.IsWhiteSpace);

    /// <summary>Midnight of a day in the tenant's time zone, in UTC.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc;
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>A day of a stored moment in the tenant's time zone (for the form).</summary>
    public static DateOnly LocalDay(DateTimeOffset at, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc).DateTime);

    private static object Snapshot(Reward r) => new
    {
        r.Name, r.Description, r.ImageUrl, r.CostPoints, Kind = r.Kind.ToString(), r.ValueCents, r.Stock, r.PerCustomerLimit,
        r.StartsAt, r.EndsAt, StoreIds = r.StoreIds.ToArray(), r.ClaimDays, r.ReturnPointsOnExpiry, r.ArchivedAt,
    };

    internal static object AuditSnapshot(Reward r) => Snapshot(r);
}
