using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Rewards;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Rewards;

/// <summary>Adds (/app/rewards/new) or edits a reward. Numbers and dates are read here as typed; SaveReward judges them.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class EditModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<RewardsText> L) : PageModel
{
    public sealed class InputModel
    {
        public string? Name { get; set; }
        public string? Description { get; set; }
        public string? ImageUrl { get; set; }
        public string? CostPoints { get; set; }
        public RewardKind Kind { get; set; } = RewardKind.Product;
        public string? Value { get; set; }
        public string? Stock { get; set; }
        public string? PerCustomerLimit { get; set; }
        public string? StartsOn { get; set; }
        public string? EndsOn { get; set; }
        public bool AllStores { get; set; } = true;
        public List<Guid> StoreIds { get; set; } = [];
        public string? ClaimDays { get; set; } = "30";
        public bool ReturnPointsOnExpiry { get; set; } = true;
    }

    public sealed record StoreOption(Guid Id, string Name);

    [BindProperty] public InputModel Input { get; set; } = new();
    public bool IsNew { get; private set; }
    public bool IsPointsProgram { get; private set; }
    public List<StoreOption> Stores { get; private set; } = [];
    public string UnitName => staff.Tenant?.CurrencyName ?? "";
    public string CurrencySymbol => staff.Tenant?.CurrencyCode is "BRL" or null ? "R$" : staff.Tenant.CurrencyCode;
    private string Locale => staff.Tenant?.Locale ?? "pt-BR";
    private string Zone => staff.Tenant?.TimeZone ?? "America/Sao_Paulo";

    private static readonly Dictionary<string, string> Fields = new()
    {
        ["name"] = "Name", ["description"] = "Description", ["imageUrl"] = "ImageUrl", ["costPoints"] = "CostPoints", ["kind"] = "Kind",
        ["valueCents"] = "Value", ["stock"] = "Stock", ["perCustomerLimit"] = "PerCustomerLimit", ["startsOn"] = "StartsOn", ["endsOn"] = "EndsOn",
        ["storeIds"] = "StoreIds", ["claimDays"] = "ClaimDays",
    };

    public async Task<IActionResult> OnGetAsync(string id)
    {
        await LoadAsync();
        if (id == "new") { IsNew = true; return Page(); }
        if (await FindAsync(id) is not { } r) return NotFound();
        var culture = CultureInfo.GetCultureInfo(Locale);
        Input = new InputModel
        {
            Name = r.Name, Description = r.Description, ImageUrl = r.ImageUrl, CostPoints = r.CostPoints.ToString(CultureInfo.InvariantCulture),
            Kind = r.Kind, Value = r.ValueCents is { } v ? (v / 100m).ToString("0.00", culture) : null,
            Stock = r.Stock?.ToString(CultureInfo.InvariantCulture), PerCustomerLimit = r.PerCustomerLimit?.ToString(CultureInfo.InvariantCulture),
            StartsOn = r.StartsAt is { } s ? SaveReward.LocalDay(s, Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            EndsOn = r.EndsAt is { } e ? SaveReward.LocalDay(e, Zone).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            AllStores = r.StoreIds.Count == 0, StoreIds = r.StoreIds, ClaimDays = r.ClaimDays.ToString(CultureInfo.InvariantCulture),
            ReturnPointsOnExpiry = r.ReturnPointsOnExpiry,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, [FromServices] SaveReward save)
    {
        await LoadAsync();
        IsNew = id == "new";
        Guid? rewardId = null;
        if (!IsNew)
        {
            if (await FindAsync(id) is not { } found) return NotFound();
            rewardId = found.Id;
        }
        var startsOn = Day(Input.StartsOn, nameof(InputModel.StartsOn));
        var endsOn = Day(Input.EndsOn, nameof(InputModel.EndsOn));
        if (!ModelState.IsValid) return Page();
        try
        {
            await save.ExecuteAsync(new SaveReward.Request(rewardId, Input.Name, Input.Description, Input.ImageUrl, WholeOrNull(Input.CostPoints, 0),
                Input.Kind, Input.Kind == RewardKind.Voucher ? Money.Parse(Input.Value, Locale) : null,
                (int?)WholeOrNull(Input.Stock, -1), (int?)WholeOrNull(Input.PerCustomerLimit, 0), startsOn, endsOn,
                Input.AllStores ? [] : Input.StoreIds, (int)(WholeOrNull(Input.ClaimDays, 0) ?? 0), Input.ReturnPointsOnExpiry),
                AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
            return Redirect("/app/rewards?done=saved");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
                foreach (var message in messages) ModelState.AddModelError(Fields.TryGetValue(field, out var f) ? $"Input.{f}" : "", message);
            return Page();
        }
    }

    /// <summary>A whole number as typed (dots and spaces as thousands separators allowed); empty → null; anything else → <paramref name="invalid"/>.</summary>
    private static long? WholeOrNull(string? text, long invalid)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var digits = text.Trim().Replace(".", "").Replace(" ", "").Replace("\u00a0", "");
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= int.MaxValue ? n : invalid;
    }

    private DateOnly? Day(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            || DateOnly.TryParse(text.Trim(), CultureInfo.GetCultureInfo(Locale), DateTimeStyles.None, out d)) return d;
        ModelState.AddModelError($"Input.{field}", L["Enter a date like {0}.", new DateOnly(2026, 12, 31).ToString("d", CultureInfo.CurrentCulture)]);
        return null;
    }

    private async Task LoadAsync()
    {
        IsPointsProgram = (await RulesInForce.FindAtAsync(db, clock.GetUtcNow()))?.RewardType == RewardType.Points;
        Stores = await db.Stores.Where(s => s.Active).OrderBy(s => s.Name).Select(s => new StoreOption(s.Id, s.Name)).ToListAsync();
    }

    private async Task<Reward?> FindAsync(string id) =>
        Guid.TryParse(id, out var guid) ? await db.Rewards.AsNoTracking().SingleOrDefaultAsync(r => r.Id == guid) : null;
}
