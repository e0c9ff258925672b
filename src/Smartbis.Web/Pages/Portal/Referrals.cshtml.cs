using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Referrals;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Portal;

/// <summary>The member's referral link and code with share buttons, and the friends they referred with status and rewards.</summary>
public sealed class ReferralsModel(SmartbisDb db, TimeProvider clock) : PortalPage
{
    public enum FriendStatus { Joined, Qualified, Rewarded, NotEligible }
    public sealed record Friend(string FirstName, DateTimeOffset? JoinedAt, FriendStatus Status, long RewardCents);

    public string Code { get; private set; } = "";
    public string ShareUrl { get; private set; } = "";
    public string WhatsAppUrl { get; private set; } = "";
    public string? Rule { get; private set; }
    public List<Friend> Friends { get; private set; } = [];
    public long EarnedCents => Friends.Sum(f => f.RewardCents);

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync(db)) return NotFound();
        if (CustomerId is not { } me) return ToSignIn();
        ViewData["PortalNav"] = "referrals";
        Code = await db.Customers.Where(c => c.Id == me).Select(c => c.ReferralCode).SingleAsync();
        ShareUrl = $"{Request.Scheme}://{Request.Host}/{Tenant.Slug}/join?ref={Code}";
        WhatsAppUrl = "https://wa.me/?text=" + Uri.EscapeDataString(P["Join {0} and get {1} on your purchases: {2}", Tenant.Name, Tenant.CurrencyName, ShareUrl]);
        try { Rule = RulesInWords.Referral(await RulesInForce.AtAsync(db, clock.GetUtcNow()), Tenant, P); }
        catch (OperationFailed) { }

        var rows = await db.Customers.AsNoTracking().Where(c => c.ReferredByCustomerId == me && c.JoinedAt != null)
            .OrderByDescending(c => c.JoinedAt)
            .Select(c => new
            {
                c.Name, c.JoinedAt,
                Decision = db.Referrals.Where(r => r.RefereeId == c.Id).Select(r => new { r.Outcome, r.ReferrerRewardCents }).FirstOrDefault(),
            }).ToListAsync();
        Friends = rows.Select(r => new Friend(
            FirstName(r.Name), r.JoinedAt,
            r.Decision is null ? FriendStatus.Joined
            : r.Decision.Outcome == ReferralOutcome.NotQualified ? FriendStatus.NotEligible
            : r.Decision.ReferrerRewardCents > 0 ? FriendStatus.Rewarded : FriendStatus.Qualified,
            r.Decision?.ReferrerRewardCents ?? 0)).ToList();
        return Page();
    }

    // Only the first name of a friend: the referrer needs no more of someone else's data.
    private string FirstName(string name) => string.IsNullOrWhiteSpace(name) ? P["A friend"] : name.Trim().Split(' ', 2)[0];

    public string StatusText(FriendStatus s) => s switch
    {
        FriendStatus.Joined => P["Joined — waiting for a first purchase"],
        FriendStatus.Qualified => P["Qualified — this month's reward limit was reached"],
        FriendStatus.Rewarded => P["Rewarded"],
        _ => P["Not eligible"],
    };
}
