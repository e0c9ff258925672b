using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Portal;

/// <summary>
/// "Download my data" (LGPD): everything the program holds about one member as a JSON document — profile, consents,
/// purchases, ledger entries, vouchers, referrals, codes and messages sent. Every query is by this member's id
/// under the tenant's query filter: nothing of anyone else.
/// </summary>
public sealed class ExportMyData(SmartbisDb db, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<byte[]> ExecuteAsync(Guid customerId, CancellationToken ct = default)
    {
        var profile = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => new
        {
            c.Id, c.Name, c.Phone, c.Email, c.Cpf, c.BirthDate, c.CardCode, c.ReferralCode, c.ReferredByCustomerId,
            Status = c.Status.ToString(), c.CreatedAt, c.JoinedAt, c.EmailConsent, c.WhatsAppConsent, c.Locale,
        }).SingleAsync(ct);
        var program = await db.Tenants.Where(t => t.Id == db.Tenant.Require()).Select(t => new { t.Name, t.Slug, t.CurrencyCode, t.CurrencyName }).SingleAsync(ct);
        var balances = await db.Accounts.AsNoTracking().Where(a => a.CustomerId == customerId)
            .Select(a => new { a.PendingCents, a.AvailableCents, a.ClawbackCents, a.VoucherCents }).SingleAsync(ct);
        var consents = await db.CustomerConsents.AsNoTracking().Where(c => c.CustomerId == customerId).OrderBy(c => c.At)
            .Select(c => new { Channel = c.Channel.ToString(), c.Granted, c.At, c.Source, c.Wording }).ToListAsync(ct);
        var purchases = await db.Purchases.AsNoTracking().Where(p => p.CustomerId == customerId).OrderBy(p => p.OccurredAt)
            .Select(p => new
            {
                p.Id, Store = db.Stores.Where(s => s.Id == p.StoreId).Select(s => s.Name).FirstOrDefault(), p.ReceiptNumber, p.OccurredAt,
                p.AmountCents, p.PaidWithCashbackCents, p.PaidWithVoucherCents, p.EarnedCents, p.RateBps, p.RefundedCents,
                Lines = p.Lines.Select(l => new { l.Category, l.AmountCents, l.Excluded }).ToList(),
            }).ToListAsync(ct);
        // Each entry in the member's own language (their locale), put into words from its kind and values (EntryText).
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == db.Tenant.Require(), ct);
        var words = Infrastructure.TextContext.For(tenant, await Programs.RewardUnits.OfTenantAsync(db, ct), Infrastructure.TextContext.CultureOf(profile.Locale ?? tenant.Locale));
        var rows = await (from e in db.LedgerEntries.AsNoTracking().Where(e => e.CustomerId == customerId)
                          join p in db.Purchases on e.PurchaseId equals (Guid?)p.Id into ps
                          from p in ps.DefaultIfEmpty()
                          join st in db.Stores on p.StoreId equals st.Id into sts
                          from st in sts.DefaultIfEmpty()
                          join v in db.Vouchers on e.VoucherId equals (Guid?)v.Id into vs
                          from v in vs.DefaultIfEmpty()
                          orderby e.CreatedAt, e.Id
                          select new { e, Store = st.Name, VoucherCode = v.Code }).ToListAsync(ct);
        var entries = rows.Select(r => new
        {
            r.e.Id, Kind = r.e.Kind.ToString(),
            Description = Ledger.EntryText.Render(new Ledger.EntryText.View(r.e.Kind, r.e.Text, r.e.TextValues, r.e.Reason, r.e.PendingDeltaCents,
                r.e.AvailableDeltaCents, r.e.ClawbackDeltaCents, r.e.VoucherDeltaCents, r.e.RateBps, r.Store, r.VoucherCode), words),
            r.e.PendingDeltaCents, r.e.AvailableDeltaCents, r.e.ClawbackDeltaCents, r.e.VoucherDeltaCents,
            r.e.PurchaseId, r.e.VoucherId, r.e.LotExpiresAt, r.e.CreatedAt,
        }).ToList();
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => v.CustomerId == customerId).OrderBy(v => v.IssuedAt)
            .Select(v => new { v.Code, v.ValueCents, Status = v.Status.ToString(), v.IssuedAt, v.ExpiresAt, v.RedeemedAt, v.CancelledAt }).ToListAsync(ct);
        var referred = await db.Customers.AsNoTracking().Where(c => c.ReferredByCustomerId == customerId).OrderBy(c => c.JoinedAt)
            .Select(c => new
            {
                // Only what the member sees on their referral page: first name and outcome, nothing else of the friend.
                FirstName = c.Name, c.JoinedAt,
                Outcome = db.Referrals.Where(r => r.RefereeId == c.Id).Select(r => r.Outcome.ToString()).FirstOrDefault(),
                ReferrerRewardCents = db.Referrals.Where(r => r.RefereeId == c.Id).Select(r => r.ReferrerRewardCents).FirstOrDefault(),
            }).ToListAsync(ct);
        var codes = await db.SignInCodes.AsNoTracking().Where(c => c.CustomerId == customerId).OrderBy(c => c.CreatedAt)
            .Select(c => new { Purpose = c.Purpose.ToString(), c.SentTo, c.CreatedAt, c.UsedAt }).ToListAsync(ct);
        var messages = await db.OutboxEvents.AsNoTracking().Where(e => e.CustomerId == customerId).OrderBy(e => e.CreatedAt)
            .Select(e => new { e.Type, e.CreatedAt }).ToListAsync(ct);

        var document = new
        {
            exportedAt = clock.GetUtcNow(), program, profile, balances, consents, purchases, entries, vouchers,
            referrals = referred.Select(r => new { firstName = r.FirstName.Split(' ', 2)[0], r.JoinedAt, r.Outcome, r.ReferrerRewardCents }),
            codesSent = codes, messages,
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, Json);
    }
}
