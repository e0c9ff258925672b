using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.Counter;

/// <summary>
/// The counter: one search box → customer card → purchase form (→ receipt page), quick enrol or walk-in, and the
/// store's purchases of today. This file is the GET and what every handler renders with; each action that posts back
/// here (with the form's idempotency key, redirecting after success: PRG) has its own file beside it:
/// Index.Store.cs, Index.Purchase.cs, Index.SendCode.cs, Index.Enrol.cs; Index.MaxCashback.cs answers F4.
/// </summary>
public sealed partial class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<CounterText> l)
    : CounterPage(db, staff, clock, l)
{
    public sealed record RecentRow(Guid Id, DateTimeOffset At, string? Receipt, string Customer, long AmountCents, long EarnedCents,
        long RedeemedCents, long RefundedCents);

    [BindProperty(SupportsGet = true, Name = "q")] public string? Query { get; set; }
    [BindProperty(SupportsGet = true, Name = "c")] public Guid? SelectedId { get; set; }
    [BindProperty(SupportsGet = true, Name = "walkin")] public string? WalkInPhone { get; set; }
    [BindProperty(SupportsGet = true, Name = "enrol")] public bool ShowEnrol { get; set; }
    [BindProperty(SupportsGet = true, Name = "enrolled")] public bool JustEnrolled { get; set; }
    [BindProperty(SupportsGet = true, Name = "choose")] public bool ChooseStore { get; set; }

    public IReadOnlyList<CounterStore.StoreView> Stores { get; private set; } = [];
    public FindCustomer.Found? Found { get; private set; }
    public FindCustomer.Card? Card { get; private set; }
    public ProgramRules? Rules { get; private set; }
    private Features.Categories.CategoryNames? categoryNames;

    /// <summary>A category as the cashier reads it: the merchant's name in the UI language (else the code, as CounterText words it).</summary>
    public string CategoryName(string code) => categoryNames?.Of(code) is { } name && name != code ? name : L[code].Value;
    public CounterSettings Settings { get; private set; } = new();
    public IReadOnlyList<RecentRow> Recent { get; private set; } = [];
    public string? WalkIn { get; private set; }
    public bool CanChooseStore => CounterStore.CanChoose(Staff);

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadStoreAsync();
        if (Store is null || (ChooseStore && CanChooseStore)) return await ChooseStoreAsync();
        ChooseStore = false;
        if (Query is not null) Query = Query.Trim();
        // The search and the day's list read on one connection, given back before the page renders: one rent from the
        // pool instead of one per query.
        await Db.Database.OpenConnectionAsync(HttpContext.RequestAborted);
        try
        {
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
            await LoadContextAsync();
        }
        finally
        {
            await Db.Database.CloseConnectionAsync();
        }
        if (!string.IsNullOrEmpty(WalkInPhone)) WalkIn = Phones.ToE164(WalkInPhone);
        if (ShowEnrol) Enrol.Phone ??= Found?.Query.Phone is { } p ? Phones.Display(p) : WalkInPhone ?? Query;
        Purchase.IdempotencyKey = NewKey(); // made when the form is rendered: a resubmission of this form is the same purchase
        Enrol.IdempotencyKey = NewKey();
        Purchase.CustomerId = Card?.Id;
        Purchase.Phone = Card is null ? WalkIn : null;
        return Page();
    }

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
        Rules ??= await RulesInForce.CachedFindAtAsync(Db, now);
        if (Rules?.ExcludedCategories.Count > 0) categoryNames = await Features.Categories.CategoryNames.LoadAsync(Db);
        Settings = await SaveCounterSettings.LoadAsync(Db);
        var midnight = Local(now).Date;
        var startOfDay = new DateTimeOffset(midnight, Local(now).Offset).ToUniversalTime();
        var recent = new List<RecentRow>();
        await foreach (var row in RecentAt(Db, Store!.Id, startOfDay)) recent.Add(row);
        Recent = recent;
    }

    // Compiled once: the list is read on every search, and EF would otherwise rebuild, hash and look up its LINQ tree
    // each time (the tenant's query filter still applies: it reads the context's tenant).
    private static readonly Func<SmartbisDb, Guid, DateTimeOffset, IAsyncEnumerable<RecentRow>> RecentAt =
        EF.CompileAsyncQuery((SmartbisDb db, Guid storeId, DateTimeOffset since) =>
            db.Purchases.Where(p => p.StoreId == storeId && p.CreatedAt >= since)
                .OrderByDescending(p => p.CreatedAt).Take(30)
                .Select(p => new RecentRow(p.Id, p.CreatedAt, p.ReceiptNumber,
                    db.Customers.Where(c => c.Id == p.CustomerId).Select(c => c.Name != "" ? c.Name : c.Phone ?? "").First(),
                    p.AmountCents, p.EarnedCents, p.PaidWithCashbackCents + p.PaidWithVoucherCents, p.RefundedCents)));

    private async Task<IActionResult> ChooseStoreAsync()
    {
        Stores = await Db.Stores.Where(s => s.Active).OrderBy(s => s.Name).Select(s => new CounterStore.StoreView(s.Id, s.Name)).ToListAsync();
        return Page();
    }

    /// <summary>The largest cashback the rules let this customer use on a purchase of <paramref name="amountCents"/>.</summary>
    public long MaxCashback(long amountCents) =>
        Card is null || Rules is null ? 0 : Rules.MaxCashbackUsableCents(amountCents, Card.AvailableCents);
}
