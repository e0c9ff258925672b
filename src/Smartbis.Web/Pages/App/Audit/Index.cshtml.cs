using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Audit;

/// <summary>The audit log: who did what, when, with before/after; filter by kind of action, person and dates.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock,
    Microsoft.Extensions.Localization.IStringLocalizer<Infrastructure.SharedResource> T) : PageModel
{
    public const int PageSize = 50;
    public static readonly string[] Areas = ["settings", "program", "store", "staff", "balance", "customer", "customers", "purchase", "voucher", "tenant"];

    /// <summary>A log line; <paramref name="Title"/> and <paramref name="Detail"/> in the reader's language (<see cref="AuditText"/>).</summary>
    public sealed record Row(Guid Id, DateTimeOffset At, string Actor, string Action, string Title, string? Detail, string? SubjectType, string? SubjectId, string? Before, string? After, string? Ip);

    [BindProperty(SupportsGet = true)] public string? Area { get; set; }
    [BindProperty(SupportsGet = true)] public string? Who { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public List<Row> Rows { get; private set; } = [];
    public bool HasMore { get; private set; }
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(staff.Tenant!.TimeZone);

    public async Task OnGetAsync()
    {
        (From, To) = Infrastructure.DateFilters.Check(ModelState, nameof(From), From, nameof(To), To,
            Overview.Today(clock.GetUtcNow(), staff.Tenant!.TimeZone), T);
        var q = db.Set<AuditEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Area)) q = q.Where(a => a.Action.StartsWith(Area + "."));
        if (!string.IsNullOrWhiteSpace(Who)) q = q.Where(a => a.Actor.Contains(Who.Trim()));
        if (From is { } f) { var start = Overview.StartOf(f, Zone); q = q.Where(a => a.At >= start); }
        if (To is { } t) { var end = Overview.StartOf(t.AddDays(1), Zone); q = q.Where(a => a.At < end); }
        PageNumber = Math.Clamp(PageNumber, 1, 100_000); // (p − 1) × 50 must not overflow into a negative OFFSET
        var rows = await q.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize + 1)
            .ToListAsync();
        HasMore = rows.Count > PageSize;
        var words = Infrastructure.TextContext.For(staff.Tenant!, await Features.Programs.RewardUnits.OfTenantAsync(db));
        Rows = rows.Take(PageSize).Select(a => (a, text: AuditText.Render(a, words))).Select(x => new Row(x.a.Id, x.a.At, x.a.Actor, x.a.Action,
            x.text.Title, x.text.Detail, x.a.SubjectType, x.a.SubjectId, x.a.Before?.RootElement.ToString(), x.a.After?.RootElement.ToString(), x.a.IpAddress)).ToList();
    }

    public string Link(int page) =>
        $"/app/audit?area={Uri.EscapeDataString(Area ?? "")}&who={Uri.EscapeDataString(Who ?? "")}&from={From:yyyy-MM-dd}&to={To:yyyy-MM-dd}&p={page}";
}
