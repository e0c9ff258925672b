using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Automations;

/// <summary>Marker for the automations pages' strings (AutomationsText.pt-BR.resx; the English text is the key).</summary>
public sealed class AutomationsText
{
    /// <summary>A string for the shared layout's navigation, without another @inject there.</summary>
    public static string Nav(HttpContext http, string text) =>
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<AutomationsText>>()[text];
}

/// <summary>Automations are a manager's business: cashiers get 403.</summary>
public abstract class ManagerPage(CurrentStaff staff) : PageModel
{
    protected CurrentStaff Staff => staff;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!staff.IsManager) { context.Result = new ForbidResult(); return; }
        await next();
    }
}
