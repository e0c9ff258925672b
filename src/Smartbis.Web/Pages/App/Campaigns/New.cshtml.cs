using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Campaigns;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Campaigns;

/// <summary>/app/campaigns/new: writes a campaign as a draft; its page then shows the preview, the test send and Launch.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class NewModel(SmartbisDb db, CurrentStaff staff, IStringLocalizer<CampaignsText> L) : CampaignFormModel(db, staff, L)
{
    public async Task OnGetAsync()
    {
        await LoadAsync();
        Input.Subject = Text["A gift for you, {{ first_name }}"];
        Input.Body = Text["Hello {{ first_name }}! This weekend every purchase at {{ brand }} earns double. Your balance: {{ balance }}. See you soon!"];
    }

    public async Task<IActionResult> OnPostAsync([FromServices] SaveCampaign save)
    {
        await LoadAsync();
        if (ToRequest() is not { } request) return Page();
        try
        {
            var c = await save.ExecuteAsync(request, AuditActor.From(HttpContext, Staff), HttpContext.RequestAborted);
            return Redirect($"/app/campaigns/{c.Id}");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            Show(e);
            return Page();
        }
    }
}
