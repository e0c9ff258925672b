using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// The values a template sees, formatted for the customer's language and the tenant's currency and time zone.
/// Every variable of the trigger has a value (empty when it does not apply), so templates can test <c>!= ''</c>.
/// </summary>
public static class TemplateVariables
{
    public static async Task<Dictionary<string, string>> ForMessageAsync(SmartbisDb db, Message m, Tenant tenant, MessagingSettings settings, string baseUrl, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == m.CustomerId, ct);
        var balance = await db.Accounts.Where(a => a.CustomerId == customer.Id).Select(a => a.AvailableCents).SingleOrDefaultAsync(ct);
        var refs = References(m);
        var voucherCode = refs.VoucherCode;
        if (voucherCode is null && refs.VoucherId is { } voucherId)
            voucherCode = await db.Vouchers.Where(v => v.Id == voucherId).Select(v => v.Code).SingleOrDefaultAsync(ct);
        string? store = null;
        if (refs.StoreId is { } storeId)
            store = await db.Stores.Where(s => s.Id == storeId).Select(s => s.Name).SingleOrDefaultAsync(ct);
        return ForMessage(m, tenant, settings, baseUrl, customer.Id, customer.Name, balance, voucherCode, store, await RewardUnits.OfTenantAsync(db, ct));
    }

    /// <summary>The voucher and store a message's variables point at, for callers that read them in bulk.</summary>
    public static (string? VoucherCode, Guid? VoucherId, Guid? StoreId) References(Message m)
    {
        var p = m.Variables.RootElement;
        string? Str(string name) => p.TryGetProperty(name, out var x) && x.ValueKind == JsonValueKind.String ? x.GetString() : null;
        return (Str("voucherCode"), Guid.TryParse(Str("voucherId"), out var v) ? v : null, Guid.TryParse(Str("storeId"), out var s) ? s : null);
    }

    /// <summary>The values for a message once its customer, balance, voucher code and store name are known.</summary>
    public static Dictionary<string, string> ForMessage(Message m, Tenant tenant, MessagingSettings settings, string baseUrl,
        Guid customerId, string customerName, long balanceCents, string? voucherCode, string? store, RewardType rewardType = RewardType.Cashback)
    {
        var p = m.Variables.RootElement;
        string? Str(string name) => p.TryGetProperty(name, out var x) && x.ValueKind == JsonValueKind.String ? x.GetString() : null;
        long? Cents(string name) => p.TryGetProperty(name, out var x) && x.ValueKind == JsonValueKind.Number ? x.GetInt64() : null;
        var optOut = OptOutLinks.Url(baseUrl, tenant.Id, customerId, m.Channel, settings.LinkKey);
        return Build(tenant, m.Locale, m.Trigger, customerName, balanceCents, baseUrl, optOut,
            Cents("amountCents"), voucherCode, Date(Str("expiresAt")), Date(Str("availableAt")), store, Cents("days"),
            Str("tier"), Date(Str("reviewAt")), Cents("missingCents"), Cents("missingPoints"), rewardType);
    }

    /// <summary>A sample customer for the editor's preview and test send.</summary>
    public static Dictionary<string, string> Sample(Tenant tenant, string locale, string trigger, string baseUrl, DateTimeOffset now,
        RewardType rewardType = RewardType.Cashback) =>
        Build(tenant, locale, trigger, locale == "en" ? "Ana Silva" : "Ana Souza", rewardType == RewardType.Points ? 375 : 37_50, baseUrl, $"{baseUrl.TrimEnd('/')}/unsubscribe/sample",
            trigger == Triggers.Birthday ? 10_00 : 20_00, trigger is Triggers.VoucherIssued or Triggers.ExpiringSoon ? "ABCD-EFGH-JKLM" : null,
            now.AddDays(30), trigger == Triggers.CashbackEarned ? now.AddDays(7) : null, trigger == Triggers.CashbackEarned ? tenant.Name + " Centro" : null, 60,
            "Gold", now.AddDays(14), 120_00, null, rewardType);

    public static Dictionary<string, string> Build(Tenant tenant, string locale, string trigger, string name, long balanceCents, string baseUrl, string optOutLink,
        long? amountCents, string? voucherCode, DateTimeOffset? expiresAt, DateTimeOffset? availableAt, string? store, long? days,
        string? tier = null, DateTimeOffset? reviewAt = null, long? missingCents = null, long? missingPoints = null,
        RewardType rewardType = RewardType.Cashback)
    {
        // The balance and ledger amounts are in the program's unit: money ("R$ 37,50") for cashback; for points the bare number
        // ("375"), since templates name {{ currency_name }} beside it ("375 de Pontos Aurora"). A voucher's value is money.
        string Units(long amount) => trigger == Triggers.VoucherIssued || rewardType != RewardType.Points
            ? Money.Format(amount, tenant.CurrencyCode, DefaultTemplates.NormalizeLocale(locale))
            : RewardUnits.Number(amount, DefaultTemplates.NormalizeLocale(locale));
        var lang = DefaultTemplates.NormalizeLocale(locale);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        string Fmt(DateTimeOffset? d) => d is { } v ? TimeZoneInfo.ConvertTime(v, zone).ToString("d", CultureInfo.GetCultureInfo(lang)) : "";
        var all = new Dictionary<string, string>
        {
            ["first_name"] = name.Trim().Split(' ', 2)[0],
            ["brand"] = tenant.Name,
            ["currency_name"] = tenant.CurrencyName,
            ["balance"] = rewardType == RewardType.Points ? RewardUnits.Number(balanceCents, lang) : Money.Format(balanceCents, tenant.CurrencyCode, lang),
            ["portal_link"] = $"{baseUrl.TrimEnd('/')}/{tenant.Slug}",
            ["opt_out_link"] = optOutLink,
            ["amount"] = amountCents is { } a ? Units(a) : "",
            ["voucher_code"] = voucherCode is null ? "" : (voucherCode.Contains('-') ? voucherCode : Codes.Display(voucherCode)),
            ["expiry_date"] = Fmt(expiresAt),
            ["available_date"] = Fmt(availableAt),
            ["store"] = store ?? "",
            ["days"] = days?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["tier"] = tier ?? "",
            ["review_date"] = Fmt(reviewAt),
            // Spend is money; the PointsEarned measure is in the program's unit ("1.234 Pontos Aurora").
            ["to_keep"] = missingCents is { } mc ? Money.Format(mc, tenant.CurrencyCode, lang)
                : missingPoints is { } mp ? RewardUnits.Format(mp, rewardType, tenant.CurrencyName, tenant.CurrencyCode, lang) : "",
        };
        var allowed = Triggers.Find(trigger)?.Variables ?? Triggers.Common;
        return all.Where(kv => allowed.Contains(kv.Key)).ToDictionary();
    }

    private static DateTimeOffset? Date(string? iso) => DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var d) ? d : null;

    public static EmailLayout Layout(Tenant tenant, string locale) => DefaultTemplates.NormalizeLocale(locale) == "en"
        ? new EmailLayout(tenant.Name, tenant.PrimaryColor, "Unsubscribe from these emails", $"You receive this email because you joined the {tenant.Name} {tenant.CurrencyName} program.")
        : new EmailLayout(tenant.Name, tenant.PrimaryColor, "Não quero mais receber estes emails", $"Você recebe este email porque participa do programa {tenant.CurrencyName} da {tenant.Name}.");
}
