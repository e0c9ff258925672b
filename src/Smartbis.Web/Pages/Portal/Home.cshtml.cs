using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// The member's home: available balance (big), pending with the date each part becomes available, what expires in the
/// next 30 days, vouchers with code and QR, the card code and its QR for the counter, recent activity in words.
/// </summary>
public sealed class HomeModel(SmartbisDb db, TimeProvider clock) : PortalPage
{
    public sealed record DatedAmount(DateTimeOffset At, long Cents);
    public sealed record VoucherRow(string Code, long ValueCents, DateTimeOffset ExpiresAt);
    public sealed record ActivityRow(DateTimeOffset At, EntryKind Kind, string Reason, long Pending, long Available, long Voucher, int? RateBps, string? Store,
        string? Text = null, System.Text.Json.JsonDocument? TextValues = null, string? VoucherCode = null, long Clawback = 0);

    public Balances Balances { get; private set; } = new(0, 0, 0, 0);
    public List<DatedAmount> Pending { get; private set; } = [];
    public List<DatedAmount> Expiring { get; private set; } = [];
    public List<VoucherRow> Vouchers { get; private set; } = [];
    public List<ActivityRow> Activity { get; private set; } = [];
    public string CardCode { get; private set; } = "";
    /// <summary>When this page was made (tenant's time), for the offline copy the service worker may show later.</summary>
    public string ShownAt { get; private set; } = "";
    public Features.Tiers.TierStatus? Tier { get; private set; }
    public List<Features.Challenges.ChallengeProgress> Challenges { get; private set; } = [];
    public string FirstName => (CustomerName ?? "").Trim().Split(' ', 2)[0];

    public async Task<IActionResult> OnGetAsync()
    {
        // One connection for the page's reads: EF would otherwise take and reset a pooled connection per query.
        await db.Database.OpenConnectionAsync();
        if (!await LoadAsync(db)) return NotFound();
        if (CustomerId is not { } me) return ToSignIn();
        ViewData["PortalNav"] = "home";
        var now = clock.GetUtcNow();
        ShownAt = Local(now).ToString("g", System.Globalization.CultureInfo.GetCultureInfo(Tenant.Locale));

        // The account and the card in one read.
        var card = await (
            from c in db.Customers.Where(c => c.Id == me)
            join a in db.Accounts on c.Id equals a.CustomerId
            select new { c.CardCode, Balances = new Balances(a.PendingCents, a.AvailableCents, a.ClawbackCents, a.VoucherCents) })
            .SingleAsync();
        Balances = card.Balances;
        CardCode = card.CardCode;

        // Pending lots and lots expiring within 30 days in one read of the member's lots, split here.
        var horizon = now.AddDays(30);
        var lots = await db.CreditLots.AsNoTracking()
            .Where(l => l.CustomerId == me && l.RemainingCents > 0 && (l.Status == LotStatus.Pending
                || (l.Status == LotStatus.Available && l.ExpiresAt != null && l.ExpiresAt <= horizon)))
            .Select(l => new { l.Status, l.AvailableAt, l.ExpiresAt, l.RemainingCents }).ToListAsync();
        Pending = GroupByLocalDay(lots.Where(l => l.Status == LotStatus.Pending).Select(l => new DatedAmount(l.AvailableAt, l.RemainingCents)).ToList());
        Expiring = GroupByLocalDay(lots.Where(l => l.Status == LotStatus.Available).Select(l => new DatedAmount(l.ExpiresAt!.Value, l.RemainingCents)).ToList());

        Tier = await Features.Tiers.TierStatus.ForCustomerAsync(db, me, now);
        Challenges = await Features.Challenges.ChallengeProgress.ForCustomerAsync(db, me, now);

        Vouchers = await db.Vouchers.AsNoTracking()
            .Where(v => v.CustomerId == me && v.Status == VoucherStatus.Issued && v.ExpiresAt > now)
            .OrderBy(v => v.ExpiresAt).Select(v => new VoucherRow(v.Code, v.ValueCents, v.ExpiresAt)).ToListAsync();

        // The latest 20 entries first, then their purchase's store by left joins (not a sub-select per entry).
        var recent = db.LedgerEntries.AsNoTracking().Where(e => e.CustomerId == me)
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Take(20);
        Activity = await (
            from e in recent
            join p in db.Purchases on e.PurchaseId equals (Guid?)p.Id into purchases
            from p in purchases.DefaultIfEmpty()
            join st in db.Stores on p.StoreId equals st.Id into stores
            from st in stores.DefaultIfEmpty()
            join v in db.Vouchers on e.VoucherId equals (Guid?)v.Id into vouchers
            from v in vouchers.DefaultIfEmpty()
            orderby e.CreatedAt descending, e.Id descending
            select new ActivityRow(e.CreatedAt, e.Kind, e.Reason, e.PendingDeltaCents, e.AvailableDeltaCents, e.VoucherDeltaCents, e.RateBps, st.Name,
                e.Text, e.TextValues, v.Code, e.ClawbackDeltaCents))
            .ToListAsync();
        return Page();
    }

    /// <summary>Parts that become available (or expire) on the same local day are one line.</summary>
    private List<DatedAmount> GroupByLocalDay(List<DatedAmount> rows) =>
        rows.GroupBy(r => DateOnly.FromDateTime(Local(r.At)))
            .OrderBy(g => g.Key)
            .Select(g => new DatedAmount(g.Min(r => r.At), g.Sum(r => r.Cents)))
            .ToList();

    /// <summary>An entry in the member's words, in the UI language (<see cref="EntryText"/>).</summary>
    public string Describe(ActivityRow e) =>
        EntryText.Render(new EntryText.View(e.Kind, e.Text, e.TextValues, e.Reason, e.Pending, e.Available, e.Clawback, e.Voucher, e.RateBps, e.Store, e.VoucherCode),
            Infrastructure.TextContext.For(Tenant, RewardType));

    /// <summary>The amount to show: a gain or a loss of the member, or a move between buckets shown without a sign.</summary>
    public string Amount(ActivityRow e) => e.Kind switch
    {
        EntryKind.Release => Reward(e.Available),
        EntryKind.VoucherIssue => Money(e.Voucher),
        EntryKind.VoucherCancel => Money(e.Available),
        EntryKind.ClawbackOffset => Reward(-e.Clawback), // part of an earning that paid what was owed: no gain, no loss
        // A voucher's value is money even in a points program.
        _ when e.Pending == 0 && e.Available == 0 && e.Clawback == 0 && e.Voucher != 0 => e.Voucher > 0 ? "+" + Money(e.Voucher) : "−" + Money(-e.Voucher),
        _ => Signed(e.Pending + e.Available + e.Voucher - e.Clawback), // owing more is a loss too
    };

    private string Signed(long amount) => amount switch { > 0 => "+" + Reward(amount), < 0 => "−" + Reward(-amount), _ => Reward(0) };
}
