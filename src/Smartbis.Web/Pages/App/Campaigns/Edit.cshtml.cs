using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Campaigns;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Campaigns;

/// <summary>
/// /app/campaigns/{id}/edit: a draft, or a scheduled campaign not yet being sent, edited with the same form and validation as
/// a new one. Once sending, sent or cancelled the page says it can no longer be edited and shows no form.
/// </summary>
[Authorize(Policy = Policies.Manager)]
public sealed class EditModel(SmartbisDb db, CurrentStaff staff, IStringLocalizer<CampaignsText> L) : CampaignFormModel(db, staff, L)
{
    public Campaign? Campaign { get; private set; }
    public bool Editable => Campaign is not null && UpdateCampaign.Editable(Campaign);

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await FindAsync(id)) return NotFound();
        await LoadAsync();
        Fill(Campaign!);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, [FromServices] UpdateCampaign update)
    {
        if (!await FindAsync(id)) return NotFound();
        await LoadAsync();
        if (!Editable) return Page();
        if (ToRequest() is not { } request) return Page();
        try
        {
            await update.ExecuteAsync(id, request, AuditActor.From(HttpContext, Staff), HttpContext.RequestAborted);
            return Redirect($"/app/campaigns/{id}");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            Show(e);
            return Page();
        }
    }

    private async Task<bool> FindAsync(Guid id)
    {
        Campaign = await Db.Set<Campaign>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, HttpContext.RequestAborted);
        return Campaign is not null;
    }
}
