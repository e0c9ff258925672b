using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;
using Smartbis.Web.Pages.Counter;

namespace Smartbis.Web.Pages.App.Anomalies;

/// <summary>
/// Managers' view of the staff-fraud controls: the flags the velocity rules raised, with their evidence; the
/// thresholds; and the manager's own counter PIN.
/// </summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(
    SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<CounterText> l,
    ReviewAnomaly review, SaveCounterSettings saveSettings, SetManagerPin setPin) : PageModel
{
    public sealed record FlagView(Guid Id, AnomalyKind Kind, string Summary, string? Customer, Guid? CustomerId, string? Cashier, string? Store,
        int Occurrences, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset? ReviewedAt, string? ReviewedBy, string? ReviewNote,
        IReadOnlyList<DetectAnomalies.Evidence> Evidence);

    public sealed class SettingsInput
    {
        public string? LargeRedemption { get; set; }
        public int CodeValidityMinutes { get; set; }
        public int BurstPurchases { get; set; }
        public int BurstWindowMinutes { get; set; }
        public bool FlagOwnAccount { get; set; }
        public decimal RefundRatePercent { get; set; }
        public int RefundRateMinPurchases { get; set; }
        public int RefundRateWindowDays { get; set; }
        public int BackdatingWindowHours { get; set; } = CounterSettings.DefaultBackdatingWindowHours;
    }

    /// <summary>Only the owner sets the backdating window (a manager sees it, the field disabled; a forged value is ignored).</summary>
    public bool IsOwner => staff.Role == StaffRole.Owner;

    public IStringLocalizer<CounterText> L => l;
    public CounterSettings Thresholds { get; private set; } = new();

    /// <summary>The flag in the reader's language (the stored Summary is English, for logs and the audit).</summary>
    public string Describe(FlagView f) => f.Kind switch
    {
        AnomalyKind.Burst => l["{0} purchases for {1} within {2} minutes (limit {3})", f.Evidence.Count, f.Customer ?? "?", Thresholds.BurstWindowMinutes, Thresholds.BurstPurchases],
        AnomalyKind.OwnAccount => l["{0} recorded {1} purchase(s) for their own phone or email ({2})", f.Cashier ?? "?", f.Evidence.Count, f.Customer ?? "?"],
        AnomalyKind.RefundRate => l["{0} refunded {1} purchase(s) in {2} days: at least {3}% of the purchases they recorded", f.Cashier ?? "?", f.Evidence.Count, Thresholds.RefundRateWindowDays, (Thresholds.RefundRateBps / 100m).ToString("0.##")],
        AnomalyKind.Backdated => l["{0} purchase(s) at {1} recorded more than an hour after they happened", f.Evidence.Count, f.Store ?? "?"],
        _ => f.Summary,
    };

    public string What(DetectAnomalies.Evidence e) =>
        e.RefundReason is not null ? l["refund: {0}", e.RefundReason]
        : e.OccurredAt is { } happened ? l["happened {0}, recorded {1}", When(happened), When(e.At)]
        : e.RedeemedCents > 0 ? l["earned {0}, redeemed {1}", Fmt(e.EarnedCents), Fmt(e.RedeemedCents)]
        : l["earned {0}", Fmt(e.EarnedCents)];
    public IReadOnlyList<FlagView> Open { get; private set; } = [];
    public IReadOnlyList<FlagView> Reviewed { get; private set; } = [];
    public bool HasPin { get; private set; }
    [BindProperty] public SettingsInput Settings { get; set; } = new();
    [BindProperty] public string? Pin { get; set; }
    [BindProperty] public string? Note { get; set; }
    [TempData] public string? Message { get; set; }

    private string Locale => staff.Tenant?.Locale ?? "pt-BR";
    public string Fmt(long cents) => Money.Format(cents, staff.Tenant?.CurrencyCode ?? "BRL", Locale);

    public string When(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.TryFindSystemTimeZoneById(staff.Tenant?.TimeZone ?? "UTC", out var z) ? z : TimeZoneInfo.Utc)
            .ToString("g", System.Globalization.CultureInfo.CurrentCulture);

    public async Task OnGetAsync()
    {
        var s = await SaveCounterSettings.LoadAsync(db);
        Settings = new SettingsInput
        {
            LargeRedemption = (s.LargeRedemptionCents / 100m).ToString("0.00", System.Globalization.CultureInfo.GetCultureInfo(Locale)),
            CodeValidityMinutes = s.CodeValidityMinutes, BurstPurchases = s.BurstPurchases, BurstWindowMinutes = s.BurstWindowMinutes,
            FlagOwnAccount = s.FlagOwnAccount, RefundRatePercent = s.RefundRateBps / 100m, RefundRateMinPurchases = s.RefundRateMinPurchases,
            RefundRateWindowDays = s.RefundRateWindowDays, BackdatingWindowHours = s.BackdatingWindowHours,
        };
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostReviewAsync(Guid id)
    {
        try
        {
            await review.ExecuteAsync(id, Note, AuditActor.From(HttpContext, staff));
        }
        catch (OperationFailed e) when (e.Status == 404)
        {
            return NotFound();
        }
        Message = l["Flag marked as reviewed."];
        return Redirect("/app/anomalies");
    }

    public async Task<IActionResult> OnPostSettingsAsync()
    {
        var cents = Money.Parse(Settings.LargeRedemption, Locale);
        if (cents is null && !string.IsNullOrWhiteSpace(Settings.LargeRedemption))
            ModelState.AddModelError("Settings.LargeRedemption", l["Type an amount, e.g. {0}, or leave it empty.", "50,00"]);
        // A decimal that binds can still be far beyond a percentage (7.9e28 × 100 overflows): refused beside the field.
        if (Settings.RefundRatePercent is < 0.01m or > 100m && ModelState.GetFieldValidationState("Settings.RefundRatePercent") != Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
            ModelState.AddModelError("Settings.RefundRatePercent", l["Between 0.01% and 100%."]);
        if (ModelState.IsValid)
        {
            try
            {
                await saveSettings.ExecuteAsync(new SaveCounterSettings.Request(cents ?? 0, Settings.CodeValidityMinutes, Settings.BurstPurchases,
                    Settings.BurstWindowMinutes, Settings.FlagOwnAccount, (int)Math.Round(Settings.RefundRatePercent * 100), Settings.RefundRateMinPurchases,
                    Settings.RefundRateWindowDays, IsOwner ? Settings.BackdatingWindowHours : null), AuditActor.From(HttpContext, staff));
                Message = l["Fraud-control settings saved."];
                return Redirect("/app/anomalies");
            }
            catch (OperationFailed e)
            {
                var map = new Dictionary<string, string>
                {
                    ["largeRedemption"] = "LargeRedemption", ["codeValidityMinutes"] = "CodeValidityMinutes", ["burstPurchases"] = "BurstPurchases",
                    ["burstWindowMinutes"] = "BurstWindowMinutes", ["refundRatePercent"] = "RefundRatePercent",
                    ["refundRateMinPurchases"] = "RefundRateMinPurchases", ["refundRateWindowDays"] = "RefundRateWindowDays",
                    ["backdatingWindowHours"] = "BackdatingWindowHours",
                };
                foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
                    foreach (var m in messages)
                        ModelState.AddModelError(map.TryGetValue(field, out var f) ? $"Settings.{f}" : "", m);
            }
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostPinAsync()
    {
        try
        {
            await setPin.ExecuteAsync(staff, Pin, AuditActor.From(HttpContext, staff));
            Message = l["Your counter PIN was saved."];
            return Redirect("/app/anomalies");
        }
        catch (OperationFailed e)
        {
            foreach (var m in ErrorTexts.All(e, HttpContext)) ModelState.AddModelError("Pin", m);
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Thresholds = await SaveCounterSettings.LoadAsync(db);
        var userId = staff.Membership?.UserId;
        HasPin = userId is not null && await db.ManagerPins.AnyAsync(p => p.UserId == userId);
        var rows = await db.AnomalyFlags
            .OrderBy(f => f.ReviewedAt != null).ThenByDescending(f => f.LastSeenAt)
            .Take(200)
            .Select(f => new
            {
                f.Id, f.Kind, f.Summary, f.CustomerId, f.Occurrences, f.CreatedAt, f.LastSeenAt, f.ReviewedAt, f.ReviewNote, f.Evidence,
                Customer = db.Customers.Where(c => c.Id == f.CustomerId).Select(c => c.Name != "" ? c.Name : c.Phone).FirstOrDefault(),
                Cashier = db.Users.Where(u => u.Id == f.CashierUserId).Select(u => u.Email).FirstOrDefault(),
                Store = db.Stores.Where(s => s.Id == f.StoreId).Select(s => s.Name).FirstOrDefault(),
                ReviewedBy = db.Users.Where(u => u.Id == f.ReviewedByUserId).Select(u => u.Email).FirstOrDefault(),
            })
            .ToListAsync();
        var views = rows.Select(f => new FlagView(f.Id, f.Kind, f.Summary, f.Customer, f.CustomerId, f.Cashier, f.Store, f.Occurrences, f.CreatedAt,
            f.LastSeenAt, f.ReviewedAt, f.ReviewedBy, f.ReviewNote,
            f.Evidence.Deserialize<List<DetectAnomalies.Evidence>>(JsonSerializerOptions.Web) ?? [])).ToList();
        Open = views.Where(v => v.ReviewedAt is null).ToList();
        Reviewed = views.Where(v => v.ReviewedAt is not null).Take(30).ToList();
        _ = clock;
    }
}
