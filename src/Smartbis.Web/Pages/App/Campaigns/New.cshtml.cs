using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Campaigns;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Campaigns;

/// <summary>/app/campaigns/new: writes a campaign as a draft; its page then shows the preview, the test send and Launch.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class NewModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<CampaignsText> L) : PageModel
{
    public sealed class InputModel
    {
        public string? Name { get; set; }
        public string Audience { get; set; } = "all";
        public bool Email { get; set; } = true;
        public bool WhatsApp { get; set; }
        public string? Subject { get; set; }
        public string? Body { get; set; }
        public string? WhatsAppTemplate { get; set; }
        public string? WhatsAppParameters { get; set; }
        /// <summary>Local time of the business; empty = when launched.</summary>
        public DateTime? SendAt { get; set; }
        public int HoldoutPercent { get; set; } = 10;
        public string? Bonus { get; set; }
        public string? Multiplier { get; set; }
        public DateTime? BoostFrom { get; set; }
        public DateTime? BoostUntil { get; set; }
        public int MeasureDays { get; set; } = 30;
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public List<(Guid Id, string Name)> Tags { get; private set; } = [];
    public RewardType RewardType { get; private set; }
    public string? PlanRefusal { get; private set; }
    public Tenant Tenant => staff.Tenant!;
    private TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(Tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;

    public async Task OnGetAsync()
    {
        await LoadAsync();
        Input.Subject = L["A gift for you, {{ first_name }}"];
        Input.Body = L["Hello {{ first_name }}! This weekend every purchase at {{ brand }} earns double. Your balance: {{ balance }}. See you soon!"];
    }

    public async Task<IActionResult> OnPostAsync([FromServices] SaveCampaign save)
    {
        await LoadAsync();
        var culture = CultureInfo.CurrentCulture;
        long bonus = 0;
        if (!string.IsNullOrWhiteSpace(Input.Bonus))
        {
            if (RewardUnits.Parse(Input.Bonus, RewardType, culture.Name) is { } b) bonus = b;
            else ModelState.AddModelError("Input.Bonus", RewardType == RewardType.Points ? L["Enter a whole number of points, such as {0}.", 100] : L["Enter an amount such as {0}.", 10m.ToString("0.00", culture)]);
        }
        var multiplier = Campaign.NoMultiplier;
        if (!string.IsNullOrWhiteSpace(Input.Multiplier))
        {
            if (decimal.TryParse(Input.Multiplier.Replace(',', '.'), NumberStyles.Number, CultureInfo.InvariantCulture, out var m) && m is >= 1 and <= 100)
                multiplier = (int)Math.Round(m * 10_000);
            else ModelState.AddModelError("Input.Multiplier", L["Enter a multiplier such as 2 (double) or 1,5."]);
        }
        if (!ModelState.IsValid) return Page();
        try
        {
            var c = await save.ExecuteAsync(new SaveCampaign.Request(Input.Name ?? "", Input.Audience, Input.Email, Input.WhatsApp, Input.Subject, Input.Body,
                Input.WhatsAppTemplate, Input.WhatsAppParameters, Utc(Input.SendAt), Input.HoldoutPercent, bonus, multiplier,
                Utc(Input.BoostFrom), Utc(Input.BoostUntil), Input.MeasureDays), AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
            return Redirect($"/app/campaigns/{c.Id}");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            if (PlanLimits.IsPlanRefusal(e)) PlanRefusal = string.Join(" ", ErrorTexts.Render(e, HttpContext).SelectMany(kv => kv.Value));
            else
                foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
                    foreach (var message in messages)
                        ModelState.AddModelError(field switch
                        {
                            "" => "",
                            "BonusAmount" => "Input.Bonus",
                            _ => $"Input.{field}",
                        }, message);
            return Page();
        }
    }

    private DateTimeOffset? Utc(DateTime? local) =>
        local is { } l ? new DateTimeOffset(DateTime.SpecifyKind(l, DateTimeKind.Unspecified), Zone.GetUtcOffset(DateTime.SpecifyKind(l, DateTimeKind.Unspecified))).ToUniversalTime() : null;

    private async Task LoadAsync()
    {
        Tags = (await db.Set<Tag>().AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(HttpContext.RequestAborted))
            .Select(t => (t.Id, t.Name)).ToList();
        RewardType = await RewardUnits.OfTenantAsync(db, HttpContext.RequestAborted);
        _ = clock;
    }
}
