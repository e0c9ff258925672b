using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;

namespace Smartbis.Web.Features.Challenges;

/// <summary>
/// Awards a challenge's bonus once per customer: a <see cref="ChallengeAward"/> row (its key is the challenge and the
/// customer) and a <see cref="EntryKind.ChallengeBonus"/> credit in the same transaction, with the customer's account
/// locked — so the purchase that completes it and the catch-up job (<see cref="CatchUpChallenges"/>) see each other's
/// award, and a race that still slipped through fails on the key and is retried by the unit, which then finds the award.
/// </summary>
public static class CompleteChallenges
{
    /// <summary>Inside <see cref="RecordPurchase"/>'s transaction, after the purchase is booked (account locked, purchase not yet saved).</summary>
    public static async Task OnPurchaseAsync(Books books, Account account, Purchase purchase, string timeZone, ProgramRules rules, CancellationToken ct = default)
    {
        var db = books.Db;
        var zone = Tiers.TiersInForce.Zone(timeZone);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(purchase.OccurredAt, zone).DateTime);
        // Candidates by local day (cheap, indexed on ends_on); the exact time box is checked in UTC below.
        // From the tenant's challenges in the configuration cache: most purchases fall in no challenge and read nothing more.
        var open = (await ChallengesOfTenantAsync(db, ct))
            .Where(c => c.StartsOn <= day && c.EndsOn >= day && (c.StoreId == null || c.StoreId == purchase.StoreId))
            .ToList();
        foreach (var c in open)
        {
            var (starts, ends) = c.Window(zone);
            if (purchase.OccurredAt < starts || purchase.OccurredAt >= ends) continue;
            if (await db.Set<ChallengeAward>().AnyAsync(a => a.ChallengeId == c.Id && a.CustomerId == purchase.CustomerId, ct)) continue;
            if (await ChallengeProgress.OfAsync(db, c, zone, purchase.CustomerId, purchase, ct) < c.Target) continue;
            Award(books, account, c, rules, purchase.Id);
        }
    }

    /// <summary>Every challenge of the tenant, from the configuration cache (dropped on every node when one changes). Read only.</summary>
    public static async Task<List<Challenge>> ChallengesOfTenantAsync(Data.SmartbisDb db, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.Require();
        return await db.CachedAsync(tenantId, "challenges", () => db.Set<Challenge>().AsNoTracking().OrderBy(c => c.EndsOn).ThenBy(c => c.Name).ToListAsync(ct));
    }

    /// <summary>Books the award and its credit (the caller holds the account lock and checked there is no award yet).</summary>
    public static void Award(Books books, Account account, Challenge c, ProgramRules rules, Guid? purchaseId)
    {
        books.Db.Add(new ChallengeAward { ChallengeId = c.Id, CustomerId = account.CustomerId, PurchaseId = purchaseId, Bonus = c.Bonus, AwardedAt = books.Now });
        books.Credit(account, EntryKind.ChallengeBonus, c.Bonus, $"Challenge completed: {c.Name}", books.Now, rules.ExpiryDays,
            purchaseId: purchaseId, ruleVersion: rules.Version, text: EntryText.ChallengeBonus(c.Name));
        books.Emit(Events.BonusGranted, account.CustomerId, null, new { kind = "challenge", challengeId = c.Id, challenge = c.Name, amountCents = c.Bonus, purchaseId });
    }
}
