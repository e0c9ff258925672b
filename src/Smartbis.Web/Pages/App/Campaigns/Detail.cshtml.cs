using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Campaigns;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Campaigns;

/// <summary>
/// /app/campaigns/{id}: a draft's preview (who will receive it: count and sample, without the holdout and those without
/// consent), its test send to the staff member's own email and Launch; then delivery figures and the result against the
/// holdout. Another tenant's campaign is not found. GET changes nothing.
/// </summary>
[Authorize(Policy = Policies.Manager)]
public sealed class DetailModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<CampaignsText> L) : PageModel
{
    public sealed record Delivery(Features.Customers.Channel Channel, MessageStatus Status, int Count);

    public Campaign Campaign { get; private set; } = null!;
    public string? TagName { get; private set; }
    public CampaignAudience.Preview? Preview { get; private set; }
    public List<Delivery> Deliveries { get; private set; } = [];
    public CampaignResult.Result? Result { get; private set; }
    public long BonusesGranted { get; private set; }
    public RewardType RewardType { get; private set; }
    public string? Notice { get; private set; }
    public string? Error { get; private set; }
    public Tenant Tenant => staff.Tenant!;
    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(Tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;

    public async Task<IActionResult> OnGetAsync(Guid id, string? done)
    {
        if (!await LoadAsync(id)) return NotFound();
        Notice = done switch
        {
            "launched" => L["Campaign launched."].Value,
            "cancelled" => L["Campaign cancelled."].Value,
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostLaunchAsync(Guid id, [FromServices] LaunchCampaign launch) =>
        await RunAsync(id, () => launch.ExecuteAsync(id, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted), "launched");

    public async Task<IActionResult> OnPostCancelAsync(Guid id, [FromServices] CancelCampaign cancel) =>
        await RunAsync(id, () => cancel.ExecuteAsync(id, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted), "cancelled");

    /// <summary>The campaign's email, rendered for a sample customer, to the signed-in staff member's own address.</summary>
    public async Task<IActionResult> OnPostTestAsync(Guid id, [FromServices] SendTestMessage tester, [FromServices] UserManager<AppUser> users,
        [FromServices] ILogger<DetailModel> log)
    {
        if (!await LoadAsync(id)) return NotFound();
        var me = await users.GetUserAsync(User);
        if (me?.Email is not { Length: > 0 } to)
        {
            Error = L["Your account has no email address."];
            return Page();
        }
        try
        {
            await tester.ExecuteAsync(Triggers.Campaign, Tenant.Locale, Campaign.Email ? Campaign.Subject : Campaign.Name, Campaign.Body, to, HttpContext.RequestAborted);
            Notice = L["Test message sent to {0}.", to];
        }
        catch (OperationFailed e)
        {
            Error = string.Join(" ", ErrorTexts.Render(e, HttpContext).SelectMany(kv => kv.Value));
        }
        catch (Exception e) when (e is Features.Notifications.Email.EmailDeliveryException or MailKit.CommandException or MailKit.ProtocolException or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            log.LogWarning(e, "Campaign test send failed");
            Error = L["The test message could not be sent: {0}", e.Message];
        }
        return Page();
    }

    public string Amount(long amount) => RewardUnits.Format(amount, RewardType, Tenant.CurrencyName, Tenant.CurrencyCode, CultureInfo.CurrentCulture.Name);
    public string Money(long cents) => Infrastructure.Money.Format(cents, Tenant.CurrencyCode, CultureInfo.CurrentCulture.Name);
    public string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("g");

    private async Task<IActionResult> RunAsync(Guid id, Func<Task> action, string done)
    {
        try
        {
            await action();
            return Redirect($"/app/campaigns/{id}?done={done}");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            if (!await LoadAsync(id)) return NotFound();
            Error = string.Join(" ", ErrorTexts.Render(e, HttpContext).SelectMany(kv => kv.Value));
            if (PlanLimits.IsPlanRefusal(e)) Error += " " + L["See plans"] + ": " + PlanLimits.UpgradePath;
            return Page();
        }
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var ct = HttpContext.RequestAborted;
        var c = await db.Set<Campaign>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null) return false;
        Campaign = c;
        RewardType = await RewardUnits.OfTenantAsync(db, ct);
        TagName = c.TagId is { } t ? await db.Set<Tag>().Where(x => x.Id == t).Select(x => x.Name).SingleOrDefaultAsync(ct) : null;
        if (c.PlannedAt is null && c.Status is CampaignStatus.Draft or CampaignStatus.Scheduled)
            Preview = await CampaignAudience.PreviewAsync(db, c, ct);
        if (c.PlannedAt is not null)
        {
            var tenantId = c.TenantId;
            var key = c.Id.ToString();
            Deliveries = (await db.Database.SqlQuery<DeliveryRow>($"""
                SELECT channel AS channel, status AS status, count(*)::int AS count FROM messages
                WHERE tenant_id = {tenantId} AND trigger = {Triggers.Campaign} AND (variables ->> 'campaignId') = {key}
                GROUP BY channel, status
                """).ToListAsync(ct))
                .Select(r => new Delivery(Enum.Parse<Features.Customers.Channel>(r.Channel), Enum.Parse<MessageStatus>(r.Status), r.Count)).ToList();
            BonusesGranted = await db.Set<CampaignRecipient>().CountAsync(r => r.CampaignId == c.Id && r.BonusGrantedAt != null, ct);
            Result = await CampaignResult.MeasureAsync(db, c, clock.GetUtcNow(), ct);
        }
        return true;
    }

    private sealed record DeliveryRow(string Channel, string Status, int Count);
}
