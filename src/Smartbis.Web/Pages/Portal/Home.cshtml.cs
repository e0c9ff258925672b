using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// The member's home: available balance (big), pending with the date each part becomes available, what expires in the
/// next 30 days, vouchers with code and QR, the card code and its QR for the counter, recent activity in words.
/// </summary>
public sealed class HomeModel(SmartbisDb db, TimeProvider clock) : PortalPage
{
    public sealed record DatedAmount(DateTimeOffset At, long Cents);
    public sealed record VoucherRow(string Code, long ValueCents, DateTimeOffset ExpiresAt);
    public sealed record ActivityRow(DateTimeOffset At, EntryKind Kind, string Reason, long Pending, long Available, long Voucher, int? RateBps, string? Store,
        string? Text = null, System.Text.Json.JsonDocument? TextValues = null, string? VoucherCode = null, long Clawback = 0);

    public Balances Balances { get; private set; } = new(0, 0, 0, 0);
    public List<DatedAmount> Pending { get; private set; } = [];
    public List<DatedAmount> Expiring { get; private set; } = [];
    public List<VoucherRow> Vouchers { get; private set; } = [];
    public List<ActivityRow> Activity { get; private set; } = [];
    public string CardCode { get; private set; } = "";
    /// <summary>When this page was made (tenant's time), for the offline copy the service worker may show later.</summary>
    public string ShownAt { get; private set; } = "";
    public Features.Tiers.TierStatus? Tier { get; private set; }
    public List<Features.Challenges.ChallengeProgress> Challenges { get; private set; } = [];
    public string FirstName => (CustomerName ?? "").Trim().Split(' ', 2)[0];

