using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Settings;

/// <summary>The business's identity and branding; owners only.</summary>
public sealed class IndexModel(SmartbisDb db, TenantContext tenant, TimeProvider clock, Microsoft.Extensions.Localization.IStringLocalizer<Smartbis.Web.Infrastructure.SharedResource> T) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the business name.")]
        [StringLength(120, ErrorMessage = "Use at most 120 characters.")]
        public string Name { get; set; } = "";

        [Required(ErrorMessage = "Enter what customers call the reward.")]
        [StringLength(40, ErrorMessage = "Use at most 40 characters.")]
        public string CurrencyName { get; set; } = "";

        [RegularExpression("^(pt-BR|en)$", ErrorMessage = "Choose Português or English.")]
        public string Locale { get; set; } = "pt-BR";

        [Required(ErrorMessage = "Enter a time zone such as America/Sao_Paulo.")]
        public string TimeZone { get; set; } = "America/Sao_Paulo";

        [RegularExpression("^#[0-9a-fA-F]{6}$", ErrorMessage = "Use a colour like #0d6efd.")]
        public string PrimaryColor { get; set; } = "#0d6efd";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool saved = false)
    {
        var t = await Current();
        Saved = saved;
        Input = new InputModel { Name = t.Name, CurrencyName = t.CurrencyName, Locale = t.Locale, TimeZone = t.TimeZone, PrimaryColor = t.PrimaryColor };
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(Input.TimeZone ?? "", out _))
            ModelState.AddModelError("Input.TimeZone", T["Unknown time zone. Use an IANA name such as America/Sao_Paulo."]);
        if (!ModelState.IsValid) return Page();
        var t = await Current();
        var before = new { t.Name, t.CurrencyName, t.Locale, t.TimeZone, t.PrimaryColor };
        t.Name = Input.Name.Trim();
        t.CurrencyName = Input.CurrencyName.Trim();
        t.Locale = Input.Locale;
        t.TimeZone = Input.TimeZone!;
        t.PrimaryColor = Input.PrimaryColor;
        RecordAudit.Add(db, AuditActor.From(HttpContext), clock.GetUtcNow(), "settings.updated", "Business settings changed", "tenant", t.Id,
            before, new { t.Name, t.CurrencyName, t.Locale, t.TimeZone, t.PrimaryColor });
        await db.SaveChangesAsync();
        return Redirect("/app/settings?saved=true");
    }

    private Task<Tenant> Current() => db.Tenants.SingleAsync(t => t.Id == tenant.Require());
}
