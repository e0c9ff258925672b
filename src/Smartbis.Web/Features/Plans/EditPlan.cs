using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// An operator changes a plan's limits, features, trial and display price (/admin/plans): the price list is data, no
/// deploy. Field-level validation (a limit is a whole number, empty for none); the edit and its platform audit row
/// (<see cref="PlanEdit"/>) in one SaveChanges. Takes effect at once for every tenant on the plan; nothing is deleted.
/// </summary>
public sealed class EditPlan(SmartbisDb db, TimeProvider clock)
{
    /// <summary>Limits as typed ("" = unlimited); price as typed ("149,00" or "149.00").</summary>
    public sealed record Request(string Code, string? MaxMembers, string? MaxStores, string? MaxStaff, string? MaxEmailsPerMonth,
        string? MaxWhatsAppPerMonth, bool WhatsAppAllowed, bool ApiAccess, bool AutomationsAllowed, string? TrialDays, string? Price);

    /// <returns>False when there is no such plan (404).</returns>
    public async Task<bool> ExecuteAsync(Request r, string operatorEmail, CancellationToken ct = default)
    {
        var plan = await db.Plans.SingleOrDefaultAsync(p => p.Code == r.Code, ct);
        if (plan is null) return false;
        var v = new Validation();
        int? Limit(string? text, string field, int minimum)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= minimum) return n;
            v.Add(field, "plan_limit_invalid", new { minimum });
            return null;
        }
        var members = Limit(r.MaxMembers, nameof(r.MaxMembers), 0);
        var stores = Limit(r.MaxStores, nameof(r.MaxStores), 1);
        var staff = Limit(r.MaxStaff, nameof(r.MaxStaff), 1);
        var emails = Limit(r.MaxEmailsPerMonth, nameof(r.MaxEmailsPerMonth), 0);
        var whatsApp = Limit(r.MaxWhatsAppPerMonth, nameof(r.MaxWhatsAppPerMonth), 0);
        var trialOk = int.TryParse((r.TrialDays ?? "").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var trial) && trial is >= 0 and <= 90;
        v.Check(trialOk, nameof(r.TrialDays), "plan_trial_invalid");
        var price = ParsePrice(r.Price);
        v.Check(price is not null, nameof(r.Price), "plan_price_invalid");
        v.ThrowIfInvalid();

        var before = Snapshot(plan);
        (plan.MaxMembers, plan.MaxStores, plan.MaxStaff, plan.MaxEmailsPerMonth, plan.MaxWhatsAppPerMonth) = (members, stores, staff, emails, whatsApp);
        (plan.WhatsAppAllowed, plan.ApiAccess, plan.AutomationsAllowed, plan.TrialDays, plan.PriceCents) =
            (r.WhatsAppAllowed, r.ApiAccess, r.AutomationsAllowed, trial, price!.Value);
        var after = Snapshot(plan);
        if (before.Equals(after)) return true;
        plan.UpdatedAt = clock.GetUtcNow();
        db.Set<PlanEdit>().Add(new PlanEdit
        {
            PlanCode = plan.Code, At = plan.UpdatedAt, Operator = operatorEmail,
            Before = JsonSerializer.SerializeToDocument(before, JsonSerializerOptions.Web), After = JsonSerializer.SerializeToDocument(after, JsonSerializerOptions.Web),
        });
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static object Snapshot(PlanDefinition p) => new
    {
        p.MaxMembers, p.MaxStores, p.MaxStaff, p.MaxEmailsPerMonth, p.MaxWhatsAppPerMonth, p.WhatsAppAllowed, p.ApiAccess,
        p.AutomationsAllowed, p.TrialDays, p.PriceCents,
    };

    /// <summary>"149,00", "149.00", "149" → cents; null when not a non-negative amount with at most 2 decimals.</summary>
    public static long? ParsePrice(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var cleaned = text.Replace("R$", "").Trim().Replace(',', '.');
        if (!decimal.TryParse(cleaned, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)) return null;
        if (amount < 0 || decimal.Round(amount, 2) != amount || amount > 1_000_000) return null;
        return (long)(amount * 100);
    }
}
