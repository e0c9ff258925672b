using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Tenancy;

public sealed class StaffSessionOptions
{
    /// <summary>
    /// How long a web node trusts a security stamp it read (config <c>Smartbis:Auth:StaffSessionCheckSeconds</c>,
    /// default 30 s): a revoked staff cookie stops working on every node within this time, on the node that revoked it
    /// at once. 0 reads the stamp on every request (the tests).
    /// </summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The staff cookie carries the user's Identity security stamp; every request compares it with the stamp in
/// <c>users</c> (cached per node for <see cref="StaffSessionOptions.CheckInterval"/>). Signing out, a password change,
/// a removed membership or a changed role rotate the stamp (<see cref="RevokeStaffSessions"/>), so every copy of
/// every cookie of that user is refused and cleared: they are sent to sign in again.
/// Replaces Identity's SecurityStampValidator, whose check depends on the cookie's issue time (never due under a
/// stopped test clock) and which re-issues the cookie without our tenant claim.
/// </summary>
public sealed class StaffSessionCheck(IMemoryCache cache, IOptionsMonitor<StaffSessionOptions> options)
{
    private static string Key(string userId) => "staff-stamp:" + userId;

    public async Task<bool> IsCurrentAsync(SmartbisDb db, string userId, string? stamp, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(stamp)) return false;
        var interval = options.CurrentValue.CheckInterval;
        var current = interval <= TimeSpan.Zero
            ? await ReadAsync(db, userId, ct)
            : await cache.GetOrCreateAsync(Key(userId), e =>
            {
                e.AbsoluteExpirationRelativeToNow = interval;
                return ReadAsync(db, userId, ct);
            });
        return current is not null && current == stamp;
    }

    /// <summary>Drops this node's cached stamp of a user (the other nodes' expire within the interval).</summary>
    public void Forget(string userId) => cache.Remove(Key(userId));

    private static Task<string?> ReadAsync(SmartbisDb db, string userId, CancellationToken ct) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleOrDefaultAsync(ct);

    /// <summary>The staff cookie's OnValidatePrincipal: a stamp that is no longer the user's rejects and clears the cookie.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var principal = ctx.Principal;
        var userId = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var services = ctx.HttpContext.RequestServices;
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        if (userId is not null && await services.GetRequiredService<StaffSessionCheck>()
                .IsCurrentAsync(services.GetRequiredService<SmartbisDb>(), userId, principal!.FindFirstValue(stampClaim), ctx.HttpContext.RequestAborted))
            return;
        ctx.RejectPrincipal();
        await ctx.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}

/// <summary>
/// Ends every session of a staff user on every node: rotates the Identity security stamp with one UPDATE (no
/// read-modify-write, so it cannot lose a race with a sign-in's failure count), and forgets this node's cached stamp.
/// Call it inside the transaction of the change that requires it, when there is one.
/// </summary>
public sealed class RevokeStaffSessions(SmartbisDb db, StaffSessionCheck check)
{
    public async Task ExecuteAsync(string userId, CancellationToken ct = default)
    {
        var stamp = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.SecurityStamp, stamp)
            .SetProperty(x => x.ConcurrencyStamp, Guid.NewGuid().ToString()), ct);
        check.Forget(userId);
    }
}
