using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Customers;

/// <summary>One customer: balances, open credit lots, readable history, vouchers, referrals; adjust and block (managers).</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class DetailModel(SmartbisDb db, CurrentStaff staff, AdjustBalance adjust, IStringLocalizer<DashboardText> L) : PageModel
{
    public sealed record Entry(DateTimeOffset At, EntryKind Kind, string Reason, long AvailableDelta, long PendingDelta, long VoucherDelta,
        int? RateBps, int? RuleVersion, string? Store, string? Staff, DateTimeOffset? LotExpiresAt, string? Text = null, System.Text.Json.JsonDocument? TextValues = null, string? VoucherCode = null);
    public sealed record Lot(EntryKind Kind, long AmountCents, long RemainingCents, LotStatus Status, DateTimeOffset CreatedAt, DateTimeOffset AvailableAt, DateTimeOffset? ExpiresAt);
    public sealed record VoucherRow(string Code, long ValueCents, VoucherStatus Status, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RedeemedAt);
    public sealed record Referral(Guid Id, string Name, DateTimeOffset? JoinedAt);
    public sealed record MessageRow(DateTimeOffset CreatedAt, string Trigger, Channel Channel, MessageStatus Status, string? Error);

    public sealed class AdjustInput
    {
        public string? Amount { get; set; }
        public string Direction { get; set; } = "credit";
        public string? Reason { get; set; }
        public string IdempotencyKey { get; set; } = "";
    }

    [BindProperty] public AdjustInput Adjust { get; set; } = new();
    public Customer Customer { get; private set; } = null!;
    public Balances Balances { get; private set; } = null!;
    public List<Entry> History { get; private set; } = [];
    public List<Lot> Lots { get; private set; } = [];
    public List<VoucherRow> Vouchers { get; private set; } = [];
    public List<Referral> Referrals { get; private set; } = [];
    public List<MessageRow> Messages { get; private set; } = [];
    public string? ReferredBy { get; private set; }
    /// <summary>The customer's tags, the tenant's other tags (suggestions) and the segment of the last nightly assignment.</summary>
    public List<Features.Segments.Tag> Tags { get; private set; } = [];
    public List<string> OtherTags { get; private set; } = [];
    public Features.Segments.SegmentKind? Segment { get; private set; }
    public string? TagError { get; private set; }
    public string? Message { get; private set; }
    public Tenant Tenant => staff.Tenant!;
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(Tenant.TimeZone);

    public async Task<IActionResult> OnGetAsync(Guid id, string? done)
    {
        if (!await LoadAsync(id)) return NotFound();
        Adjust.IdempotencyKey = Guid.NewGuid().ToString("N");
        Message = done switch { "adjusted" => L["Balance adjusted."].Value, "blocked" => L["Customer blocked."].Value, "unblocked" => L["Customer unblocked."].Value, _ => null };
        return Page();
    }

    public async Task<IActionResult> OnPostAdjustAsync(Guid id)
    {
        if (!await LoadAsync(id)) return NotFound();
        // In the program's unit: money for cashback, whole points for points.
        var cents = RewardUnits.Parse(Adjust.Amount, RewardType, System.Globalization.CultureInfo.CurrentCulture.Name);
        if (cents is null or <= 0)
            ModelState.AddModelError("Adjust.Amount", RewardType == RewardType.Points
                ? L["Enter a whole number of points, such as {0}.", 100]
                : L["Enter an amount such as {0}.", (12.5m).ToString("0.00", System.Globalization.CultureInfo.CurrentCulture)]);
        // Credit or debit, nothing else: a forged value must not silently become a credit.
        if (Adjust.Direction is not ("credit" or "debit")) ModelState.AddModelError("Adjust.Direction", L["Choose credit or debit."]);
        if (string.IsNullOrWhiteSpace(Adjust.Reason)) ModelState.AddModelError("Adjust.Reason", L["Say why (up to 300 characters): the customer sees it in their history."]);
        if (!ModelState.IsValid) return Page();
        var amount = Adjust.Direction == "debit" ? -cents!.Value : cents!.Value;
        var userId = User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value;
        try
        {
            // The ledger entry and the audit entry commit together, once per form (its idempotency key).
            await adjust.ExecuteAsync(new AdjustBalance.Request(id, amount, Adjust.Reason!.Trim(), userId, Adjust.IdempotencyKey),
                AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
        }
        catch (OperationFailed failed)
        {
            foreach (var (field, messages) in ErrorTexts.Render(failed, HttpContext))
                foreach (var m in messages)
                    ModelState.AddModelError(field switch { "amountCents" => "Adjust.Amount", "reason" => "Adjust.Reason", _ => "" }, m);
            return Page();
        }
        return Redirect($"/app/customers/{id}?done=adjusted");
    }

    /// <summary>Adds a tag (made on first use) to the customer.</summary>
    public async Task<IActionResult> OnPostTagAsync(Guid id, string? tag, [FromServices] Features.Segments.TagCustomer tagging)
    {
        try
        {
            await tagging.ExecuteAsync(id, tag ?? "", AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            if (!await LoadAsync(id)) return NotFound();
            TagError = string.Join(" ", ErrorTexts.Render(e, HttpContext).SelectMany(kv => kv.Value));
            return Page();
        }
        return Redirect($"/app/customers/{id}#tags");
    }

    public async Task<IActionResult> OnPostUntagAsync(Guid id, Guid tagId, [FromServices] Features.Segments.UntagCustomer untagging)
    {
        await untagging.ExecuteAsync(id, tagId, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
        return Redirect($"/app/customers/{id}#tags");
    }

    public async Task<IActionResult> OnPostBlockAsync(Guid id, bool block, [FromServices] BlockCustomer blocking)
    {
        if (!await blocking.ExecuteAsync(id, block, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted)) return NotFound();
        return Redirect($"/app/customers/{id}?done={(block ? "blocked" : "unblocked")}");
    }

    /// <summary>A ledger amount in the program's unit (money or points with the reward's name).</summary>
    public string Format(long amount) => RewardUnits.Format(amount, RewardType, Tenant.CurrencyName, Tenant.CurrencyCode, System.Globalization.CultureInfo.CurrentCulture.Name);
    /// <summary>Money (a voucher's value).</summary>
    public string FormatMoney(long cents) => Money.Format(cents, Tenant.CurrencyCode, System.Globalization.CultureInfo.CurrentCulture.Name);
    public RewardType RewardType { get; private set; }
    /// <summary>An entry in the staff member's language (<see cref="EntryText"/>).</summary>
    public string Describe(Entry e) =>
        EntryText.Render(new EntryText.View(e.Kind, e.Text, e.TextValues, e.Reason, e.PendingDelta, e.AvailableDelta, 0, e.VoucherDelta, e.RateBps, e.Store, e.VoucherCode),
            TextContext.For(Tenant, RewardType));
    public string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("g");

    private async Task<bool> LoadAsync(Guid id)
    {
        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id);
        if (customer is null) return false;
        Customer = customer;
        var tagIds = db.Set<Features.Segments.CustomerTag>().Where(t => t.CustomerId == id).Select(t => t.TagId);
        Tags = await db.Set<Features.Segments.Tag>().AsNoTracking().Where(t => tagIds.Contains(t.Id)).OrderBy(t => t.Name).ToListAsync();
        OtherTags = await db.Set<Features.Segments.Tag>().Where(t => !tagIds.Contains(t.Id)).OrderBy(t => t.Name).Select(t => t.Name).Take(200).ToListAsync();
        Segment = await db.Set<Features.Segments.CustomerSegment>().Where(s => s.CustomerId == id).Select(s => (Features.Segments.SegmentKind?)s.Segment).SingleOrDefaultAsync();
        RewardType = await RewardUnits.OfTenantAsync(db);
        Balances = await db.Accounts.AsNoTracking().Where(a => a.CustomerId == id)
            .Select(a => new Balances(a.PendingCents, a.AvailableCents, a.ClawbackCents, a.VoucherCents)).SingleOrDefaultAsync() ?? new Balances(0, 0, 0, 0);
        History = await (from e in db.LedgerEntries.AsNoTracking().Where(e => e.CustomerId == id)
                         join p in db.Purchases on e.PurchaseId equals p.Id into ps
                         from p in ps.DefaultIfEmpty()
                         join s in db.Stores on p.StoreId equals s.Id into ss
                         from s in ss.DefaultIfEmpty()
                         join u in db.Users on (e.AuthorUserId ?? p.CashierUserId) equals u.Id into us
                         from u in us.DefaultIfEmpty()
                         join v in db.Vouchers on e.VoucherId equals (Guid?)v.Id into vs
                         from v in vs.DefaultIfEmpty()
                         orderby e.CreatedAt descending, e.Id descending
                         select new Entry(e.CreatedAt, e.Kind, e.Reason, e.AvailableDeltaCents, e.PendingDeltaCents, e.VoucherDeltaCents,
                             e.RateBps, e.RuleVersion, s.Name, u.Email, e.LotExpiresAt, e.Text, e.TextValues, v.Code))
            .Take(200).ToListAsync();
        Lots = await db.CreditLots.AsNoTracking().Where(l => l.CustomerId == id && (l.Status == LotStatus.Pending || l.Status == LotStatus.Available))
            .OrderBy(l => l.ExpiresAt == null).ThenBy(l => l.ExpiresAt)
            .Select(l => new Lot(l.Kind, l.AmountCents, l.RemainingCents, l.Status, l.CreatedAt, l.AvailableAt, l.ExpiresAt)).ToListAsync();
        Vouchers = await db.Vouchers.AsNoTracking().Where(v => v.CustomerId == id).OrderByDescending(v => v.IssuedAt)
            .Select(v => new VoucherRow(v.Code, v.ValueCents, v.Status, v.IssuedAt, v.ExpiresAt, v.RedeemedAt)).Take(100).ToListAsync();
        Referrals = await db.Customers.AsNoTracking().Where(c => c.ReferredByCustomerId == id)
            .OrderByDescending(c => c.JoinedAt).Select(c => new Referral(c.Id, c.Name, c.JoinedAt)).Take(100).ToListAsync();
        Messages = await db.Messages.AsNoTracking().Where(m => m.CustomerId == id).OrderByDescending(m => m.CreatedAt)
            .Select(m => new MessageRow(m.CreatedAt, m.Trigger, m.Channel, m.Status, m.Error)).Take(20).ToListAsync();
        ReferredBy = customer.ReferredByCustomerId is { } by ? await db.Customers.Where(c => c.Id == by).Select(c => c.Name).SingleOrDefaultAsync() : null;
        return true;
    }
}
