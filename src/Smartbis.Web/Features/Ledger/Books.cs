using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// The bookkeeping primitives every ledger operation uses inside its transaction: lock the account, post an
/// entry (which moves the account's buckets by the same deltas), create and consume credit lots, emit events.
/// Nothing here commits: the operation's <see cref="LedgerUnit"/> does.
/// </summary>
public sealed class Books(SmartbisDb db, DateTimeOffset now)
{
    public DateTimeOffset Now => now;
    public SmartbisDb Db => db;

    /// <summary>Locks the customer's account row for the rest of the transaction: all balance changes are serialized per customer.</summary>
    public async Task<Account> LockAsync(Guid customerId, CancellationToken ct = default)
    {
        return await db.Accounts.Where(a => a.CustomerId == customerId).ForUpdate().SingleOrDefaultAsync(ct)
               ?? throw new OperationFailed("not_found", "customer_not_found", "customerId", 404);
    }

    /// <summary>Appends an entry and applies its deltas to the (locked) account. A bucket going negative is a bug: it throws.</summary>
    public LedgerEntry Post(Account account, EntryKind kind, string reason,
        long pending = 0, long available = 0, long clawback = 0, long voucher = 0,
        Guid? purchaseId = null, Guid? voucherId = null, CreditLot? lot = null,
        int? ruleVersion = null, int? rateBps = null, string? authorUserId = null, EntryText? text = null)
    {
        account.PendingCents += pending;
        account.AvailableCents += available;
        account.ClawbackCents += clawback;
        account.VoucherCents += voucher;
        if (account.PendingCents < 0 || account.AvailableCents < 0 || account.ClawbackCents < 0 || account.VoucherCents < 0)
            throw new InvalidOperationException($"Ledger bug: {kind} would make a bucket of customer {account.CustomerId} negative.");
        account.UpdatedAt = now;
        var entry = new LedgerEntry
        {
            TenantId = account.TenantId, CustomerId = account.CustomerId, Kind = kind, Reason = Truncate(reason, 300),
            PendingDeltaCents = pending, AvailableDeltaCents = available, ClawbackDeltaCents = clawback, VoucherDeltaCents = voucher,
            PurchaseId = purchaseId, VoucherId = voucherId, LotId = lot?.Id, LotExpiresAt = lot?.ExpiresAt,
            RuleVersion = ruleVersion, RateBps = rateBps, AuthorUserId = authorUserId, CreatedAt = now,
            Text = text?.Kind, TextValues = Infrastructure.StoredTexts.ToJson(text?.Values),
        };
        db.LedgerEntries.Add(entry);
        return entry;
    }

    public sealed record Credited(long OffsetCents, CreditLot? Lot, LedgerEntry? Entry);

    /// <summary>
    /// Credits the customer: first pays down any clawback owed, then puts the rest in a new lot, pending until
    /// <paramref name="availableAt"/> (available at once when that is not in the future).
    /// </summary>
    public Credited Credit(Account account, EntryKind kind, long amountCents, string reason, DateTimeOffset availableAt, int? expiryDays,
        Guid? purchaseId = null, int? ruleVersion = null, int? rateBps = null, string? authorUserId = null, EntryText? text = null)
    {
        if (amountCents <= 0) return new(0, null, null);
        var offset = Math.Min(amountCents, account.ClawbackCents);
        if (offset > 0)
            Post(account, EntryKind.ClawbackOffset, "Used to settle cashback of a refunded purchase", clawback: -offset,
                purchaseId: purchaseId, ruleVersion: ruleVersion, rateBps: rateBps, authorUserId: authorUserId, text: EntryText.ClawbackOffset);
        var rest = amountCents - offset;
        if (rest == 0) return new(offset, null, null);

        var pending = availableAt > now;
        var lot = new CreditLot
        {
            TenantId = account.TenantId, CustomerId = account.CustomerId, Kind = kind, AmountCents = rest, RemainingCents = rest,
            Status = pending ? LotStatus.Pending : LotStatus.Available, CreatedAt = now,
            AvailableAt = pending ? availableAt : now,
            ExpiresAt = expiryDays is { } d ? (pending ? availableAt : now).AddDays(d) : null,
            PurchaseId = purchaseId,
        };
        db.CreditLots.Add(lot);
        var entry = pending
            ? Post(account, kind, reason, pending: rest, purchaseId: purchaseId, lot: lot, ruleVersion: ruleVersion, rateBps: rateBps, authorUserId: authorUserId, text: text)
            : Post(account, kind, reason, available: rest, purchaseId: purchaseId, lot: lot, ruleVersion: ruleVersion, rateBps: rateBps, authorUserId: authorUserId, text: text);
        return new(offset, lot, entry);
    }

    /// <summary>The customer's available lots in spending order: the one that expires first, then the oldest.</summary>
    public Task<List<CreditLot>> AvailableLotsAsync(Guid customerId, CancellationToken ct = default) =>
        db.CreditLots.Where(l => l.CustomerId == customerId && l.Status == LotStatus.Available && l.RemainingCents > 0)
            .OrderBy(l => l.ExpiresAt == null).ThenBy(l => l.ExpiresAt).ThenBy(l => l.AvailableAt).ThenBy(l => l.Id)
            .ToListAsync(ct);

    /// <summary>
    /// Expires what is left of the customer's available lots past their expiry (the account must be locked), so that
    /// credit past its date is never spent or turned into a voucher, whether or not the expiry job has run yet.
    /// Saves (not commits) so that the lot queries after it see the lots gone. Returns how many lots and how much.
    /// </summary>
    public async Task<(int Lots, long Cents)> ExpireDueLotsAsync(Account account, CancellationToken ct = default)
    {
        var lots = await db.CreditLots
            .Where(l => l.CustomerId == account.CustomerId && l.Status == LotStatus.Available && l.ExpiresAt <= now && l.RemainingCents > 0)
            .OrderBy(l => l.ExpiresAt).ToListAsync(ct);
        if (lots.Count == 0) return (0, 0);
        var cents = lots.Sum(l => l.RemainingCents);
        foreach (var lot in lots)
        {
            Post(account, EntryKind.Expire, $"Cashback credited on {lot.CreatedAt:yyyy-MM-dd} expired", available: -lot.RemainingCents, purchaseId: lot.PurchaseId, lot: lot,
                text: EntryText.Expire(lot.CreatedAt));
            Emit(Events.CashbackExpired, account.CustomerId, lot.Id, new { lotId = lot.Id, amountCents = lot.RemainingCents });
            lot.RemainingCents = 0;
            lot.Status = LotStatus.Expired;
        }
        await db.SaveChangesAsync(ct);
        return (lots.Count, cents);
    }

    /// <summary>Takes an amount from available lots, oldest-expiring first. The caller posts the matching entry.</summary>
    public async Task ConsumeAvailableAsync(Guid customerId, long amountCents, CancellationToken ct = default)
    {
        var left = amountCents;
        foreach (var lot in await AvailableLotsAsync(customerId, ct))
        {
            if (left == 0) break;
            var take = Math.Min(left, lot.RemainingCents);
            lot.RemainingCents -= take;
            if (lot.RemainingCents == 0) lot.Status = LotStatus.Spent;
            left -= take;
        }
        if (left > 0) throw new InvalidOperationException($"Ledger bug: lots of customer {customerId} hold less than the available balance.");
    }

    public void Emit(string type, Guid? customerId, Guid? subjectId, object payload) =>
        db.OutboxEvents.Add(OutboxEvent.Of(type, customerId, subjectId, payload, now));

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
