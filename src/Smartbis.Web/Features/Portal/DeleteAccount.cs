using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Web.Features.Portal;

/// <summary>
/// Deletes a member's account at their request (LGPD), after they confirmed it with a one-time code: the remaining
/// balance is forfeited with entries that say so (the ledger keeps its amounts for the merchant's accounting; entries
/// are never changed), issued vouchers are cancelled, and the personal data is anonymized in the same transaction.
/// </summary>
public sealed class DeleteAccount(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public const string Reason = "Balance forfeited: account deleted at the customer's request";
    public const string Event = "customer.deleted";

    public sealed record Result(long ForfeitedPendingCents, long ForfeitedAvailableCents, long ForfeitedVoucherCents);

    public Task<Result> ExecuteAsync(Guid customerId, CancellationToken ct = default) =>
        unit.RunAsync(tenant.Require(), async db =>
        {
            var now = clock.GetUtcNow();
            var books = new Books(db, now);
            var account = await books.LockAsync(customerId, ct);
            var customer = await db.Customers.SingleAsync(c => c.Id == customerId, ct);
            var result = await ForfeitBalanceAsync(books, account, Reason, ct);

            customer.Name = "";
            customer.Phone = null;
            customer.Email = null;
            customer.Cpf = null;
            customer.BirthDate = null;
            customer.Locale = null;
            customer.Status = CustomerStatus.Anonymized;
            foreach (var (channel, was) in new[] { (Channel.Email, customer.EmailConsent), (Channel.WhatsApp, customer.WhatsAppConsent) })
                if (was)
                    db.CustomerConsents.Add(new CustomerConsent { CustomerId = customerId, Channel = channel, Granted = false, At = now, Source = "account deleted" });
            customer.EmailConsent = customer.WhatsAppConsent = false;
            // Codes hold a masked email: nothing of the person is left behind.
            await db.SignInCodes.Where(c => c.CustomerId == customerId).ExecuteDeleteAsync(ct);
            // Every session of the member ends with the account, on every device and web node.
            await PortalSessions.RevokeAllTrackedAsync(db, customerId, now, ct);
            books.Emit(Event, customerId, customerId, new { customerId, result.ForfeitedPendingCents, result.ForfeitedAvailableCents, result.ForfeitedVoucherCents });
            await db.SaveChangesAsync(ct);
            return result;
        }, ct);

    /// <summary>
    /// Forfeits everything the (locked) account holds: pending and available lots are emptied with one Adjustment
    /// entry each bucket, issued vouchers are cancelled with an Adjustment entry each. Clawback owed is left as it is.
    /// </summary>
    public static async Task<Result> ForfeitBalanceAsync(Books books, Account account, string reason, CancellationToken ct = default)
    {
        var db = books.Db;
        var customerId = account.CustomerId;
        long pending = account.PendingCents, available = account.AvailableCents, vouchers = 0;
        var lots = await db.CreditLots.Where(l => l.CustomerId == customerId && l.RemainingCents > 0
                                                  && (l.Status == LotStatus.Pending || l.Status == LotStatus.Available)).ToListAsync(ct);
        foreach (var lot in lots)
        {
            lot.RemainingCents = 0;
            lot.Status = LotStatus.Expired;
        }
        if (pending > 0 || available > 0)
            books.Post(account, EntryKind.Adjustment, reason, pending: -pending, available: -available, text: EntryText.AccountDeleted);

        foreach (var voucher in await db.Vouchers.Where(v => v.CustomerId == customerId && v.Status == VoucherStatus.Issued).ToListAsync(ct))
        {
            voucher.Status = VoucherStatus.Cancelled;
            voucher.CancelledAt = books.Now;
            voucher.CancelReason = reason;
            books.Post(account, EntryKind.Adjustment, reason, voucher: -voucher.ValueCents, voucherId: voucher.Id, text: EntryText.AccountDeleted);
            vouchers += voucher.ValueCents;
        }
        return new Result(pending, available, vouchers);
    }
}
