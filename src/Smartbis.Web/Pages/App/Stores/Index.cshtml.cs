using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Pages.App.Stores;

public sealed class IndexModel(SmartbisDb db) : PageModel
{
    public sealed record Row(Guid Id, string Name, string? Address, bool Active);

    public List<Row> Stores { get; private set; } = [];

    public async Task OnGetAsync() =>
        Stores = await db.Stores.OrderBy(s => s.Name).Select(s => new Row(s.Id, s.Name, s.Address, s.Active)).ToListAsync();
}
