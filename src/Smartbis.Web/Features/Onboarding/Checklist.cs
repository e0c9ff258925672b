using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Onboarding;

/// <summary>
/// The onboarding checklist, read from what exists: each step ticks itself when its trace appears in the data
/// (rules saved again, a store with an address or a second store, a second staff member or an invitation, the
/// join page shared or a first member, an automation or template saved).
/// </summary>
public static class Checklist
{
    public sealed record Step(string Key, string Title, string Hint, string Href, bool Done, bool Available = true);
    /// <param name="Started">The tenant came through sign-up (demo and operator-made tenants have no checklist row).</param>
    public sealed record State(IReadOnlyList<Step> Steps, bool Dismissed, bool Started = true)
    {
        public int DoneCount => Steps.Count(s => s.Done);
        public bool Complete => Steps.Where(s => s.Available).All(s => s.Done);
    }

    public static async Task<State> LoadAsync(SmartbisDb db, CancellationToken ct = default)
    {
        var rulesVersions = await db.ProgramRules.CountAsync(ct);
        var stores = await db.Stores.Select(s => new { s.Address }).ToListAsync(ct);
        var staff = await db.Memberships.CountAsync(ct);
        var invitations = await db.StaffInvitations.CountAsync(ct);
        var members = await db.Customers.AnyAsync(c => c.JoinedAt != null, ct);
        var progress = await db.OnboardingProgress.SingleOrDefaultAsync(ct);
        var automations = await db.AutomationSettings.AnyAsync(ct) || await db.MessageTemplates.AnyAsync(ct);
        return new State(
        [
            new("program", "Review your program rules", "Rate, pending period, expiry, vouchers: check the defaults suit you.", "/app/program", rulesVersions > 1),
            new("stores", "Add your stores", "Give your store its address, or add the others (paid plans).", "/app/stores",
                stores.Count > 1 || stores.Any(s => !string.IsNullOrWhiteSpace(s.Address))),
            new("staff", "Invite your staff", "Cashiers record purchases at the counter; managers help run the program.", "/app/staff", staff > 1 || invitations > 0),
            new("automations", "Review automations", "Welcome, cashback and voucher messages go out on their own: check the triggers and wording, and save them.", "/app/automations", automations),
            new("share", "Share your join page", "Put the link and the QR code at the counter, on receipts and in your social profiles.", "/app/welcome#share",
                progress?.JoinPageSharedAt is not null || members),
        ], progress?.DismissedAt is not null, progress is not null);
    }
}
