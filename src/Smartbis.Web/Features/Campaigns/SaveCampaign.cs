using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Campaigns;

/// <summary>
/// Creates a campaign as a draft, validated per field (audience, channels, wording with the automations' variables, an
/// approved WhatsApp template's name, holdout, bonus, multiplier window, schedule), with the plan's rules of automations
/// and WhatsApp (the same refusals and words), and its audit entry in the same transaction.
/// </summary>
public sealed class SaveCampaign(SmartbisDb db, TenantContext tenant, TimeProvider clock)
{
    public const long MaxBonus = 1_000_000_00;
    public const int MaxMultiplierBps = 50_000;

    public sealed record Request(string Name, string? Audience, bool Email, bool WhatsApp, string? Subject, string? Body,
        string? WhatsAppTemplate, string? WhatsAppParameters, DateTimeOffset? SendAt, int HoldoutPercent, long BonusAmount,
        int MultiplierBps, DateTimeOffset? BoostFrom, DateTimeOffset? BoostUntil, int MeasureDays);

    public static Validation Validate(Request r, DateTimeOffset now)
    {
        var v = new Validation();
        v.Check(!string.IsNullOrWhiteSpace(r.Name) && r.Name.Trim().Length <= 80, "Name", "campaign_name");
        v.Check(r.Audience == "all" || SegmentRules.TryParseAudience(r.Audience, out _, out _), "Audience", "campaign_audience");
        v.Check(r.Email || r.WhatsApp, "Email", "campaign_channel");
        v.Check(!string.IsNullOrWhiteSpace(r.Body), "Body", "campaign_body");
        if (r.Email) v.Check(!string.IsNullOrWhiteSpace(r.Subject) && r.Subject.Trim().Length <= 200, "Subject", "campaign_subject");
        foreach (var error in RenderTemplate.Validate(Triggers.Campaign, r.Subject ?? "", r.Body ?? ""))
            v.Add(error.StartsWith("Subject", StringComparison.Ordinal) ? "Subject" : "Body", "template_error", new { error });
        if (r.WhatsApp)
            v.Check(!string.IsNullOrWhiteSpace(r.WhatsAppTemplate) && r.WhatsAppTemplate.Trim().Length <= 100, "WhatsAppTemplate", "campaign_whatsapp_template");
        v.Check((r.WhatsAppParameters ?? "").Length <= 500, "WhatsAppParameters", "campaign_whatsapp_parameters");
        v.Check(r.HoldoutPercent is >= 0 and <= 50, "HoldoutPercent", "campaign_holdout_range", new { maximum = 50 });
        v.Check(r.BonusAmount is >= 0 and <= MaxBonus, "BonusAmount", "campaign_bonus_range");
        v.Check(r.MultiplierBps is >= Campaign.NoMultiplier and <= MaxMultiplierBps, "Multiplier", "campaign_multiplier_range", new { maximum = MaxMultiplierBps / 10_000 });
        if (r.MultiplierBps > Campaign.NoMultiplier)
            v.Check(r.BoostFrom is { } from && r.BoostUntil is { } until && until > from && until - from <= TimeSpan.FromDays(31) && until > now,
                "BoostUntil", "campaign_boost_window", new { maximum = 31 });
        v.Check(r.MeasureDays is >= 1 and <= 180, "MeasureDays", "campaign_measure_days", new { maximum = 180 });
        v.Check(r.SendAt is null || (r.SendAt > now.AddMinutes(-5) && r.SendAt < now.AddDays(365)), "SendAt", "campaign_send_at");
        return v;
    }

    public async Task<Campaign> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var v = Validate(r, now);
        SegmentRules.TryParseAudience(r.Audience, out var segment, out var tagId);
        if (tagId is { } t && !await db.Set<Tag>().AnyAsync(x => x.Id == t, ct)) v.Add("Audience", "campaign_audience");
        v.ThrowIfInvalid();
        await EnsurePlanAsync(db, r.WhatsApp, ct);
        if (r.WhatsApp && !(await Messaging.SettingsAsync(db, ct)).HasWhatsApp)
            new Validation().Check(false, "WhatsApp", "campaign_whatsapp_not_configured").ThrowIfInvalid();
        tenant.Require();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var c = new Campaign { Name = "", CreatedAt = now, CreatedByUserId = actor.UserId };
        Apply(c, r, segment, tagId);
        db.Add(c);
        RecordAudit.Add(db, actor, now, "campaign.created", $"Campaign \"{c.Name}\" created", "campaign", c.Id, null, Describe(c), values: new { name = c.Name });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return c;
    }

    /// <summary>Campaigns follow automations' plan rule, and WhatsApp's for that channel (the plan page says why and what to do).</summary>
    internal static async Task EnsurePlanAsync(SmartbisDb db, bool whatsApp, CancellationToken ct)
    {
        await PlanLimits.EnsureFeatureAsync(db, PlanFeature.Automations, ct);
        if (whatsApp) await PlanLimits.EnsureFeatureAsync(db, PlanFeature.WhatsApp, ct);
    }

    internal static object Describe(Campaign c) => new
    {
        c.Name, status = c.Status.ToString(), segment = c.Segment?.ToString(), c.TagId, c.Email, c.WhatsApp, c.Subject, c.WhatsAppTemplate,
        c.SendAt, c.HoldoutPercent, c.BonusAmount, c.MultiplierBps, c.BoostFrom, c.BoostUntil, c.MeasureDays,
    };

    /// <summary>Copies a validated request onto a campaign (create and edit).</summary>
    internal static void Apply(Campaign c, Request r, SegmentKind? segment, Guid? tagId)
    {
        c.Name = r.Name.Trim();
        c.Segment = segment;
        c.TagId = tagId;
        c.Email = r.Email;
        c.WhatsApp = r.WhatsApp;
        c.Subject = (r.Subject ?? "").Trim();
        c.Body = (r.Body ?? "").Trim();
        c.WhatsAppTemplate = r.WhatsApp ? r.WhatsAppTemplate?.Trim() : null;
        c.WhatsAppParameters = r.WhatsApp ? NullIfBlank(r.WhatsAppParameters) : null;
        c.SendAt = r.SendAt;
        c.HoldoutPercent = r.HoldoutPercent;
        c.BonusAmount = r.BonusAmount;
        c.MultiplierBps = r.MultiplierBps;
        c.BoostFrom = r.MultiplierBps > Campaign.NoMultiplier ? r.BoostFrom : null;
        c.BoostUntil = r.MultiplierBps > Campaign.NoMultiplier ? r.BoostUntil : null;
        c.MeasureDays = r.MeasureDays;
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
