using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Tiers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Tiers;

/// <summary>
/// /app/tiers: the levels (name, threshold, multiplier, perks), the measure, window, review period and reminder, saved as
/// the next version; members per level now and over time (the daily snapshot). Owners and managers.
/// </summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<TiersText> L) : PageModel
{
    public const int LevelRows = 5;

    public sealed class LevelInput
    {
        public string? Name { get; set; }
        public string? Threshold { get; set; }
        public string? Multiplier { get; set; }
        public string? Perks { get; set; }
    }

    public sealed class InputModel
    {
        public bool Enabled { get; set; } = true;
        public TierMeasure Measure { get; set; }
        public int WindowMonths { get; set; } = 12;
        public ReviewPeriod ReviewPeriod { get; set; } = ReviewPeriod.Quarterly;
        public int ReminderDays { get; set; } = 14;
        public List<LevelInput> Levels { get; set; } = [];
    }

    public sealed record VersionRow(int Version, DateTimeOffset EffectiveFrom, string Summary);
    public sealed record LevelCount(string Name, int Members);

    [BindProperty] public InputModel Input { get; set; } = new();
    public TierProgram? Current { get; private set; }
    public List<LevelCount> Counts { get; private set; } = [];
    public List<VersionRow> History { get; private set; } = [];
    public object Chart { get; private set; } = new { };
    public DateTimeOffset? NextReview { get; private set; }
    public bool Saved { get; private set; }
    public Tenant Tenant => staff.Tenant!;
    private CultureInfo Culture => CultureInfo.CurrentCulture;

    public async Task OnGetAsync(bool saved = false)
    {
        Saved = saved;
        RewardType = await RewardUnits.OfTenantAsync(db, HttpContext.RequestAborted);
        await LoadAsync();
        Input = ToInput(Current);
    }

    public async Task<IActionResult> OnPostAsync([FromServices] SaveTierProgram save)
    {
        RewardType = await RewardUnits.OfTenantAsync(db, HttpContext.RequestAborted);
        var request = FromInput();
        try { SaveTierProgram.Validate(request).ThrowIfInvalid(); }
        catch (OperationFailed failed)
        {
            foreach (var (field, messages) in ErrorTexts.Render(failed, HttpContext))
                foreach (var message in messages) ModelState.AddModelError(InputField(field), message);
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync();
            while (Input.Levels.Count < LevelRows) Input.Levels.Add(new LevelInput());
            return Page();
        }
        var userId = User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        await save.ExecuteAsync(request, userId, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
        return Redirect("/app/tiers?saved=true");
    }

    /// <summary>Cashback or points: the unit of the PointsEarned measure.</summary>
    public RewardType RewardType { get; private set; }
    public bool IsPoints => RewardType == RewardType.Points;

    public string Amount(long value, TierMeasure measure) =>
        TierAmounts.Format(value, measure, RewardType, Tenant.CurrencyName, Tenant.CurrencyCode, Culture.Name);

    public string Multiplier(int bps) => "×" + (bps / 10_000m).ToString("0.##", Culture);

    public string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, TiersInForce.Zone(Tenant.TimeZone)).ToString("d", Culture);

    private async Task LoadAsync()
    {
        var now = clock.GetUtcNow();
        Current = await TiersInForce.AtAsync(db, now);
        var versions = await db.Set<TierProgram>().AsNoTracking().OrderByDescending(p => p.Version).Take(20).ToListAsync();
        History = versions.Select(v => new VersionRow(v.Version, v.EffectiveFrom,
            !v.IsActive ? L["Tiers off"] : string.Join(" · ", v.Levels.Select(l => $"{l.Name} {Amount(l.Threshold, v.Measure)} {Multiplier(l.MultiplierBps)}")))).ToList();
        if (Current is not { IsActive: true } p) return;
        NextReview = TiersInForce.NextReview(p.ReviewPeriod, now, TiersInForce.Zone(Tenant.TimeZone));

        // Now, read live (a GET writes nothing): active members at each level; no row = the first level.
        var active = await db.Customers.CountAsync(c => c.Status == CustomerStatus.Active);
        var ranked = await db.Set<CustomerTier>().Where(t => t.Rank > 0)
            .Join(db.Customers.Where(c => c.Status == CustomerStatus.Active), t => t.CustomerId, c => c.Id, (t, c) => t.Rank)
            .GroupBy(r => r).Select(g => new { Rank = g.Key, Count = g.Count() }).ToListAsync();
        var counts = new int[p.Levels.Count];
        foreach (var r in ranked) counts[p.Clamp(r.Rank)] += r.Count;
        counts[0] = Math.Max(0, active - counts.Skip(1).Sum());
        Counts = p.Levels.Select((l, i) => new LevelCount(l.Name, counts[i])).ToList();

        // Over time: the daily snapshots of the last 90 days, one series per level of the version in force.
        var since = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TiersInForce.Zone(Tenant.TimeZone)).DateTime).AddDays(-90);
        var rows = await db.Set<TierDailyMembers>().AsNoTracking().Where(s => s.Day >= since).OrderBy(s => s.Day).ToListAsync();
        var days = rows.Select(r => r.Day).Distinct().OrderBy(d => d).ToList();
        Chart = new
        {
            labels = days.Select(d => d.ToString("d", Culture)).ToList(),
            series = p.Levels.Select((l, i) => new
            {
                name = l.Name,
                data = days.Select(d => rows.Where(r => r.Day == d && p.Clamp(r.Rank) == i).Sum(r => r.Members)).ToList(),
            }).ToList(),
        };
    }

    private InputModel ToInput(TierProgram? p)
    {
        var input = new InputModel();
        if (p is not null)
        {
            input.Enabled = p.Enabled;
            input.Measure = p.Measure;
            input.WindowMonths = p.WindowMonths;
            input.ReviewPeriod = p.ReviewPeriod;
            input.ReminderDays = p.ReminderDays;
            input.Levels = p.Levels.Select(l => new LevelInput
            {
                Name = l.Name,
                Threshold = TierAmounts.Plain(l.Threshold, p.Measure, RewardType, Culture.Name),
                Multiplier = (l.MultiplierBps / 10_000m).ToString("0.##", Culture), Perks = l.Perks,
            }).ToList();
        }
        else
        {
            input.Levels = [new LevelInput { Name = "Bronze", Threshold = "0", Multiplier = "1" }];
        }
        while (input.Levels.Count < LevelRows) input.Levels.Add(new LevelInput());
        return input;
    }

    /// <summary>The typed values as a request; what cannot be read is reported against its field.</summary>
    private SaveTierProgram.Request FromInput()
    {
        var levels = new List<TierLevel>();
        for (var i = 0; i < Input.Levels.Count; i++)
        {
            var l = Input.Levels[i];
            if (string.IsNullOrWhiteSpace(l.Name) && string.IsNullOrWhiteSpace(l.Threshold) && string.IsNullOrWhiteSpace(l.Multiplier) && string.IsNullOrWhiteSpace(l.Perks))
                continue;
            long threshold = 0;
            if (!string.IsNullOrWhiteSpace(l.Threshold))
            {
                var parsed = TierAmounts.Parse(l.Threshold, Input.Measure, RewardType, Culture.Name);
                if (parsed is { } v and >= 0) threshold = v;
                else ModelState.AddModelError($"Input.Levels[{i}].Threshold", Input.Measure == TierMeasure.Spend || !IsPoints
                    ? L["Enter an amount such as {0}.", (500m).ToString("0.00", Culture)] : L["Enter a whole number of points, such as 500."]);
            }
            var multiplier = TierLevel.NoMultiplier;
            if (!string.IsNullOrWhiteSpace(l.Multiplier))
            {
                if (decimal.TryParse(l.Multiplier.Replace("×", "").Replace("x", "").Trim(), NumberStyles.Number, Culture, out var m) && m is > 0 and < 1000)
                    multiplier = (int)Math.Round(m * 10_000m);
                else ModelState.AddModelError($"Input.Levels[{i}].Multiplier", L["Enter a multiplier such as {0}.", (1.5m).ToString("0.0", Culture)]);
            }
            // Errors are reported against the row as typed: keep its position.
            levels.Add(new TierLevel { Name = l.Name ?? "", Threshold = threshold, MultiplierBps = multiplier, Perks = l.Perks ?? "" });
            rowOf[levels.Count - 1] = i;
        }
        return new SaveTierProgram.Request(Input.Enabled, Input.Measure, Input.WindowMonths, Input.ReviewPeriod, Input.ReminderDays, levels);
    }

    private readonly Dictionary<int, int> rowOf = [];

    /// <summary>The form field of a field named by SaveTierProgram's validation.</summary>
    private string InputField(string field)
    {
        var m = System.Text.RegularExpressions.Regex.Match(field, @"^Levels\[(\d+)\]\.(\w+)$");
        if (!m.Success) return field == "Levels" ? "" : "Input." + field;
        var row = rowOf.GetValueOrDefault(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        var prop = m.Groups[2].Value == nameof(TierLevel.MultiplierBps) ? "Multiplier" : m.Groups[2].Value;
        return $"Input.Levels[{row}].{prop}";
    }
}