    public async Task<IActionResult> OnGetAsync()
    {
        // One connection for the page's reads (EF would otherwise take a pooled connection per query), given back
        // before the page renders: what this code opens, it closes, whatever happens (bench/NOTES.md, item 44).
        await db.Database.OpenConnectionAsync();
        try
        {
            return await ReadPageAsync();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<IActionResult> ReadPageAsync()
    {
        if (!await LoadAsync(db, readMember: false)) return NotFound();
        if (SessionCustomerId is not { } me || await ReadAsync(me) is not { } home) return ToSignIn();
        SignedIn(me, home.Name);
        ViewData["PortalNav"] = "home";
        var now = clock.GetUtcNow();
        ShownAt = Local(now).ToString("g", Infrastructure.Locales.Culture(Tenant.Locale));
        Balances = home.Balances ?? Balances;
        CardCode = home.CardCode;
        Pending = GroupByLocalDay(home.Lots.Where(l => l.Status == LotStatus.Pending).Select(l => new DatedAmount(l.AvailableAt, l.RemainingCents)).ToList());
        Expiring = GroupByLocalDay(home.Lots.Where(l => l.Status == LotStatus.Available).Select(l => new DatedAmount(l.ExpiresAt!.Value, l.RemainingCents)).ToList());
        Vouchers = home.Vouchers;
        Activity = home.Activity;
        // Both read only the configuration cache when the tenant has no tiers and no challenges.
        Tier = await Features.Tiers.TierStatus.ForCustomerAsync(db, me, now);
        Challenges = await Features.Challenges.ChallengeProgress.ForCustomerAsync(db, me, now);
        return Page();
    }

    private sealed record LotRow(LotStatus Status, DateTimeOffset AvailableAt, DateTimeOffset? ExpiresAt, long RemainingCents);
    private sealed record HomeRead(string Name, string CardCode, Balances? Balances, List<LotRow> Lots, List<VoucherRow> Vouchers, List<ActivityRow> Activity);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// Everything the page shows of an active member in one statement (one round trip, one implicit transaction): the
    /// name, the card and balances, the pending lots and those expiring within 30 days, the live vouchers, and the latest
    /// 20 entries with their purchase's store and voucher code, as one JSON document. Null when the member is not active.
    /// Raw SQL skips EF's tenant query filter, so each table states the tenant itself (row-level security still applies:
    /// the command goes through EF, whose interceptor sets the tenant of the transaction).
    /// </summary>
    private async Task<HomeRead?> ReadAsync(Guid me)
    {
        var tenant = Tenant.Id;
        var now = clock.GetUtcNow();
        var horizon = now.AddDays(30);
        string pending = nameof(LotStatus.Pending), available = nameof(LotStatus.Available), issued = nameof(VoucherStatus.Issued);
        var json = await db.Database.SqlQuery<string>($"""
            SELECT json_build_object(
                'name', c.name,
                'cardCode', c.card_code,
                'balances', (SELECT json_build_object('pendingCents', a.pending_cents, 'availableCents', a.available_cents,
                        'clawbackCents', a.clawback_cents, 'voucherCents', a.voucher_cents)
                    FROM accounts a WHERE a.tenant_id = {tenant} AND a.customer_id = c.id),
                'lots', (SELECT coalesce(json_agg(json_build_object('status', l.status, 'availableAt', l.available_at,
                        'expiresAt', l.expires_at, 'remainingCents', l.remaining_cents)), '[]')
                    FROM credit_lots l
                    WHERE l.tenant_id = {tenant} AND l.customer_id = c.id AND l.remaining_cents > 0
                      AND (l.status = {pending} OR (l.status = {available} AND l.expires_at IS NOT NULL AND l.expires_at <= {horizon}))),
                'vouchers', (SELECT coalesce(json_agg(json_build_object('code', v.code, 'valueCents', v.value_cents,
                        'expiresAt', v.expires_at) ORDER BY v.expires_at), '[]')
                    FROM vouchers v
                    WHERE v.tenant_id = {tenant} AND v.customer_id = c.id AND v.status = {issued} AND v.expires_at > {now}),
                'activity', (SELECT coalesce(json_agg(json_build_object('at', e.created_at, 'kind', e.kind, 'reason', e.reason,
                        'pending', e.pending_delta_cents, 'available', e.available_delta_cents, 'voucher', e.voucher_delta_cents,
                        'rateBps', e.rate_bps, 'store', st.name, 'text', e.text, 'textValues', e.text_values, 'voucherCode', v.code,
                        'clawback', e.clawback_delta_cents) ORDER BY e.created_at DESC, e.id DESC), '[]')
                    FROM (SELECT * FROM ledger_entries
                          WHERE tenant_id = {tenant} AND customer_id = c.id
                          ORDER BY created_at DESC, id DESC LIMIT 20) e
                    LEFT JOIN purchases p ON p.tenant_id = {tenant} AND p.id = e.purchase_id
                    LEFT JOIN stores st ON st.tenant_id = {tenant} AND st.id = p.store_id
                    LEFT JOIN vouchers v ON v.tenant_id = {tenant} AND v.id = e.voucher_id)
            )::text AS "Value"
            FROM customers c
            WHERE c.tenant_id = {tenant} AND c.id = {me} AND c.status = {nameof(CustomerStatus.Active)} AND c.joined_at IS NOT NULL
            """).ToListAsync(HttpContext.RequestAborted);
        return json.Count == 0 ? null : JsonSerializer.Deserialize<HomeRead>(json[0], Json);
    }

    /// <summary>Parts that become available (or expire) on the same local day are one line.</summary>
    private List<DatedAmount> GroupByLocalDay(List<DatedAmount> rows) =>
        rows.GroupBy(r => DateOnly.FromDateTime(Local(r.At)))
            .OrderBy(g => g.Key)
            .Select(g => new DatedAmount(g.Min(r => r.At), g.Sum(r => r.Cents)))
            .ToList();

    /// <summary>An entry in the member's words, in the UI language (<see cref="EntryText"/>).</summary>
    public string Describe(ActivityRow e) =>
        EntryText.Render(new EntryText.View(e.Kind, e.Text, e.TextValues, e.Reason, e.Pending, e.Available, e.Clawback, e.Voucher, e.RateBps, e.Store, e.VoucherCode),
            Infrastructure.TextContext.For(Tenant, RewardType));

    /// <summary>The amount to show: a gain or a loss of the member, or a move between buckets shown without a sign.</summary>
    public string Amount(ActivityRow e) => e.Kind switch
    {
        EntryKind.Release => Reward(e.Available),
        EntryKind.VoucherIssue => Money(e.Voucher),
        EntryKind.VoucherCancel => Money(e.Available),
        EntryKind.ClawbackOffset => Reward(-e.Clawback), // part of an earning that paid what was owed: no gain, no loss
        // A voucher's value is money even in a points program.
        _ when e.Pending == 0 && e.Available == 0 && e.Clawback == 0 && e.Voucher != 0 => e.Voucher > 0 ? "+" + Money(e.Voucher) : "−" + Money(-e.Voucher),
        _ => Signed(e.Pending + e.Available + e.Voucher - e.Clawback), // owing more is a loss too
    };

    private string Signed(long amount) => amount switch { > 0 => "+" + Reward(amount), < 0 => "−" + Reward(-amount), _ => Reward(0) };
}
