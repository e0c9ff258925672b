using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Staff;

/// <summary>
/// Accepts an invitation by its token: creates the account (name and password) or links the existing account of
/// that email (its password must be given), and adds the membership. The token works once and until it expires.
/// </summary>
public sealed class AcceptInvitation(SmartbisDb db, UserManager<AppUser> users, CheckStaffPassword checkPassword, TimeProvider clock)
{
    public sealed record Found(StaffInvitation Invitation, Tenant Tenant, string? StoreName, bool AccountExists);

    public sealed record Request(string Token, string? Name, string Password);

    /// <summary>
    /// The invitation of a token, if it can still be used. Reads across tenants on purpose: the token is the only
    /// thing the visitor has, and the tenant is known from the invitation it finds.
    /// </summary>
    public async Task<Found?> FindAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100) return null;
        var hash = InviteStaff.Hash(token);
        var now = clock.GetUtcNow();
        var invitation = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.StaffInvitationByToken, () => db.StaffInvitations.IgnoreQueryFilters()
            .SingleOrDefaultAsync(i => i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct));
        if (invitation is null) return null;
        var tenant = await db.Tenants.SingleAsync(t => t.Id == invitation.TenantId && t.Status == TenantStatus.Active, ct);
        var store = invitation.StoreId is { } s
            ? await CrossTenantRead.RunAsync(db, CrossTenantPurpose.StaffInvitationByToken, () => db.Stores.IgnoreQueryFilters()
                .Where(x => x.TenantId == tenant.Id && x.Id == s).Select(x => x.Name).SingleOrDefaultAsync(ct))
            : null;
        return new Found(invitation, tenant, store, await users.FindByEmailAsync(invitation.Email) is not null);
    }

    public async Task<(AppUser User, Found Found)> ExecuteAsync(Request r, CancellationToken ct = default)
    {
        var found = await FindAsync(r.Token, ct) ?? throw new OperationFailed("invalid_invitation", "invalid_invitation", "", 404);
        var inv = found.Invitation;
        db.Tenant.Set(found.Tenant.Id, found.Tenant.Slug);
        var now = clock.GetUtcNow();
        // An existing account's password is checked like sign-in's, before (outside) the transaction below so that a
        // failure is counted even though the acceptance is refused: 5 failures lock the account for 15 minutes.
        var existing = await users.FindByEmailAsync(inv.Email);
        if (existing is not null)
        {
            var check = await checkPassword.ExecuteAsync(existing, r.Password ?? "", ct);
            if (check.IsLockedOut)
                throw new OperationFailed("account_locked", "account_locked", nameof(r.Password), 429);
            if (!check.Succeeded)
                throw new OperationFailed("invalid_invitation", "account_exists_password", nameof(r.Password));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await users.FindByEmailAsync(inv.Email);
        if (user is null)
        {
            var v = new Validation();
            v.Check(!string.IsNullOrWhiteSpace(r.Name) && r.Name.Trim().Length <= 120, nameof(r.Name), "your_name_required");
            foreach (var validator in users.PasswordValidators)
                if (!(await validator.ValidateAsync(users, new AppUser { UserName = inv.Email, Email = inv.Email }, r.Password ?? "")).Succeeded)
                { v.Add(nameof(r.Password), "password_too_short"); break; }
            v.ThrowIfInvalid("invalid_invitation");
            user = new AppUser { UserName = inv.Email, Email = inv.Email, DisplayName = r.Name!.Trim(), EmailConfirmed = true };
            var created = await users.CreateAsync(user, r.Password!);
            if (!created.Succeeded) throw new OperationFailed("invalid_invitation", "identity_refused", nameof(r.Password),
                values: new { reason = string.Join(" ", created.Errors.Select(e => e.Description)) });
        }
        else if (existing is null || user.Id != existing.Id)
        {
            // The account appeared (or changed) since the check: its password was not the one checked.
            throw new OperationFailed("invalid_invitation", "account_exists_password", nameof(r.Password));
        }
        if (await db.Memberships.AnyAsync(m => m.UserId == user.Id, ct))
            throw new OperationFailed("invalid_invitation", "already_on_staff", "");
        var tracked = await db.StaffInvitations.SingleAsync(i => i.Id == inv.Id, ct);
        tracked.AcceptedAt = now;
        tracked.AcceptedUserId = user.Id;
        var membership = new Membership { UserId = user.Id, Role = inv.Role, StoreId = inv.StoreId, CreatedAt = now };
        db.Memberships.Add(membership);
        RecordAudit.Add(db, new AuditActor(user.Id, inv.Email, inv.StoreId, null), now, "staff.joined", $"{inv.Email} accepted the invitation as {inv.Role}",
            "membership", membership.Id, null, new { inv.Email, Role = inv.Role.ToString(), inv.StoreId }, values: new { email = inv.Email, role = inv.Role.ToString() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (user, found);
    }
}
