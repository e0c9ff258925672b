using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Smartbis.Web.Data;
using Smartbis.Web.Data.Caching;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Api;

/// <summary>
/// "Authorization: Bearer sbk_…": the key's hash finds the key, the key names the tenant — the only way an API
/// request gets a tenant. Revoked keys are refused; a suspended tenant's requests are refused with 403 (SuspendedTenantFilter). Last use is recorded (at most once a minute).
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    SmartbisDb db, TenantContext tenant, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = "smartbis:api_key";
    public const string StoreIdClaim = "smartbis:api_store";
    public const string TenantSlugClaim = "smartbis:tenant";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Use Authorization: Bearer <API key>.");
        var secret = header["Bearer ".Length..].Trim();
        if (secret.Length is < 10 or > 200) return AuthenticateResult.Fail("This API key is not valid.");

        var hash = ApiKey.Hash(secret);
        // Before the tenant is known (explicitly across tenants, this one place): the key's hash names its tenant in
        // tenant_keys (a reference table: one local read on a Citus cluster too), then the key is read within that
        // tenant (tenant_id in the query: one shard).
        // Before the tenant is known (explicitly across tenants, this one place): the key's hash names its tenant in
        // tenant_keys (a reference table: one local read on a Citus cluster too), then the key is read within that
        // tenant (tenant_id in the query: one shard). Both are kept in the node's configuration cache: a hash names one
        // tenant for ever (kept only when found: random keys sent by an attacker fill nothing), and the key's row is
        // dropped from every node's cache when the key or its tenant changes (revoked, suspended: Data/Caching).
        var owner = await db.CachedAsync(Data.Caching.ConfigCache.Global, "api-key-tenant:" + hash, () => CrossTenantRead.RunAsync(db, CrossTenantPurpose.ApiKeyLookup,
            () => db.TenantKeys.IgnoreQueryFilters().AsNoTracking()
                .Where(k => k.Kind == TenantKeyKinds.ApiKey && k.Key == hash)
                .Select(k => (Guid?)k.TenantId)
                .SingleOrDefaultAsync(Context.RequestAborted)), keep: t => t is not null);
        var key = owner is not { } tenantId ? null
            : await db.CachedAsync(tenantId, "api-key:" + hash, () => CrossTenantRead.RunAsync(db, CrossTenantPurpose.ApiKeyLookup,
                () => db.ApiKeys.IgnoreQueryFilters().AsNoTracking()
                    .Where(k => k.TenantId == tenantId && k.KeyHash == hash)
                    .Join(db.Tenants, k => k.TenantId, t => t.Id, (k, t) => new KeyRow(k.Id, k.TenantId, k.StoreId, k.RevokedAt, k.LastUsedAt, t.Slug, t.Status, t.SuspensionReason))
                    .SingleOrDefaultAsync(Context.RequestAborted)), keep: k => k is not null);
        if (key is null || key.RevokedAt is not null) return AuthenticateResult.Fail("This API key is not valid or was revoked.");
        // A suspended tenant's key still authenticates (who is calling is known); SuspendedTenantFilter answers 403 with the reason.
        if (key.Status == TenantStatus.Suspended) Context.Items[SuspendedTenantFilter.ReasonKey] = key.SuspensionReason ?? "";

        tenant.Set(key.TenantId, key.Slug);
        await StampLastUseAsync(key);

        var claims = new List<Claim> { new(KeyIdClaim, key.Id.ToString()), new(TenantSlugClaim, key.Slug) };
        if (key.StoreId is { } store) claims.Add(new Claim(StoreIdClaim, store.ToString()));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    // When this node last wrote each key's last use. The cached row keeps the value it was read with (the stamp changes
    // no configuration: its trigger and ConfigChangeInterceptor let it through without emptying the tenant's cache), so
    // without this every request after the minute would write it again; with it, one request per node and minute does.
    private static readonly ConcurrentDictionary<Guid, DateTimeOffset> Stamped = new();

    // SQL of its own, opened by the comment that tells ConfigChangeInterceptor this write changes no configuration (EF 10
    // drops a TagWith from an ExecuteUpdate given a value: efcore#36908).
    private const string Stamp = "-- " + ConfigChangeInterceptor.NotAChange + "\nUPDATE api_keys SET last_used_at = {0} WHERE tenant_id = {1} AND id = {2}";

    private async Task StampLastUseAsync(KeyRow key)
    {
        var now = clock.GetUtcNow();
        var known = Stamped.TryGetValue(key.Id, out var stamped);
        var last = known && (key.LastUsedAt is null || stamped > key.LastUsedAt) ? stamped : key.LastUsedAt;
        if (last is { } at && now - at <= TimeSpan.FromMinutes(1)) return;
        // The request that swaps the node's stamp writes it; those in flight beside it see the new stamp and do not.
        if (known ? !Stamped.TryUpdate(key.Id, now, stamped) : !Stamped.TryAdd(key.Id, now)) return;
        await db.Database.ExecuteSqlRawAsync(Stamp, [now, key.TenantId, key.Id], Context.RequestAborted);
    }

    private sealed record KeyRow(Guid Id, Guid TenantId, Guid? StoreId, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, string Slug,
        TenantStatus Status, string? SuspensionReason);

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblems.WriteAsync(Context, 401, "unauthorized",
            result.Failure?.Message ?? "Send an API key: Authorization: Bearer <key>. Keys are created in Integrations (/app/integrations).");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, 403, "forbidden", "This API key may not do this.");
}

/// <summary>What the authenticated key allows, read from its claims.</summary>
public static class ApiCaller
{
    public static Guid KeyId(HttpContext http) => Guid.Parse(http.User.FindFirstValue(ApiKeyAuthentication.KeyIdClaim)!);

    public static Guid? StoreId(HttpContext http) =>
        http.User.FindFirstValue(ApiKeyAuthentication.StoreIdClaim) is { } s ? Guid.Parse(s) : null;

    /// <summary>A store-bound key acts only in its store: another store → 403.</summary>
    public static void RequireStore(HttpContext http, Guid storeId)
    {
        if (StoreId(http) is { } bound && bound != storeId)
            throw new ApiProblem(403, "store_not_allowed", "This API key is bound to another store.");
    }
}
