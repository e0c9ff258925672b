using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Onboarding;

/// <summary>
/// "Create my program": a new merchant on the Free plan or a trial of a paid one — the tenant, its owner account and membership, a first
/// store and program rules version 1 — in one transaction. Field errors are keyed by the request's property names.
/// </summary>
public sealed class SignUp(SmartbisDb db, UserManager<AppUser> users, TimeProvider clock)
{
    public sealed record Request(
        string BusinessName, string Slug, string OwnerName, string Email, string Password,
        string EarnRatePercent, string CurrencyName, string RewardType = "cashback", string Locale = "pt-BR",
        string PlanCode = Plans.PlanDefinition.Free, string? PointsPerUnit = null);

    public sealed record Result(Guid TenantId, string Slug, AppUser Owner);

    public async Task<Result> ExecuteAsync(Request r, CancellationToken ct = default)
    {
        var slug = (r.Slug ?? "").Trim().ToLowerInvariant();
        var email = (r.Email ?? "").Trim();
        var v = new Validation();
        v.Check(!string.IsNullOrWhiteSpace(r.BusinessName) && r.BusinessName.Trim().Length <= 120, nameof(r.BusinessName), "business_name_required");
        if (await CheckSlugAsync(db, slug, ct) is { } slugError) v.Add(nameof(r.Slug), slugError);
        v.Check(!string.IsNullOrWhiteSpace(r.OwnerName) && r.OwnerName.Trim().Length <= 120, nameof(r.OwnerName), "your_name_required");
        var emailOk = Customers.Emails.Normalize(email) is not null;
        v.Check(emailOk, nameof(r.Email), "email_invalid");
        if (emailOk && await users.FindByEmailAsync(email) is not null)
            v.Add(nameof(r.Email), "account_email_taken");
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, new AppUser { UserName = email, Email = email }, r.Password ?? "");
            if (!result.Succeeded) { v.Add(nameof(r.Password), "password_too_short"); break; }
        }
        v.Check(r.RewardType is "cashback" or "points", nameof(r.RewardType), "reward_type_choice");
        var points = r.RewardType == "points";
        // A points program earns whole points per currency unit; a cashback program a percentage. Only the one chosen is read.
        var bps = points ? 0 : ParseRate(r.EarnRatePercent, r.Locale);
        var perUnit = points ? ParsePointsPerUnit(r.PointsPerUnit) : 1;
        if (points)
            v.Check(perUnit is > 0 and <= SaveProgramRules.MaxPointsPerUnit, nameof(r.PointsPerUnit), "points_per_unit_range", new { maximum = SaveProgramRules.MaxPointsPerUnit });
        else
            v.Check(bps is > 0 and <= 10_000, nameof(r.EarnRatePercent), "earn_rate_range");
        v.Check(!string.IsNullOrWhiteSpace(r.CurrencyName) && r.CurrencyName.Trim().Length <= 40, nameof(r.CurrencyName), "currency_name_required");
        v.Check(r.Locale is "pt-BR" or "en", nameof(r.Locale), "locale_choice");
        // Free, or a trial of a paid plan that offers one (the trial's end brings the business back to Free: Plans/PlanJobs).
        var plan = await db.Plans.SingleOrDefaultAsync(p => p.Code == (r.PlanCode ?? Plans.PlanDefinition.Free) && p.Public, ct);
        v.Check(plan is not null, nameof(r.PlanCode), "plan_unknown");
        v.Check(plan is null || plan.Code == Plans.PlanDefinition.Free || plan.TrialDays > 0, nameof(r.PlanCode), "plan_trial_unavailable");
        v.ThrowIfInvalid("invalid_signup");

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var owner = new AppUser { UserName = email, Email = email, DisplayName = r.OwnerName.Trim(), PreferredLocale = r.Locale };
        var created = await users.CreateAsync(owner, r.Password!);
        if (!created.Succeeded)
            throw new OperationFailed("invalid_signup", "identity_refused", nameof(r.Email),
                values: new { reason = string.Join(" ", created.Errors.Select(e => e.Description)) });
        var tenant = new Tenant
        {
            Slug = slug, Name = r.BusinessName.Trim(), CurrencyName = r.CurrencyName.Trim(), Locale = r.Locale, CreatedAt = now,
            PlanCode = plan!.Code, TrialEndsAt = plan.Code == Plans.PlanDefinition.Free ? null : now.AddDays(plan.TrialDays),
        };
        db.Tenants.Add(tenant);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            throw new OperationFailed("invalid_signup", "slug_taken", nameof(r.Slug));
        }
        db.Tenant.Set(tenant.Id, tenant.Slug);
        var store = new Store { Name = tenant.Name, CreatedAt = now };
        db.Stores.Add(store);
        db.Memberships.Add(new Membership { UserId = owner.Id, Role = StaffRole.Owner, CreatedAt = now });
        db.OnboardingProgress.Add(new OnboardingProgress());
        RecordAudit.Add(db, new AuditActor(owner.Id, email, null, null), now, "tenant.created",
            $"Program created: {tenant.Name} ({slug})", "tenant", tenant.Id, null, new { tenant.Name, tenant.Slug, r.RewardType, EarnRateBps = bps, PointsPerCurrencyUnit = points ? perUnit : null, tenant.CurrencyName, tenant.PlanCode, tenant.TrialEndsAt }, values: new { name = tenant.Name, slug });
        await db.SaveChangesAsync(ct);
        var rules = points
            ? new ProgramRules { RewardType = RewardType.Points, PointsPerCurrencyUnit = perUnit!.Value, EarnRateBps = 0, MinRedeemBalanceCents = 0 }
            : new ProgramRules { EarnRateBps = bps!.Value };
        await new SaveProgramRules(db, clock).ExecuteAsync(rules, owner.Id, now, ct);
        await tx.CommitAsync(ct);
        return new Result(tenant.Id, slug, owner);
    }

    /// <summary>Shape, reserved words, then whether another business has it. Null when the slug is free.</summary>
    public static async Task<string?> CheckSlugAsync(SmartbisDb db, string? slug, CancellationToken ct = default)
    {
        if (Slugs.Validate(slug) is { } error) return error;
        // Slugs are global: this reads across tenants on purpose (the tenants table is not tenant-owned).
        return await db.Tenants.AnyAsync(t => t.Slug == slug, ct) ? "slug_taken" : null;
    }

    /// <summary>"1", "2" → points per currency unit; null when it is not a whole number.</summary>
    public static int? ParsePointsPerUnit(string? text) =>
        int.TryParse((text ?? "").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>"5", "5,5" (pt-BR) or "5.5" (en) percent → basis points; null when it is not a number with at most 2 decimals.</summary>
    public static int? ParseRate(string? text, string? locale = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        // A rate has no thousands: either decimal mark is accepted, whatever the language.
        var cleaned = text.Replace("%", "").Trim().Replace(',', '.');
        if (!decimal.TryParse(cleaned, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var pct)) return null;
        if (decimal.Round(pct, 2) != pct || pct < 0 || pct > 100) return null;
        return (int)(pct * 100);
    }
}
