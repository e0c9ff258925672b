using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Challenges;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Tiers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Challenges;

/// <summary>/app/challenges: every challenge with its time box, goal, bonus and how many completed it; end a running one. Owners and managers.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock) : PageModel
{
    public sealed record Row(Challenge Challenge, string? Store, int Awarded, bool Running, bool Upcoming);

    public List<Row> Rows { get; private set; } = [];
    public Tenant Tenant => staff.Tenant!;
    public string? Error { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostEndAsync(Guid id, [FromServices] EndChallenge end)
    {
        try
        {
            await end.ExecuteAsync(id, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
            return Redirect("/app/challenges");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            Error = string.Join(" ", ErrorTexts.Render(e, HttpContext).SelectMany(kv => kv.Value));
            await LoadAsync();
            return Page();
        }
    }

    public string Money(long cents) => Infrastructure.Money.Format(cents, Tenant.CurrencyCode, CultureInfo.CurrentCulture.Name);

    /// <summary>Cashback or points: the unit of the bonuses.</summary>
    public RewardType RewardType { get; private set; }

    /// <summary>A bonus in the program's unit: "R$ 10,00" or "500 Pontos Aurora".</summary>
    public string Bonus(long amount) => RewardUnits.Format(amount, RewardType, Tenant.CurrencyName, Tenant.CurrencyCode, CultureInfo.CurrentCulture.Name);

    private async Task LoadAsync()
    {
        var now = clock.GetUtcNow();
        RewardType = await RewardUnits.OfTenantAsync(db, HttpContext.RequestAborted);
        var zone = TiersInForce.Zone(Tenant.TimeZone);
        var challenges = await db.Set<Challenge>().AsNoTracking().OrderByDescending(c => c.StartsOn).ThenBy(c => c.Name).Take(200).ToListAsync();
        var awarded = await db.Set<ChallengeAward>().GroupBy(a => a.ChallengeId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
        var stores = await db.Stores.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name);
        Rows = challenges.Select(c => new Row(c, c.StoreId is { } s ? stores.GetValueOrDefault(s) : null, awarded.GetValueOrDefault(c.Id),
            c.IsRunning(now, zone), c.Window(zone).Starts > now)).ToList();
    }
}
