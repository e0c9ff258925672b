using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Categories;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Categories;

/// <summary>
/// The merchant's product categories (owner/manager): code and names in pt-BR and English; add, change, remove (a category
/// the rules in force exclude cannot be removed or recoded). The rules editor offers these. Another tenant's id is 404.
/// </summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db) : PageModel
{
    public sealed class InputModel
    {
        public string? Code { get; set; }
        public string? NamePt { get; set; }
        public string? NameEn { get; set; }
    }

    public List<ProductCategory> Categories { get; private set; } = [];
    public HashSet<string> Excluded { get; private set; } = [];
    [BindProperty] public InputModel Input { get; set; } = new();
    /// <summary>The category whose form holds <see cref="Input"/> after a refused save (null: the add form).</summary>
    public Guid? Editing { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostSaveAsync(Guid? id, [FromServices] SaveCategory save)
    {
        try
        {
            await save.ExecuteAsync(new SaveCategory.Request(id, Input.Code, Input.NamePt, Input.NameEn), AuditActor.From(HttpContext), HttpContext.RequestAborted);
            return Redirect("/app/categories");
        }
        catch (OperationFailed e) when (e.Status == 404) { return NotFound(); }
        catch (OperationFailed e)
        {
            Show(e);
            Editing = id;
            await LoadAsync();
            return Page();
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, [FromServices] DeleteCategory delete)
    {
        try
        {
            await delete.ExecuteAsync(id, AuditActor.From(HttpContext), HttpContext.RequestAborted);
            return Redirect("/app/categories");
        }
        catch (OperationFailed e) when (e.Status == 404) { return NotFound(); }
        catch (OperationFailed e)
        {
            Show(e);
            await LoadAsync();
            return Page();
        }
    }

    private void Show(OperationFailed e)
    {
        foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
            foreach (var m in messages)
                ModelState.AddModelError(field switch { "code" => "Input.Code", "namePt" => "Input.NamePt", "nameEn" => "Input.NameEn", _ => "" }, m);
    }

    private async Task LoadAsync()
    {
        Categories = await db.ProductCategories.AsNoTracking().OrderBy(c => c.Code).ToListAsync();
        Excluded = [.. await db.ProgramRules.OrderByDescending(p => p.Version).Select(p => p.ExcludedCategories).FirstOrDefaultAsync() ?? []];
    }
}
