using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Programs;

/// <summary>
/// The program settings page's save: the rules as their next version (<see cref="SaveProgramRules"/>), the reward's name
/// and the brand colour, and the audit entry — one transaction.
/// </summary>
public sealed class UpdateProgram(SmartbisDb db, SaveProgramRules save, TimeProvider clock)
{
    public sealed record Request(ProgramRules Rules, string CurrencyName, string PrimaryColor);

    /// <summary>Every rule and branding field checked, each problem keyed by its rule's property name.</summary>
    public static Validation Validate(Request r) => SaveProgramRules.Validate(r.Rules)
        .Check(!string.IsNullOrWhiteSpace(r.CurrencyName) && r.CurrencyName.Trim().Length <= 40, nameof(r.CurrencyName), "currency_name_required")
        .Check(Regex.IsMatch(r.PrimaryColor ?? "", "^#[0-9a-fA-F]{6}$"), nameof(r.PrimaryColor), "color_format");

    /// <param name="describe">The rules as the audit keeps them (the page's labelled snapshot), before and after.</param>
    public async Task<ProgramRules> ExecuteAsync(Request r, string? userId, AuditActor actor, Func<ProgramRules, object> describe, CancellationToken ct = default)
    {
        Validate(r).ThrowIfInvalid("invalid_rules");
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var current = await RulesInForce.FindAtAsync(db, now, ct) ?? new ProgramRules();
            var tenant = await db.Tenants.SingleAsync(t => t.Id == db.Tenant.Require(), ct);
            var saved = await save.ExecuteAsync(r.Rules, userId, ct: ct);
            var brandingBefore = new { tenant.CurrencyName, tenant.PrimaryColor };
            tenant.CurrencyName = r.CurrencyName.Trim();
            tenant.PrimaryColor = r.PrimaryColor;
            RecordAudit.Add(db, actor, now, "program.updated", $"Program rules saved as version {saved.Version}",
                "program_rules", saved.Version, new { rules = describe(current), branding = brandingBefore },
                new { rules = describe(saved), branding = new { tenant.CurrencyName, tenant.PrimaryColor } }, values: new { version = saved.Version });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return saved;
        });
    }
}
