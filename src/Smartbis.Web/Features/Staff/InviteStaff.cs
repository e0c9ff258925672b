using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Notifications.Email;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Staff;

/// <summary>
/// Invites someone by email to work in the business with a role (cashiers at one store). Writes the invitation
/// (only the token's hash) and its audit entry, then emails the link; the link expires after <see cref="Validity"/>.
/// Only owners may invite owners.
/// </summary>
public sealed class InviteStaff(SmartbisDb db, IEmailSender email, TimeProvider clock)
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(7);

    public sealed record Request(string Email, StaffRole Role, Guid? StoreId, StaffRole InviterRole, string BaseUrl, string? Locale = null);

    public async Task<StaffInvitation> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var address = Customers.Emails.Normalize(r.Email);
        var v = new Validation();
        v.Check(address is not null, nameof(r.Email), "email_invalid");
        v.Check(r.Role != StaffRole.Owner || r.InviterRole == StaffRole.Owner, nameof(r.Role), "owner_invites_owner");
        v.Check(r.Role != StaffRole.Cashier || r.StoreId is not null, nameof(r.StoreId), "cashier_store_required");
        if (r.StoreId is { } storeId && !await db.Stores.AnyAsync(s => s.Id == storeId && s.Active, ct))
            v.Add(nameof(r.StoreId), "store_not_active");
        if (address is not null && await db.Memberships.Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.NormalizedEmail)
                .AnyAsync(e => e == address.ToUpperInvariant(), ct))
            v.Add(nameof(r.Email), "already_staff");
        v.ThrowIfInvalid("invalid_invitation");

        var now = clock.GetUtcNow();
        // A new invitation to an address with one pending replaces it: no more room needed.
        if (!await db.StaffInvitations.AnyAsync(i => i.Email == address && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct))
            await Plans.PlanLimits.EnsureCanAddStaffAsync(db, now, ct);
        var token = WebEncoders(RandomNumberGenerator.GetBytes(32));
        var tenant = await db.Tenants.SingleAsync(t => t.Id == db.Tenant.Require(), ct);
        // A new invitation to the same address replaces the pending one.
        foreach (var old in await db.StaffInvitations.Where(i => i.Email == address && i.AcceptedAt == null && i.RevokedAt == null).ToListAsync(ct))
            old.RevokedAt = now;
        var invitation = new StaffInvitation
        {
            Email = address!, Role = r.Role, StoreId = r.Role == StaffRole.Cashier ? r.StoreId : null, TokenHash = Hash(token),
            CreatedAt = now, ExpiresAt = now + Validity, InvitedByUserId = actor.UserId,
        };
        db.StaffInvitations.Add(invitation);
        RecordAudit.Add(db, actor, now, "staff.invited", $"{address} invited as {r.Role}", "invitation", invitation.Id,
            null, new { invitation.Email, Role = r.Role.ToString(), invitation.StoreId, invitation.ExpiresAt }, values: new { email = address, role = r.Role.ToString() });
        await db.SaveChangesAsync(ct);

        var link = $"{r.BaseUrl.TrimEnd('/')}/signup/invite/{token}";
        var locale = r.Locale ?? tenant.Locale;
        var mail = RenderTemplate.Transactional(TransactionalTemplates.StaffInvitation, locale, new Dictionary<string, string>
        {
            ["role"] = r.Role.ToString().ToLowerInvariant(), ["brand"] = tenant.Name, ["invitation_link"] = link,
            ["valid_until"] = TransactionalTemplates.Date(now + Validity, locale),
        });
        await email.SendAsync(new EmailMessage(address!, mail.Subject, mail.Html, mail.Text) { FromName = tenant.Name }, ct);
        return invitation;
    }

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))).ToLowerInvariant();

    private static string WebEncoders(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
