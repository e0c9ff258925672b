using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Automations;

/// <summary>The delivery log: every message with its attempts, status and error; failed ones can be retried.</summary>
public sealed class LogModel(SmartbisDb db, CurrentStaff staff, RetryMessage retry) : ManagerPage(staff)
{
    public sealed record Attempt(int Number, DateTimeOffset At, string Outcome, string? Detail);
    public sealed record Row(Guid Id, DateTimeOffset CreatedAt, string Trigger, Channel Channel, string Customer, string Recipient, MessageStatus Status,
        string? Subject, string? Error, DateTimeOffset NotBefore, List<Attempt> Attempts);

    [BindProperty(SupportsGet = true)] public string? Trigger { get; set; }
    [BindProperty(SupportsGet = true)] public bool Problems { get; set; }
    public List<Row> Rows { get; private set; } = [];
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    [TempData] public string? Notice { get; set; }

    public async Task OnGetAsync()
    {
        Zone = TimeZoneInfo.TryFindSystemTimeZoneById(Staff.Tenant?.TimeZone ?? "UTC", out var z) ? z : TimeZoneInfo.Utc;
        var q = db.Messages.AsNoTracking();
        if (!string.IsNullOrEmpty(Trigger)) q = q.Where(m => m.Trigger == Trigger);
        if (Problems) q = q.Where(m => m.Status == MessageStatus.Failed || m.Status == MessageStatus.Bounced || m.Status == MessageStatus.Unknown);
        Rows = await q.OrderByDescending(m => m.CreatedAt).Take(200)
            .Select(m => new Row(m.Id, m.CreatedAt, m.Trigger, m.Channel,
                db.Customers.Where(c => c.Id == m.CustomerId).Select(c => c.Name).FirstOrDefault() ?? "", m.Recipient, m.Status, m.Subject, m.Error, m.NotBefore,
                db.MessageAttempts.Where(a => a.MessageId == m.Id).OrderBy(a => a.At).Select(a => new Attempt(a.Number, a.At, a.Outcome, a.Detail)).ToList()))
            .ToListAsync();
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id)
    {
        try
        {
            await retry.ExecuteAsync(id, AuditActor.From(HttpContext, Staff), HttpContext.RequestAborted);
            Notice = "retried";
        }
        catch (OperationFailed e) when (e.Status == 404)
        {
            return NotFound(); // another tenant's message is simply not there
        }
        catch (OperationFailed e)
        {
            Notice = string.Join(" ", ErrorTexts.All(e, HttpContext));
        }
        return RedirectToPage(new { Trigger, Problems });
    }
}
