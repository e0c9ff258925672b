using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Rules;

/// <summary>
/// Program settings: every rule in a form grouped by topic, saved as the next rules version (never edited in place),
/// with a live example and the version history. Owners and managers.
/// </summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<DashboardText> L) : PageModel
{
    public const int BoostRows = 3;

    public sealed class BoostInput
    {
        public string? Name { get; set; }
        public string? RatePercent { get; set; }
        /// <summary>Points programs: the boost's points per currency unit.</summary>
        public string? Points { get; set; }
        public DateOnly? StartsOn { get; set; }
        public DateOnly? EndsOn { get; set; }
        public List<DayOfWeek> Weekdays { get; set; } = [];
    }

    /// <summary>
    /// What people type: percentages and money as text in their language; empty = none / never. Ledger amounts (cap,
    /// rewards, bonuses) are in the program's unit: money for cashback, whole points for points (<see cref="RewardUnits"/>).
    /// </summary>
    public sealed class InputModel
    {
        /// <summary>Null when the choice is locked (the select is disabled and posts nothing): the current type stays.</summary>
        public RewardType? RewardType { get; set; }
        public string EarnRatePercent { get; set; } = "";
        public string? PointsPerUnit { get; set; }
        public string? CostPerPoint { get; set; }
        public string? MinPurchase { get; set; }
        public string? MaxEarnPerPurchase { get; set; }
        /// <summary>Codes of the tenant's categories (checkboxes; a comma-separated value is split too).</summary>
        public List<string> ExcludedCategories { get; set; } = [];
        public int PendingDays { get; set; }
        public int? ExpiryDays { get; set; }
        public string? MinRedeemBalance { get; set; }
        public string MaxRedeemSharePercent { get; set; } = "100";
        public VoucherMode VoucherMode { get; set; }
        public string? VoucherThreshold { get; set; }
        public int VoucherValidityDays { get; set; } = 30;
        public string? ReferrerReward { get; set; }
        public string? RefereeReward { get; set; }
        public string? ReferralMinPurchase { get; set; }
        public int ReferralMonthlyCap { get; set; }
        public string? WelcomeBonus { get; set; }
        public string? BirthdayBonus { get; set; }
        public List<BoostInput> Boosts { get; set; } = [];
        public string CurrencyName { get; set; } = "";
        public string PrimaryColor { get; set; } = "#0d6efd";
    }

    public sealed record VersionRow(int Version, DateTimeOffset EffectiveFrom, DateTimeOffset CreatedAt, string? Author, IReadOnlyList<string> Changes);

    [BindProperty] public InputModel Input { get; set; } = new();
    public List<VersionRow> History { get; private set; } = [];
    public int CurrentVersion { get; private set; }
    public bool Saved { get; private set; }
    /// <summary>The reward type cannot change any more (the business has purchases): the select is disabled with the reason.</summary>
    public bool RewardTypeLocked { get; private set; }
    /// <summary>The program's reward type as the form shows it (what was posted, else the rules in force).</summary>
    public RewardType ShownRewardType { get; private set; }
    public bool IsPoints => ShownRewardType == RewardType.Points;
    public Tenant Tenant => staff.Tenant!;
    public string Culture => CultureInfo.CurrentCulture.Name;

    public async Task OnGetAsync(bool saved = false)
    {
        Saved = saved;
        await LoadCategoriesAsync();
        var current = await CurrentRulesAsync();
        Input = ToInput(current, Tenant);
        await LoadHistoryAsync(current);
    }

    private async Task LoadLockAsync(ProgramRules current)
    {
        RewardTypeLocked = await SaveProgramRules.RewardTypeLockedAsync(db, HttpContext.RequestAborted);
        ShownRewardType = RewardTypeLocked ? current.RewardType : Input.RewardType ?? current.RewardType;
    }

    public async Task<IActionResult> OnPostAsync([FromServices] UpdateProgram update)
    {
        await LoadCategoriesAsync();
        var current = await CurrentRulesAsync();
        await LoadLockAsync(current);
        // A type posted while the choice is locked (a stale or forged form) is refused with the lock's reason; nothing is saved.
        if (RewardTypeLocked && Input.RewardType is { } asked && asked != current.RewardType)
            ModelState.AddModelError("Input.RewardType", ErrorTexts.Render(ErrorText.Of("reward_type_locked"), CultureInfo.CurrentUICulture));
        var request = new UpdateProgram.Request(FromInput(current), Input.CurrencyName ?? "", Input.PrimaryColor ?? "");
        try { UpdateProgram.Validate(request).ThrowIfInvalid(); }
        catch (OperationFailed failed)
        {
            foreach (var (field, messages) in ErrorTexts.Render(failed, HttpContext))
                foreach (var message in messages) ModelState.AddModelError(InputField(field), message);
        }
        if (!ModelState.IsValid)
        {
            await LoadHistoryAsync(current);
            return Page();
        }
        var userId = User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        try
        {
            await update.ExecuteAsync(request, userId, AuditActor.From(HttpContext, staff), Snapshot, HttpContext.RequestAborted);
        }
        catch (OperationFailed failed) // the reward type locked by a purchase recorded while the form was open
        {
            foreach (var (field, messages) in ErrorTexts.Render(failed, HttpContext))
                foreach (var message in messages) ModelState.AddModelError(InputField(field), message);
            await LoadHistoryAsync(current);
            await LoadLockAsync(current);
            return Page();
        }
        return Redirect("/app/program?saved=true");
    }

    /// <summary>The merchant's categories, offered as the excluded categories' checkboxes (Features/Categories).</summary>
    public List<Features.Categories.ProductCategory> CategoryOptions { get; private set; } = [];
    private Features.Categories.CategoryNames? categoryNames;

    private async Task LoadCategoriesAsync()
    {
        CategoryOptions = await db.ProductCategories.AsNoTracking().OrderBy(c => c.Code).ToListAsync();
        categoryNames = await Features.Categories.CategoryNames.LoadAsync(db);
    }

    // A business without rules yet (made outside sign-up) starts from the defaults.
    private async Task<ProgramRules> CurrentRulesAsync() => await RulesInForce.FindAtAsync(db, clock.GetUtcNow()) ?? new ProgramRules();

    private async Task LoadHistoryAsync(ProgramRules current)
    {
        if (!RewardTypeLocked) await LoadLockAsync(current);
        var versions = await db.ProgramRules.AsNoTracking().OrderByDescending(r => r.Version).Take(50).ToListAsync();
        var userIds = versions.Select(v => v.CreatedByUserId).OfType<string>().Distinct().ToList();
        var names = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.DisplayName);
        CurrentVersion = current.Version;
        History = versions.Select((v, i) => new VersionRow(v.Version, v.EffectiveFrom, v.CreatedAt,
            v.CreatedByUserId is { } id && names.TryGetValue(id, out var n) ? n : null,
            i + 1 < versions.Count ? Describe(versions[i + 1], v) : [L["First version"]])).ToList();
    }

    /// <summary>"Earn rate: 5% → 7%" for every rule that differs between two versions.</summary>
    private List<string> Describe(ProgramRules before, ProgramRules after)
    {
        var a = Snapshot(before);
        var b = Snapshot(after);
        var changes = a.Where(kv => b[kv.Key] != kv.Value).Select(kv => $"{L[kv.Key]}: {kv.Value} → {b[kv.Key]}").ToList();
        return changes.Count == 0 ? [L["No rule changed"]] : changes;
    }

    /// <summary>The rules as people read them, keyed by the English label.</summary>
    private Dictionary<string, string> Snapshot(ProgramRules r)
    {
        string M(long c) => Money.Format(c, Tenant.CurrencyCode, Culture);
        string U(long amount) => RewardUnits.Format(amount, r.RewardType, Tenant.CurrencyName, Tenant.CurrencyCode, Culture);
        string P(int bps) => (bps / 100m).ToString("0.##", CultureInfo.CurrentCulture) + "%";
        string Rate(int bps, int points) => r.IsPoints ? L["{0} per {1}", RewardUnits.Format(points, r.RewardType, Tenant.CurrencyName, Tenant.CurrencyCode, Culture), M(100)] : P(bps);
        return new()
        {
            ["Reward type"] = r.IsPoints ? L["Points"] : L["Cashback"],
            ["Earn rate"] = Rate(r.EarnRateBps, r.PointsPerCurrencyUnit),
            ["Cost per point"] = M(r.CostPerPointCents),
            ["Minimum purchase to earn"] = M(r.MinPurchaseCents),
            ["Cap per purchase"] = r.MaxEarnPerPurchaseCents is { } cap ? U(cap) : L["none"],
            ["Excluded categories"] = r.ExcludedCategories.Count == 0 ? L["none"] : categoryNames?.List(r.ExcludedCategories) ?? string.Join(", ", r.ExcludedCategories),
            ["Pending period (days)"] = r.PendingDays.ToString(CultureInfo.CurrentCulture),
            ["Expiry (days after available)"] = r.ExpiryDays?.ToString(CultureInfo.CurrentCulture) ?? L["never"],
            ["Minimum balance to redeem"] = M(r.MinRedeemBalanceCents),
            ["Largest share of a purchase paid with cashback"] = P(r.MaxRedeemShareBps),
            ["Voucher mode"] = L[ModeLabel(r.VoucherMode)],
            ["Voucher threshold"] = M(r.VoucherThresholdCents),
            ["Voucher validity (days)"] = r.VoucherValidityDays.ToString(CultureInfo.CurrentCulture),
            ["Referrer reward"] = U(r.ReferrerRewardCents),
            ["New customer's referral reward"] = U(r.RefereeRewardCents),
            ["Qualifying first purchase"] = M(r.ReferralMinPurchaseCents),
            ["Referral rewards per referrer per month"] = r.ReferralMonthlyCap == 0 ? L["no limit"] : r.ReferralMonthlyCap.ToString(CultureInfo.CurrentCulture),
            ["Welcome bonus"] = U(r.WelcomeBonusCents),
            ["Birthday bonus"] = U(r.BirthdayBonusCents),
            ["Boosts"] = r.Boosts.Count == 0 ? L["none"] : string.Join("; ", r.Boosts.Select(x => $"{x.Name} {Rate(x.RateBps, x.PointsPerCurrencyUnit)}")),
        };
    }

    public static string ModeLabel(VoucherMode m) => m switch
    {
        VoucherMode.PerCredit => "Each credit becomes a voucher",
        VoucherMode.Threshold => "A voucher each time the balance reaches the threshold",
        _ => "No vouchers: the balance is spent at the counter",
    };

    private InputModel ToInput(ProgramRules r, Tenant t)
    {
        string? M(long c) => c == 0 ? null : (c / 100m).ToString("0.00", CultureInfo.CurrentCulture);
        // Ledger amounts in the program's unit: money for cashback, whole points for points.
        string? U(long amount) => amount == 0 ? null : RewardUnits.Plain(amount, r.RewardType, Culture);
        string P(int bps) => (bps / 100m).ToString("0.##", CultureInfo.CurrentCulture);
        var boosts = r.Boosts.Select(b => new BoostInput
        {
            Name = b.Name, RatePercent = r.IsPoints ? null : P(b.RateBps), Points = r.IsPoints ? b.PointsPerCurrencyUnit.ToString(CultureInfo.InvariantCulture) : null, StartsOn = b.StartsOn, EndsOn = b.EndsOn, Weekdays = [.. b.Weekdays],
        }).ToList();
        while (boosts.Count < BoostRows) boosts.Add(new BoostInput());
        return new InputModel
        {
            RewardType = r.RewardType, EarnRatePercent = P(r.EarnRateBps),
            PointsPerUnit = r.PointsPerCurrencyUnit.ToString(CultureInfo.InvariantCulture), CostPerPoint = M(r.CostPerPointCents),
            MinPurchase = M(r.MinPurchaseCents),
            MaxEarnPerPurchase = r.MaxEarnPerPurchaseCents is { } cap ? RewardUnits.Plain(cap, r.RewardType, Culture) : null,
            ExcludedCategories = [.. r.ExcludedCategories], PendingDays = r.PendingDays, ExpiryDays = r.ExpiryDays,
            MinRedeemBalance = M(r.MinRedeemBalanceCents), MaxRedeemSharePercent = P(r.MaxRedeemShareBps), VoucherMode = r.VoucherMode,
            VoucherThreshold = M(r.VoucherThresholdCents), VoucherValidityDays = r.VoucherValidityDays, ReferrerReward = U(r.ReferrerRewardCents),
            RefereeReward = U(r.RefereeRewardCents), ReferralMinPurchase = M(r.ReferralMinPurchaseCents), ReferralMonthlyCap = r.ReferralMonthlyCap,
            WelcomeBonus = U(r.WelcomeBonusCents), BirthdayBonus = U(r.BirthdayBonusCents), Boosts = boosts,
            CurrencyName = t.CurrencyName, PrimaryColor = t.PrimaryColor,
        };
    }

    /// <summary>The typed values as rules; what cannot be read is reported against its field and left as it was.</summary>
    private ProgramRules FromInput(ProgramRules current)
    {
        var r = current.CopyAsNextVersion();
        r.RewardType = ShownRewardType;
        var points = r.IsPoints;
        // An amount in the program's unit (cap, rewards, bonuses): money for cashback, whole points for points.
        long Units(string? text, string field, long fallback)
        {
            if (!points) return Money(text, field, fallback);
            if (string.IsNullOrWhiteSpace(text)) return 0;
            if (RewardUnits.Parse(text, RewardType.Points, Culture) is { } n and >= 0) return n;
            ModelState.AddModelError($"Input.{field}", L["Enter a whole number of points, such as {0}.", 100]);
            return fallback;
        }
        int WholePoints(string? text, string field, int fallback)
        {
            if (RewardUnits.Parse(text, RewardType.Points, Culture) is { } n and >= 0 and <= int.MaxValue) return (int)n;
            ModelState.AddModelError($"Input.{field}", L["Enter a whole number of points, such as {0}.", 2]);
            return fallback;
        }
        long Money(string? text, string field, long fallback)
        {
            if (string.IsNullOrWhiteSpace(text)) return 0;
            if (Infrastructure.Money.Parse(text, Culture) is { } cents) return cents;
            ModelState.AddModelError($"Input.{field}", L["Enter an amount such as {0}.", (12.5m).ToString("0.00", CultureInfo.CurrentCulture)]);
            return fallback;
        }
        int Percent(string? text, string field, int fallback)
        {
            if (Features.Onboarding.SignUp.ParseRate(text) is { } bps) return bps;
            ModelState.AddModelError($"Input.{field}", L["Enter a percentage between 0 and 100, such as 5 or 7.5."]);
            return fallback;
        }
        // Only the chosen type's rate is read (the other field may be hidden and left as it was).
        if (points) r.PointsPerCurrencyUnit = WholePoints(Input.PointsPerUnit, nameof(Input.PointsPerUnit), r.PointsPerCurrencyUnit);
        else r.EarnRateBps = Percent(Input.EarnRatePercent, nameof(Input.EarnRatePercent), r.EarnRateBps);
        r.CostPerPointCents = Money(Input.CostPerPoint, nameof(Input.CostPerPoint), r.CostPerPointCents);
        r.MinPurchaseCents = Money(Input.MinPurchase, nameof(Input.MinPurchase), r.MinPurchaseCents);
        r.MaxEarnPerPurchaseCents = string.IsNullOrWhiteSpace(Input.MaxEarnPerPurchase) ? null : Units(Input.MaxEarnPerPurchase, nameof(Input.MaxEarnPerPurchase), 0);
        // Chosen from the merchant's list: a code not on it (a forged form, another tenant's) is refused beside the field;
        // a code the rules already exclude stays allowed (rules made before the list existed).
        var excluded = Input.ExcludedCategories.SelectMany(c => c.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(c => c.ToLowerInvariant()).Distinct().ToList();
        if (Features.Categories.CategoryNames.CheckChosen(excluded, CategoryOptions.Select(o => o.Code), current.ExcludedCategories) is { } refused)
            ModelState.AddModelError("Input.ExcludedCategories", ErrorTexts.Render(refused, CultureInfo.CurrentUICulture));
        r.ExcludedCategories = excluded;
        r.PendingDays = Input.PendingDays;
        r.ExpiryDays = Input.ExpiryDays;
        if (points)
        {
            // Points never pay at the counter and make no vouchers from the balance (they are spent on the catalogue).
            r.VoucherMode = VoucherMode.None;
        }
        else
        {
            r.MinRedeemBalanceCents = Money(Input.MinRedeemBalance, nameof(Input.MinRedeemBalance), r.MinRedeemBalanceCents);
            r.MaxRedeemShareBps = Percent(Input.MaxRedeemSharePercent, nameof(Input.MaxRedeemSharePercent), r.MaxRedeemShareBps);
            r.VoucherMode = Input.VoucherMode;
            r.VoucherThresholdCents = Money(Input.VoucherThreshold, nameof(Input.VoucherThreshold), r.VoucherThresholdCents);
            r.VoucherValidityDays = Input.VoucherValidityDays;
        }
        r.ReferrerRewardCents = Units(Input.ReferrerReward, nameof(Input.ReferrerReward), r.ReferrerRewardCents);
        r.RefereeRewardCents = Units(Input.RefereeReward, nameof(Input.RefereeReward), r.RefereeRewardCents);
        r.ReferralMinPurchaseCents = Money(Input.ReferralMinPurchase, nameof(Input.ReferralMinPurchase), r.ReferralMinPurchaseCents);
        r.ReferralMonthlyCap = Input.ReferralMonthlyCap;
        r.WelcomeBonusCents = Units(Input.WelcomeBonus, nameof(Input.WelcomeBonus), r.WelcomeBonusCents);
        r.BirthdayBonusCents = Units(Input.BirthdayBonus, nameof(Input.BirthdayBonus), r.BirthdayBonusCents);
        r.Boosts = [];
        for (var i = 0; i < Input.Boosts.Count; i++)
        {
            var b = Input.Boosts[i];
            var rateText = points ? b.Points : b.RatePercent;
            var empty = string.IsNullOrWhiteSpace(b.Name) && string.IsNullOrWhiteSpace(rateText) && b.StartsOn is null && b.EndsOn is null && b.Weekdays.Count == 0;
            if (empty) continue;
            var boost = new Boost
            {
                Name = string.IsNullOrWhiteSpace(b.Name) ? L["Boost"] : b.Name.Trim(), StartsOn = b.StartsOn, EndsOn = b.EndsOn, Weekdays = b.Weekdays.Distinct().ToList(),
            };
            if (points) boost.PointsPerCurrencyUnit = WholePoints(b.Points, $"Boosts[{i}].Points", 0);
            else boost.RateBps = Percent(b.RatePercent, $"Boosts[{i}].RatePercent", 0);
            r.Boosts.Add(boost);
        }
        return r;
    }

    /// <summary>The form field of a rule property named by SaveProgramRules' validation.</summary>
    private static string InputField(string rule) => rule switch
    {
        nameof(ProgramRules.EarnRateBps) => "Input.EarnRatePercent",
        nameof(ProgramRules.PointsPerCurrencyUnit) => "Input.PointsPerUnit",
        nameof(ProgramRules.CostPerPointCents) => "Input.CostPerPoint",
        nameof(ProgramRules.MinPurchaseCents) => "Input.MinPurchase",
        nameof(ProgramRules.MaxEarnPerPurchaseCents) => "Input.MaxEarnPerPurchase",
        nameof(ProgramRules.MinRedeemBalanceCents) => "Input.MinRedeemBalance",
        nameof(ProgramRules.MaxRedeemShareBps) => "Input.MaxRedeemSharePercent",
        nameof(ProgramRules.VoucherThresholdCents) => "Input.VoucherThreshold",
        nameof(ProgramRules.ReferrerRewardCents) => "Input.ReferrerReward",
        nameof(ProgramRules.RefereeRewardCents) => "Input.RefereeReward",
        nameof(ProgramRules.ReferralMinPurchaseCents) => "Input.ReferralMinPurchase",
        nameof(ProgramRules.WelcomeBonusCents) => "Input.WelcomeBonus",
        nameof(ProgramRules.BirthdayBonusCents) => "Input.BirthdayBonus",
        nameof(ProgramRules.RewardType) => "Input.RewardType",
        _ when rule.StartsWith("Boosts[") && rule.EndsWith(".RateBps") => "Input." + rule.Replace(".RateBps", ".RatePercent"),
        _ when rule.StartsWith("Boosts[") && rule.EndsWith(".PointsPerCurrencyUnit") => "Input." + rule.Replace(".PointsPerCurrencyUnit", ".Points"),
        _ when rule.StartsWith("Boosts[") => "Input." + rule,
        _ => "Input." + rule,
    };
}
