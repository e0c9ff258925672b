using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Portal;

/// <summary>
/// One signed-in portal session, server side: the member's cookie carries its id, and every request checks that the
/// row exists and is not revoked. Signing out revokes it; deleting or blocking the member revokes all of theirs, so a
/// copy of the cookie dies on every web node at once.
/// </summary>
public sealed class PortalSession : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CustomerId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

public sealed class PortalSessionConfiguration : IEntityTypeConfiguration<PortalSession>
{
    public void Configure(EntityTypeBuilder<PortalSession> b)
    {
        b.ToTable("portal_sessions");
        b.HasKey(s => new { s.TenantId, s.Id });
        b.HasOne<Customer>().WithMany().HasForeignKey(s => new { s.TenantId, s.CustomerId }).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.TenantId, s.CustomerId });
    }
}

/// <summary>Opens and revokes portal sessions (the writes behind sign-in, sign-out, deletion and blocking).</summary>
public static class PortalSessions
{
    /// <summary>A new session row for a member who just proved a code; its id goes into the cookie.</summary>
    public static async Task<Guid> OpenAsync(SmartbisDb db, Guid customerId, DateTimeOffset now, CancellationToken ct = default)
    {
        var session = new PortalSession { CustomerId = customerId, CreatedAt = now };
        db.PortalSessions.Add(session);
        await db.SaveChangesAsync(ct);
        return session.Id;
    }

    /// <summary>Revokes one session (sign-out). Copies of its cookie stop working on the next request, on any node.</summary>
    public static Task RevokeAsync(SmartbisDb db, Guid sessionId, DateTimeOffset now, CancellationToken ct = default) =>
        db.PortalSessions.Where(s => s.Id == sessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), ct);

    /// <summary>
    /// Marks every open session of a member revoked, tracked: the caller's SaveChanges writes it in the same transaction
    /// as the change that requires it (deletion, blocking).
    /// </summary>
    public static async Task RevokeAllTrackedAsync(SmartbisDb db, Guid customerId, DateTimeOffset now, CancellationToken ct = default)
    {
        foreach (var s in await db.PortalSessions.Where(s => s.CustomerId == customerId && s.RevokedAt == null).ToListAsync(ct))
            s.RevokedAt = now;
    }

    /// <summary>Whether a session is open: the row exists for this member and is not revoked.</summary>
    public static Task<bool> IsOpenAsync(SmartbisDb db, Guid sessionId, Guid customerId, CancellationToken ct = default) => IsOpen(db, sessionId, customerId, ct);

    // Compiled once: every portal page checks its session (the tenant's query filter still applies: it reads the context's tenant).
    private static readonly Func<SmartbisDb, Guid, Guid, CancellationToken, Task<bool>> IsOpen =
        EF.CompileAsyncQuery((SmartbisDb db, Guid sessionId, Guid customerId, CancellationToken ct) =>
            db.PortalSessions.Any(s => s.Id == sessionId && s.CustomerId == customerId && s.RevokedAt == null));
}
