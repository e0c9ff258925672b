using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Integrations;

/// <summary>
/// Development only (DemoSeed): one API key per demo tenant, bound to its first store. Only hashes are stored, so
/// the key written to .data/demo.json last time is reused while it is still valid; otherwise a new one is made.
/// </summary>
public sealed class DemoApiKeys(IServiceScopeFactory scopes, TimeProvider clock)
{
    public const string KeyName = "Demo POS";

    /// <summary>An issued, unexpired voucher of the tenant, so docs/api.md's curl session has one to show and redeem.</summary>
    public async Task<string?> SampleVoucherAsync(string slug, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Slug == slug, ct);
        if (tenant is null) return null;
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.Id, tenant.Slug);
        var soon = clock.GetUtcNow().AddDays(1);
        var code = await db.Vouchers.Where(v => v.Status == Vouchers.VoucherStatus.Issued && v.ExpiresAt > soon)
            .OrderByDescending(v => v.ExpiresAt).Select(v => v.Code).FirstOrDefaultAsync(ct);
        return code is null ? null : Infrastructure.Codes.Display(code);
    }

    public async Task<string?> EnsureAsync(string slug, string storeName, string? previousKey, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Slug == slug, ct);
        if (tenant is null) return null;
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.Id, tenant.Slug);
        if (previousKey is not null)
        {
            var hash = ApiKey.Hash(previousKey);
            if (await db.ApiKeys.AnyAsync(k => k.KeyHash == hash && k.RevokedAt == null, ct)) return previousKey;
        }
        var store = await db.Stores.Where(s => s.Name == storeName).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);
        var created = await scope.ServiceProvider.GetRequiredService<CreateApiKey>()
            .ExecuteAsync(new CreateApiKey.Request(KeyName, store), AuditActor.System, ct);
        return created.Key;
    }
}
