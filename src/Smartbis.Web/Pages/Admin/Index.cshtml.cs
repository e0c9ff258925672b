using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Features.Operations;

namespace Smartbis.Web.Pages.Admin;

/// <summary>The operator's tenant list: search, paging, owner, last activity and health (<see cref="TenantDirectory"/>).</summary>
public sealed class IndexModel(TenantDirectory directory) : PageModel
{
    public TenantDirectory.Result Result { get; private set; } = new([], 0, 1, 1);
    public string? Q { get; private set; }

    public async Task OnGetAsync(string? q, int p = 1)
    {
        Q = q?.Trim();
        Result = await directory.SearchAsync(Q, p, HttpContext.RequestAborted);
    }

    public string PageLink(int page) => $"/admin?p={page}" + (string.IsNullOrEmpty(Q) ? "" : "&q=" + Uri.EscapeDataString(Q));
}
