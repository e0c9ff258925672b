using System.Globalization;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;
using Smartbis.Web.Pages.App.Campaigns;

namespace Smartbis.Web.Pages.App.Segments;

/// <summary>
/// /app/segments: the RFM segments' sizes (from the last nightly snapshot, never recomputed here), their movement over the
/// last days, the thresholds (versioned, audited) and the tags with their member counts. Owners and managers.
/// </summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, IStringLocalizer<CampaignsText> L) : PageModel
{
    public sealed class InputModel
    {
        public int NewDays { get; set; }
        public int AtRiskDays { get; set; }
        public int LostDays { get; set; }
        public int WindowDays { get; set; }
        public int LoyalPurchases { get; set; }
        public string? LoyalSpend { get; set; }
    }

    public sealed record TagRow(Guid Id, string Name, int Members);

    [BindProperty] public InputModel Input { get; set; } = new();
    public SegmentSettings Settings { get; private set; } = null!;
    public DateOnly? LastDay { get; private set; }
    public Dictionary<SegmentKind, (int Members, int Entered)> Sizes { get; private set; } = [];
    /// <summary>Day → segment → members, newest first (up to 14 snapshots).</summary>
    public List<(DateOnly Day, Dictionary<SegmentKind, int> Members)> Movement { get; private set; } = [];
    public List<TagRow> Tags { get; private set; } = [];
    public string? Saved { get; private set; }
    public Tenant Tenant => staff.Tenant!;

    public async Task OnGetAsync(string? done)
    {
        await LoadAsync();
        Fill(Settings);
        Saved = done switch { "saved" => L["Thresholds saved. They apply from the next calculation."].Value, "queued" => L["Recalculation started: refresh in a minute."].Value, _ => null };
    }

    public async Task<IActionResult> OnPostAsync([FromServices] SaveSegmentSettings save)
    {
        await LoadAsync();
        long spend = 0;
        if (!string.IsNullOrWhiteSpace(Input.LoyalSpend))
        {
            if (Infrastructure.Money.Parse(Input.LoyalSpend, CultureInfo.CurrentCulture.Name) is { } cents) spend = cents;
            else ModelState.AddModelError("Input.LoyalSpend", L["Enter an amount such as {0}.", 100m.ToString("0.00", CultureInfo.CurrentCulture)]);
        }
        if (!ModelState.IsValid) return Page();
        try
        {
            await save.ExecuteAsync(new SaveSegmentSettings.Request(Input.NewDays, Input.AtRiskDays, Input.LostDays, Input.WindowDays, Input.LoyalPurchases, spend),
                AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
            return Redirect("/app/segments?done=saved");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
                foreach (var message in messages) ModelState.AddModelError(field.Length == 0 ? "" : $"Input.{field}", message);
            return Page();
        }
    }

    /// <summary>"Recalculate now": the nightly job, queued for this tenant (it runs in the background).</summary>
    public IActionResult OnPostRecalculate([FromServices] IBackgroundJobClient jobs)
    {
        var tenantId = Tenant.Id;
        jobs.Enqueue<SegmentJobs>(j => j.AssignAsync(tenantId));
        return Redirect("/app/segments?done=queued");
    }

    public string Money(long cents) => Infrastructure.Money.Format(cents, Tenant.CurrencyCode, CultureInfo.CurrentCulture.Name);

    private void Fill(SegmentSettings s) => Input = new InputModel
    {
        NewDays = s.NewDays, AtRiskDays = s.AtRiskDays, LostDays = s.LostDays, WindowDays = s.WindowDays, LoyalPurchases = s.LoyalPurchases,
        LoyalSpend = s.LoyalSpendCents == 0 ? "" : (s.LoyalSpendCents / 100m).ToString("0.00", CultureInfo.CurrentCulture),
    };

    private async Task LoadAsync()
    {
        Settings = await SegmentRules.SettingsAsync(db, HttpContext.RequestAborted);
        var snapshots = db.Set<SegmentSnapshot>().AsNoTracking();
        var days = await snapshots.Select(s => s.Day).Distinct().OrderByDescending(d => d).Take(14).ToListAsync(HttpContext.RequestAborted);
        var rows = days.Count == 0 ? [] : await snapshots.Where(s => s.Day >= days.Min()).ToListAsync(HttpContext.RequestAborted);
        LastDay = days.Count == 0 ? null : days[0];
        Sizes = rows.Where(r => r.Day == LastDay).ToDictionary(r => r.Segment, r => (r.Members, r.Entered));
        Movement = days.Select(d => (d, rows.Where(r => r.Day == d).ToDictionary(r => r.Segment, r => r.Members))).ToList();
        var counts = await db.Set<CustomerTag>().GroupBy(t => t.TagId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, HttpContext.RequestAborted);
        Tags = (await db.Set<Tag>().AsNoTracking().OrderBy(t => t.Name).ToListAsync(HttpContext.RequestAborted))
            .Select(t => new TagRow(t.Id, t.Name, counts.GetValueOrDefault(t.Id))).ToList();
    }
}
