using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Campaigns;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Campaigns;

/// <summary>The campaign form shared by /app/campaigns/new and /app/campaigns/{id}/edit (_CampaignForm.cshtml).</summary>
public abstract class CampaignFormModel(SmartbisDb db, CurrentStaff staff, IStringLocalizer<CampaignsText> L) : PageModel
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

    protected SmartbisDb Db => db;
    protected CurrentStaff Staff => staff;
    protected IStringLocalizer<CampaignsText> Text => L;

    [BindProperty] public InputModel Input { get; set; } = new();
    public List<(Guid Id, string Name)> Tags { get; private set; } = [];
    public RewardType RewardType { get; private set; }
    public string? PlanRefusal { get; protected set; }
    public Tenant Tenant => staff.Tenant!;
    protected TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(Tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;

    /// <summary>The form as a request, or null with field errors in ModelState (bonus and multiplier that do not parse).</summary>
    protected SaveCampaign.Request? ToRequest()
    {
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
        if (!ModelState.IsValid) return null;
        return new SaveCampaign.Request(Input.Name ?? "", Input.Audience, Input.Email, Input.WhatsApp, Input.Subject, Input.Body,
            Input.WhatsAppTemplate, Input.WhatsAppParameters, Utc(Input.SendAt), Input.HoldoutPercent, bonus, multiplier,
            Utc(Input.BoostFrom), Utc(Input.BoostUntil), Input.MeasureDays);
    }

    /// <summary>A refusal shown on the form: per field, or the plan's words above it.</summary>
    protected void Show(OperationFailed e)
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
    }

    /// <summary>The form filled from a campaign (local times of the business, amounts as typed).</summary>
    protected void Fill(Campaign c)
    {
        var culture = CultureInfo.CurrentCulture;
        DateTime? Local(DateTimeOffset? at) => at is { } a ? TimeZoneInfo.ConvertTime(a, Zone).DateTime : null;
        Input = new InputModel
        {
            Name = c.Name, Audience = c.TagId is { } t ? $"tag:{t}" : c.Segment is { } s ? $"segment:{s}" : "all",
            Email = c.Email, WhatsApp = c.WhatsApp, Subject = c.Subject, Body = c.Body, WhatsAppTemplate = c.WhatsAppTemplate,
            WhatsAppParameters = c.WhatsAppParameters, SendAt = Local(c.SendAt), HoldoutPercent = c.HoldoutPercent,
            Bonus = c.BonusAmount == 0 ? null : RewardType == RewardType.Points
                ? c.BonusAmount.ToString(CultureInfo.InvariantCulture) : (c.BonusAmount / 100m).ToString("0.00", culture),
            Multiplier = c.MultiplierBps == Campaign.NoMultiplier ? null : (c.MultiplierBps / 10_000m).ToString("0.##", culture),
            BoostFrom = Local(c.BoostFrom), BoostUntil = Local(c.BoostUntil), MeasureDays = c.MeasureDays,
        };
    }

    private DateTimeOffset? Utc(DateTime? local) =>
        local is { } l ? new DateTimeOffset(DateTime.SpecifyKind(l, DateTimeKind.Unspecified), Zone.GetUtcOffset(DateTime.SpecifyKind(l, DateTimeKind.Unspecified))).ToUniversalTime() : null;

    protected async Task LoadAsync()
    {
        Tags = (await db.Set<Tag>().AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(HttpContext.RequestAborted))
            .Select(t => (t.Id, t.Name)).ToList();
        RewardType = await RewardUnits.OfTenantAsync(db, HttpContext.RequestAborted);
    }
}
