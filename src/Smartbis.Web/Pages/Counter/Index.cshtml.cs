using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Counter;

/// <summary>
/// The counter: one search box → customer card → purchase form (→ receipt page), quick enrol or walk-in, and the
/// store's purchases of today. Every write posts back here with the form's idempotency key and redirects (PRG).
/// </summary>
public sealed class IndexModel(
    SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<CounterText> l,
    RecordCounterPurchase recordPurchase, EnrollCustomer enroll, SendRedemptionCode sendCode)
    : CounterPage(db, staff, clock, l)
{
    public sealed class PurchaseInput
    {
        public Guid? CustomerId { get; set; }
        public string? Phone { get; set; }
        public string? Amount { get; set; }
        public string? Receipt { get; set; }
        public string? PayWithCashback { get; set; }
        public string? VoucherCode { get; set; }
        public string? Excluded { get; set; }
        public string IdempotencyKey { get; set; } = "";
        public string? OneTimeCode { get; set; }
        public string? ManagerPin { get; set; }
        /// <summary>Not typed: the key large-redemption errors are shown under.</summary>
        public string? Authorization { get; set; }
    }

    public sealed class EnrolInput
    {
        public string? Name { get; set; }
        public string? Phone { get; set; }
        public string? Email { get; set; }
        public bool EmailConsent { get; set; }
        public bool WhatsAppConsent { get; set; }
        public string? ReferralCode { get; set; }
        /// <summary>Made when the form is rendered: a resubmission of this form is the same enrolment.</summary>
        public string IdempotencyKey { get; set; } = "";
    }

    public sealed record RecentRow(Guid Id, DateTimeOffset At, string? Receipt, string Customer, long AmountCents, long EarnedCents,
        long RedeemedCents, long RefundedCents);

    [BindProperty(SupportsGet = true, Name = "q")] public string? Query { get; set; }
    [BindProperty(SupportsGet = true, Name = "c")] public Guid? SelectedId { get; set; }
    [BindProperty(SupportsGet = true, Name = "walkin")] public string? WalkInPhone { get; set; }
    [BindProperty(SupportsGet = true, Name = "enrol")] public bool ShowEnrol { get; set; }
    [BindProperty(SupportsGet = true, Name = "enrolled")] public bool JustEnrolled { get; set; }
    [BindProperty(SupportsGet = true, Name = "choose")] public bool ChooseStore { get; set; }

    [BindProperty] public PurchaseInput Purchase { get; set; } = new();
    [BindProperty] public EnrolInput Enrol { get; set; } = new();

    public IReadOnlyList<CounterStore.StoreView> Stores { get; private set; } = [];
    public FindCustomer.Found? Found { get; private set; }
    public FindCustomer.Card? Card { get; private set; }
    public ProgramRules? Rules { get; private set; }
    public CounterSettings Settings { get; private set; } = new();
    public IReadOnlyList<RecentRow> Recent { get; private set; } = [];
    public bool NeedsAuthorization { get; private set; }
    public string? CodeSentTo { get; private set; }
    public Guid? DuplicateOf { get; private set; }
    public string? WalkIn { get; private set; }
    public bool CanChooseStore => CounterStore.CanChoose(Staff);

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadStoreAsync();
        if (Store is null || (ChooseStore && CanChooseStore)) return await ChooseStoreAsync();
        ChooseStore = false;
        if (Query is not null) Query = Query.Trim();
        if (SelectedId is null && !string.IsNullOrEmpty(Query))
        {
            Found = await FindCustomer.SearchAsync(Db, Query, Clock.GetUtcNow(), HttpContext.RequestAborted);
            if (Found.Customers.Count == 1) Card = Found.Customers[0];
            if (Found.VoucherCode is not null) Purchase.VoucherCode = Found.VoucherCode;
        }
        else if (SelectedId is { } id)
        {
            Card = await FindCustomer.CardAsync(Db, id, Clock.GetUtcNow(), HttpContext.RequestAborted);
            if (Card is null) return NotFound(); // another tenant's customer is simply not there
        }
        if (!string.IsNullOrEmpty(WalkInPhone)) WalkIn = Phones.ToE164(WalkInPhone);
        if (ShowEnrol) Enrol.Phone ??= Found?.Query.Phone is { } p ? Phones.Display(p) : WalkInPhone ?? Query;
        Purchase.IdempotencyKey = NewKey(); // made when the form is rendered: a resubmission of this form is the same purchase
        Enrol.IdempotencyKey = NewKey();
        Purchase.CustomerId = Card?.Id;
        Purchase.Phone = Card is null ? WalkIn : null;
        await LoadContextAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostStoreAsync(Guid storeId)
    {
        if (!CanChooseStore) return Forbid();
        if (!await Db.Stores.AnyAsync(s => s.Id == storeId && s.Active)) return NotFound();
        CounterStore.Remember(HttpContext, storeId);
        return Redirect("/counter");
    }

    public async Task<IActionResult> OnPostPurchaseAsync()
    {
        await LoadStoreAsync();
        if (Store is null) return Redirect("/counter");
        ClearPrefix(ModelState, "Enrol");
        var amount = ParseMoney(Purchase.Amount);
        var cashback = string.IsNullOrWhiteSpace(Purchase.PayWithCashback) ? 0 : ParseMoney(Purchase.PayWithCashback);
        // The excluded-amount field is on the form only when the rules exclude categories: otherwise a value (forged or
        // left from an older form) is ignored, not refused with an error the page has nowhere to show.
        var excludes = (await RulesInForce.AtAsync(Db, Clock.GetUtcNow())).ExcludedCategories.Count > 0;
        var excluded = !excludes || string.IsNullOrWhiteSpace(Purchase.Excluded) ? 0 : ParseMoney(Purchase.Excluded);
        if (amount is null or 0) ModelState.AddModelError("Purchase.Amount", L["Type the amount, e.g. {0}.", Plain(123_45)]);
        if (cashback is null) ModelState.AddModelError("Purchase.PayWithCashback", L["Type an amount, e.g. {0}, or leave it empty.", Plain(10_00)]);
        if (excluded is null) ModelState.AddModelError("Purchase.Excluded", L["Type an amount, e.g. {0}, or leave it empty.", Plain(10_00)]);
        if (Purchase.CustomerId is { } cid && (Card = await FindCustomer.CardAsync(Db, cid, Clock.GetUtcNow())) is null) return NotFound();
        if (ModelState.IsValid)
        {
            Rules = await RulesInForce.AtAsync(Db, Clock.GetUtcNow());
            try
            {
                var result = await recordPurchase.ExecuteAsync(new RecordCounterPurchase.Request(
                    Store.Id, Purchase.CustomerId, Purchase.Phone, amount!.Value, Purchase.Receipt, Purchase.IdempotencyKey,
                    cashback!.Value, Purchase.VoucherCode, excluded!.Value, Rules.ExcludedCategories.FirstOrDefault(),
                    Purchase.OneTimeCode, Purchase.ManagerPin), Actor(), HttpContext.RequestAborted);
                return Redirect($"/counter/receipt/{result.Purchase.PurchaseId}" + (result.Replayed ? "?replayed=true" : ""));
            }
            // An unknown customer is a 404 page; an unknown voucher code is a typo shown beside the field.
            catch (OperationFailed e) when (e.Status != 404 || e.Errors.ContainsKey("voucherCode"))
            {
                NeedsAuthorization = e.Code is "authorization_required" or "invalid_code" or "code_amount" or "invalid_pin" or "pin_locked" or "no_email" or "too_many_codes";
                if (e.Code == "duplicate_receipt" && e.Refs.TryGetValue("existingPurchaseId", out var first)) DuplicateOf = first;
                AddErrors(e, "Purchase", PurchaseFields);
            }
        }
        await ReloadAfterPostAsync();
        return Page();
    }

    /// <summary>Sends the customer a one-time code for the redemption typed in the form, and shows the form again.</summary>
    public async Task<IActionResult> OnPostSendCodeAsync()
    {
        await LoadStoreAsync();
        if (Store is null) return Redirect("/counter");
        ClearPrefix(ModelState, "Enrol");
        NeedsAuthorization = true;
        if (Purchase.CustomerId is not { } customerId) return NotFound();
        if (await FindCustomer.CardAsync(Db, customerId, Clock.GetUtcNow()) is null) return NotFound();
        var cashback = ParseMoney(Purchase.PayWithCashback) ?? 0;
        var code = Codes.Normalize(Purchase.VoucherCode);
        var voucher = code.Length == 0 ? 0 : await Db.Vouchers.Where(v => v.Code == code).Select(v => v.ValueCents).FirstOrDefaultAsync();
        try
        {
            var sent = await sendCode.ExecuteAsync(customerId, Math.Max(cashback + voucher, 1), Actor(), HttpContext.RequestAborted);
            CodeSentTo = sent.SentTo;
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            AddErrors(e, "Purchase", PurchaseFields);
        }
        await ReloadAfterPostAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostEnrolAsync()
    {
        await LoadStoreAsync();
        if (Store is null) return Redirect("/counter");
        ClearPrefix(ModelState, "Purchase");
        try
        {
            var result = await enroll.ExecuteAsync(new EnrollCustomer.Request(
                Enrol.Name ?? "", Enrol.Phone, Enrol.Email, EmailConsent: Enrol.EmailConsent, WhatsAppConsent: Enrol.WhatsAppConsent,
                ConsentWording: L["The customer agreed at the counter to receive messages about their cashback on the ticked channels."],
                Source: "counter", ReferralCode: Enrol.ReferralCode, Locale: Locale,
                IdempotencyKey: string.IsNullOrWhiteSpace(Enrol.IdempotencyKey) ? NewKey() : Enrol.IdempotencyKey), Actor(), HttpContext.RequestAborted);
            return Redirect($"/counter?c={result.CustomerId}&enrolled=true");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            AddErrors(e, "Enrol", EnrolFields);
            if (e.Refs.TryGetValue("existingCustomerId", out var existing)) SelectedId = existing;
        }
        ShowEnrol = true;
        Purchase.IdempotencyKey = NewKey();
        await LoadContextAsync();
        return Page();
    }

    private static readonly Dictionary<string, string> PurchaseFields = new()
    {
        ["amountCents"] = "Amount", ["payWithCashbackCents"] = "PayWithCashback", ["voucherCode"] = "VoucherCode", ["code"] = "OneTimeCode",
        ["receiptNumber"] = "Receipt", ["oneTimeCode"] = "OneTimeCode", ["managerPin"] = "ManagerPin", ["authorization"] = "Authorization",
        ["lines"] = "Excluded", ["excludedAmount"] = "Excluded", ["phone"] = "Phone",
    };

    private static readonly Dictionary<string, string> EnrolFields = new()
    {
        ["name"] = "Name", ["phone"] = "Phone", ["email"] = "Email", ["referralCode"] = "ReferralCode", ["cpf"] = "Name",
    };

    private AuditActor Actor() => AuditActor.From(HttpContext, Staff) with { StoreId = Store?.Id };

    private async Task ReloadAfterPostAsync()
    {
        if (Purchase.CustomerId is { } id) Card = await FindCustomer.CardAsync(Db, id, Clock.GetUtcNow());
        SelectedId = Card?.Id;
        WalkIn = Card is null ? Purchase.Phone : null;
        await LoadContextAsync();
    }

    private async Task LoadContextAsync()
    {
        var now = Clock.GetUtcNow();
        Rules ??= await Db.ProgramRules.Where(r => r.EffectiveFrom <= now).OrderByDescending(r => r.Version).FirstOrDefaultAsync();
        Settings = await SaveCounterSettings.LoadAsync(Db);
        var midnight = Local(now).Date;
        var startOfDay = new DateTimeOffset(midnight, Local(now).Offset).ToUniversalTime();
        var storeId = Store!.Id;
        Recent = await Db.Purchases.Where(p => p.StoreId == storeId && p.CreatedAt >= startOfDay)
            .OrderByDescending(p => p.CreatedAt).Take(30)
            .Select(p => new RecentRow(p.Id, p.CreatedAt, p.ReceiptNumber,
                Db.Customers.Where(c => c.Id == p.CustomerId).Select(c => c.Name != "" ? c.Name : c.Phone ?? "").First(),
                p.AmountCents, p.EarnedCents, p.PaidWithCashbackCents + p.PaidWithVoucherCents, p.RefundedCents))
            .ToListAsync();
    }

    private async Task<IActionResult> ChooseStoreAsync()
    {
        Stores = await Db.Stores.Where(s => s.Active).OrderBy(s => s.Name).Select(s => new CounterStore.StoreView(s.Id, s.Name)).ToListAsync();
        return Page();
    }

    /// <summary>The largest cashback the rules let this customer use on a purchase of <paramref name="amountCents"/>.</summary>
    public long MaxCashback(long amountCents) =>
        Card is null || Rules is null || Card.AvailableCents < Rules.MinRedeemBalanceCents ? 0
        : Math.Min(Card.AvailableCents, (long)((Int128)amountCents * Rules.MaxRedeemShareBps / 10_000));
}
