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
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.CustomerId == customerId).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id)
            .Select(e => new
            {
                e.Id, Kind = e.Kind.ToString(), e.Reason, e.PendingDeltaCents, e.AvailableDeltaCents, e.ClawbackDeltaCents, e.VoucherDeltaCents,
                e.PurchaseId, e.VoucherId, e.LotExpiresAt, e.CreatedAt,
            }).ToListAsync(ct);
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
