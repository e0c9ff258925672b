using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Challenges;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;
using Smartbis.Web.Pages.App.Tiers;

namespace Smartbis.Web.Pages.App.Challenges;

/// <summary>Creates (/app/challenges/new) or edits a challenge. Another tenant's challenge id is simply not found.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class EditModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<TiersText> L) : PageModel
{
    public sealed class InputModel
    {
        public string? Name { get; set; }
        public string? Description { get; set; }
        public ChallengeKind Kind { get; set; }
        /// <summary>Purchases (a count) or money (spend) as typed.</summary>
        public string? Target { get; set; }
        public Guid? StoreId { get; set; }
        public DateOnly? StartsOn { get; set; }
        public DateOnly? EndsOn { get; set; }
        /// <summary>Money (cashback) or a whole number of points.</summary>
        public string? Bonus { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public bool IsNew { get; private set; }
    public List<(Guid Id, string Name)> Stores { get; private set; } = [];
    public bool Points { get; private set; }
    public Tenant Tenant => staff.Tenant!;
    private CultureInfo Culture => CultureInfo.CurrentCulture;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        await LoadAsync();
        if (id == "new")
        {
            IsNew = true;
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Features.Tiers.TiersInForce.Zone(Tenant.TimeZone)).DateTime);
            Input = new InputModel { StartsOn = today, EndsOn = today.AddDays(30), Target = "3" };
            return Page();
        }
        if (await FindAsync(id) is not { } c) return NotFound();
        Input = new InputModel
        {
            Name = c.Name, Description = c.Description, Kind = c.Kind, StoreId = c.StoreId, StartsOn = c.StartsOn, EndsOn = c.EndsOn,
            Target = c.Kind == ChallengeKind.Spend ? (c.Target / 100m).ToString("0.00", Culture) : c.Target.ToString(CultureInfo.InvariantCulture),
            Bonus = RewardUnits.Plain(c.Bonus, Points ? RewardType.Points : RewardType.Cashback, Culture.Name),
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, [FromServices] SaveChallenge save)
    {
        IsNew = id == "new";
        await LoadAsync();
        Guid? challengeId = null;
        if (!IsNew)
        {
            if (await FindAsync(id) is not { } found) return NotFound();
            challengeId = found.Id;
        }
        long target = 0, bonus = 0;
        if (Input.Kind == ChallengeKind.Spend) target = Parse(Input.Target, nameof(Input.Target), money: true);
        else if (Input.Kind == ChallengeKind.PurchaseCount) target = Parse(Input.Target, nameof(Input.Target), money: false);
        bonus = ParseBonus(Input.Bonus);
        if (Input.StartsOn is null) ModelState.AddModelError("Input.StartsOn", L["Enter a date."]);
        if (Input.EndsOn is null) ModelState.AddModelError("Input.EndsOn", L["Enter a date."]);
        if (!ModelState.IsValid) return Page();
        try
        {
            await save.ExecuteAsync(new SaveChallenge.Request(challengeId, Input.Name ?? "", Input.Description, Input.Kind, target,
                Input.StoreId, Input.StartsOn!.Value, Input.EndsOn!.Value, bonus), AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
            return Redirect("/app/challenges");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
                foreach (var message in messages) ModelState.AddModelError(field.Length == 0 ? "" : $"Input.{field}", message);
            return Page();
        }
    }

    private long Parse(string? text, string field, bool money)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0;
        if (money && Infrastructure.Money.Parse(text, Culture.Name) is { } cents) return cents;
        if (!money && long.TryParse(text, NumberStyles.AllowThousands, Culture, out var n)) return n;
        ModelState.AddModelError($"Input.{field}", money ? L["Enter an amount such as {0}.", (10m).ToString("0.00", Culture)] : L["Enter a whole number, such as 3."]);
        return 0;
    }

    /// <summary>The bonus in the program's unit: money for cashback, whole points ("500", "1.500") for points.</summary>
    private long ParseBonus(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0;
        if (RewardUnits.Parse(text, Points ? RewardType.Points : RewardType.Cashback, Culture.Name) is { } amount) return amount;
        ModelState.AddModelError("Input.Bonus", Points ? L["Enter a whole number of points, such as 500."] : L["Enter an amount such as {0}.", (10m).ToString("0.00", Culture)]);
        return 0;
    }

    private async Task LoadAsync()
    {
        Stores = (await db.Stores.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync()).Select(s => (s.Id, s.Name)).ToList();
        Points = (await RulesInForce.FindAtAsync(db, clock.GetUtcNow()))?.RewardType == RewardType.Points;
    }

    private async Task<Challenge?> FindAsync(string id) =>
        Guid.TryParse(id, out var guid) ? await db.Set<Challenge>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == guid) : null;
}
