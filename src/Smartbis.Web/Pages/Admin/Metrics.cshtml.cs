using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Features.Operations;

namespace Smartbis.Web.Pages.Admin;

/// <summary>Platform metrics with charts (<see cref="PlatformMetrics"/>); the charts read the page's JSON block.</summary>
public sealed class MetricsModel(PlatformMetrics metrics) : PageModel
{
    public PlatformMetrics.Result Result { get; private set; } = null!;

    public async Task OnGetAsync(int days = 30) => Result = await metrics.ReadAsync(days, HttpContext.RequestAborted);

    public object ChartData() => new
    {
        labels = Result.Series.Select(d => d.Date.ToString("dd/MM", System.Globalization.CultureInfo.InvariantCulture)),
        purchases = Result.Series.Select(d => d.Purchases),
        members = Result.Series.Select(d => d.NewMembers),
        sent = Result.Series.Select(d => d.MessagesSent),
        failed = Result.Series.Select(d => d.MessagesFailed),
        plans = Result.Plans.Select(p => p.Plan.ToString()),
        planActive = Result.Plans.Select(p => p.Active),
        planSuspended = Result.Plans.Select(p => p.Suspended),
    };
}
