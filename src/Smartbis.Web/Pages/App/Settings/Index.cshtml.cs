using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Settings;

/// <summary>The business's identity and branding; owners only.</summary>
public sealed class IndexModel(SmartbisDb db, TenantContext tenant) : PageModel
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

    public async Task<IActionResult> OnPostAsync([FromServices] UpdateBusinessSettings update)
    {
        var request = new UpdateBusinessSettings.Request(Input.Name ?? "", Input.CurrencyName ?? "", Input.Locale, Input.TimeZone, Input.PrimaryColor);
        try
        {
            UpdateBusinessSettings.Validate(request).ThrowIfInvalid();
        }
        catch (OperationFailed e)
        {
            // A field the form's annotations already refused keeps that one message.
            foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
                if (ModelState.GetFieldValidationState($"Input.{field}") != ModelValidationState.Invalid)
                    foreach (var message in messages) ModelState.AddModelError($"Input.{field}", message);
        }
        if (!ModelState.IsValid) return Page();
        await update.ExecuteAsync(request, AuditActor.From(HttpContext), HttpContext.RequestAborted);
        return Redirect("/app/settings?saved=true");
    }

    private Task<Tenant> Current() => db.Tenants.SingleAsync(t => t.Id == tenant.Require());
}
