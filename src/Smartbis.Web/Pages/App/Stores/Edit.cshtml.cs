using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Stores;

/// <summary>Adds (/app/stores/new) or edits a store. Another tenant's store id is simply not found.</summary>
public sealed class EditModel(SmartbisDb db, TimeProvider clock, CurrentStaff staff,
    Microsoft.Extensions.Localization.IStringLocalizer<Smartbis.Web.Pages.App.DashboardText> L) : PageModel
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

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (id == "new") { IsNew = true; return Page(); }
        var store = await Find(id);
        if (store is null) return NotFound();
        Input = new InputModel { Name = store.Name, Address = store.Address, Active = store.Active };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        IsNew = id == "new";
        var store = IsNew ? new Store { Name = "", CreatedAt = clock.GetUtcNow() } : await Find(id);
        if (store is null) return NotFound();
        // Plan limit (PRODUCT.md): Free includes one store.
        if (IsNew && staff.Tenant?.Plan == Plan.Free && await db.Stores.CountAsync() >= 1)
            ModelState.AddModelError("", L["The Free plan includes 1 store. Upgrade to the Growth plan to add more stores."]);
        if (!ModelState.IsValid) return Page();
        var before = IsNew ? null : new { store.Name, store.Address, store.Active };
        store.Name = Input.Name.Trim();
        store.Address = string.IsNullOrWhiteSpace(Input.Address) ? null : Input.Address.Trim();
        store.Active = Input.Active;
        if (IsNew) db.Stores.Add(store);
        RecordAudit.Add(db, AuditActor.From(HttpContext), clock.GetUtcNow(), IsNew ? "store.created" : "store.updated",
            $"Store {store.Name} {(IsNew ? "added" : "changed")}", "store", store.Id, before, new { store.Name, store.Address, store.Active });
        await db.SaveChangesAsync();
        return Redirect("/app/stores");
    }

    private async Task<Store?> Find(string id) =>
        Guid.TryParse(id, out var guid) ? await db.Stores.SingleOrDefaultAsync(s => s.Id == guid) : null;
}
