using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Stores;

/// <summary>Adds (/app/stores/new) or edits a store. Another tenant's store id is simply not found.</summary>
public sealed class EditModel(SmartbisDb db) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the store's name.")]
        [StringLength(120, ErrorMessage = "Use at most 120 characters.")]
        public string Name { get; set; } = "";

        [StringLength(300, ErrorMessage = "Use at most 300 characters.")]
        public string? Address { get; set; }

        public bool Active { get; set; } = true;
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public bool IsNew { get; private set; }
    /// <summary>Refused by the plan's store limit: the page links to the plan page.</summary>
    public bool PlanLimited { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (id == "new") { IsNew = true; return Page(); }
        var store = await Find(id);
        if (store is null) return NotFound();
        Input = new InputModel { Name = store.Name, Address = store.Address, Active = store.Active };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, [FromServices] SaveStore save)
    {
        IsNew = id == "new";
        Guid? storeId = null;
        if (!IsNew)
        {
            if (await Find(id) is not { } found) return NotFound();
            storeId = found.Id;
        }
        if (!ModelState.IsValid) return Page();
        try
        {
            var saved = await save.ExecuteAsync(new SaveStore.Request(storeId, Input.Name, Input.Address, Input.Active),
                AuditActor.From(HttpContext), HttpContext.RequestAborted);
            return saved ? Redirect("/app/stores") : NotFound();
        }
        catch (OperationFailed e)
        {
            PlanLimited = Features.Plans.PlanLimits.IsPlanRefusal(e);
            foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
                foreach (var message in messages) ModelState.AddModelError(field.Length == 0 ? "" : $"Input.{field}", message);
            return Page();
        }
    }

    private async Task<Store?> Find(string id) =>
        Guid.TryParse(id, out var guid) ? await db.Stores.SingleOrDefaultAsync(s => s.Id == guid) : null;
}
