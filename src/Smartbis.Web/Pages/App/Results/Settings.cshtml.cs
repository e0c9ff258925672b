using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Results;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Results;

/// <summary>/app/results/settings: the control group (on/off, share, no boosts, start date), message costs and the history of versions. Owners only.</summary>
[Authorize(Policy = Policies.Owner)]
public sealed class SettingsModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock) : PageModel
{
    public sealed class InputModel
    {
        public bool ControlGroupEnabled { get; set; }
        /// <summary>Percent as typed ("10", "7,5").</summary>
        public string? Share { get; set; } = "10";
        public bool NoBoosts { get; set; }
        public DateOnly? StartsOn { get; set; }
        public string? EmailCost { get; set; } = "0";
        public string? WhatsAppCost { get; set; } = "0";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public List<ResultsSettings> History { get; private set; } = [];
    public List<ControlGroup.Period> Periods { get; private set; } = [];
    public (int Control, int Members) Drawn { get; private set; }
    public bool Saved { get; private set; }
    public Tenant Tenant => staff.Tenant!;

    public async Task OnGetAsync(bool saved = false)
    {
        Saved = saved;
        await LoadAsync();
        var current = History.FirstOrDefault();
        var culture = CultureInfo.CurrentCulture;
        Input = current is null
            ? new InputModel { StartsOn = Overview.Today(clock.GetUtcNow(), Tenant.TimeZone) }
            : new InputModel
            {
                ControlGroupEnabled = current.ControlGroupEnabled, Share = (current.ShareBps / 100m).ToString("0.##", culture), NoBoosts = current.NoBoosts,
                StartsOn = current.ControlGroupEnabled ? current.StartsOn : Overview.Today(clock.GetUtcNow(), Tenant.TimeZone),
                EmailCost = (current.EmailCostCents / 100m).ToString("0.00", culture), WhatsAppCost = (current.WhatsAppCostCents / 100m).ToString("0.00", culture),
            };
    }

    public async Task<IActionResult> OnPostAsync([FromServices] SaveResultsSettings save)
    {
        var culture = CultureInfo.CurrentCulture;
        int shareBps = -1;
        if (decimal.TryParse(Input.Share, NumberStyles.Number, culture, out var share) && share is >= 0 and <= 100) shareBps = (int)Math.Round(share * 100);
        var email = Money.Parse(Input.EmailCost, culture.Name) ?? -1;
        var whatsApp = Money.Parse(Input.WhatsAppCost, culture.Name) ?? -1;
        var request = new SaveResultsSettings.Request(Input.ControlGroupEnabled, shareBps, Input.NoBoosts, Input.StartsOn, email, whatsApp);
        try
        {
            var userId = User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
            await save.ExecuteAsync(request, userId, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
            return Redirect("/app/results/settings?saved=true");
        }
        catch (OperationFailed failed) when (failed.Code == "validation")
        {
            foreach (var (field, messages) in ErrorTexts.Render(failed, HttpContext))
                foreach (var message in messages) ModelState.AddModelError("Input." + InputField(field), message);
            await LoadAsync();
            return Page();
        }
    }

    private static string InputField(string field) => field switch
    {
        "ShareBps" => nameof(InputModel.Share),
        "EmailCostCents" => nameof(InputModel.EmailCost),
        "WhatsAppCostCents" => nameof(InputModel.WhatsAppCost),
        _ => field,
    };

    private async Task LoadAsync()
    {
        History = await db.Set<ResultsSettings>().AsNoTracking().OrderByDescending(s => s.Version).ToListAsync(HttpContext.RequestAborted);
        Periods = ControlGroup.Periods(History, Tenant.TimeZone);
        var counts = await db.Customers.Where(c => c.JoinedAt != null).GroupBy(c => c.InControlGroup)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(HttpContext.RequestAborted);
        Drawn = (counts.Where(c => c.Key).Sum(c => c.Count), counts.Sum(c => c.Count));
    }

    public string Day(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.TryFindSystemTimeZoneById(Tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc).ToString("g", CultureInfo.CurrentCulture);
}
