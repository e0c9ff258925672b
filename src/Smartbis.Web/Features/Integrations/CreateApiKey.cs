using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Integrations;

/// <summary>Creates an API key for the current tenant; the returned key is the only time it exists in clear.</summary>
public sealed class CreateApiKey(SmartbisDb db, TimeProvider clock)
{
    public sealed record Request(string Name, Guid? StoreId);
    public sealed record Result(Guid Id, string Key, string Prefix);

    public async Task<Result> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var v = new Validation();
        v.Check(!string.IsNullOrWhiteSpace(r.Name) && r.Name.Trim().Length <= 80, "name", "api_key_name_required");
        if (r.StoreId is { } storeId)
            v.Check(await db.Stores.AnyAsync(s => s.Id == storeId, ct), "storeId", "store_choice");
        v.ThrowIfInvalid();
        await Plans.PlanLimits.EnsureFeatureAsync(db, Plans.PlanFeature.Api, ct);

        var now = clock.GetUtcNow();
        var secret = ApiKey.NewSecret();
        var key = new ApiKey
        {
            Name = r.Name.Trim(), Prefix = secret[..12], KeyHash = ApiKey.Hash(secret), StoreId = r.StoreId,
            CreatedAt = now, CreatedByUserId = actor.UserId,
        };
        db.ApiKeys.Add(key);
        RecordAudit.Add(db, actor, now, "apikey.create", $"API key \"{key.Name}\" ({key.Prefix}…) created", "ApiKey", key.Id,
            after: new { key.Name, key.Prefix, key.StoreId }, values: new { name = key.Name, prefix = key.Prefix });
        await db.SaveChangesAsync(ct);
        return new Result(key.Id, secret, key.Prefix);
    }
}
