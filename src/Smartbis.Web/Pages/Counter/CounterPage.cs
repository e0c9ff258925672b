using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Counter;

/// <summary>What every counter page needs: the tenant's money format, the store, localized operation errors.</summary>
public abstract class CounterPage(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<CounterText> l) : PageModel
{
    protected SmartbisDb Db => db;
    protected TimeProvider Clock => clock;
    public CurrentStaff Staff => staff;
    public IStringLocalizer<CounterText> L => l;
    public CounterStore.StoreView? Store { get; protected set; }

    public string CurrencyCode => staff.Tenant?.CurrencyCode ?? "BRL";
    public string Locale => staff.Tenant?.Locale ?? "pt-BR";
    public string CurrencyName => staff.Tenant?.CurrencyName ?? "Cashback";
    public string TimeZone => staff.Tenant?.TimeZone ?? "America/Sao_Paulo";

    public string Fmt(long cents) => Money.Format(cents, CurrencyCode, Locale);

    /// <summary>Cashback or points: the program's unit of balances and earnings (loaded with the store).</summary>
    public RewardType RewardType { get; private set; }
    public bool IsPoints => RewardType == RewardType.Points;

    /// <summary>A balance or an earning in the program's unit: "R$ 12,34" or "1.234 Pontos Aurora" (<see cref="RewardUnits"/>).</summary>
    public string Reward(long amount) => RewardUnits.Format(amount, RewardType, CurrencyName, CurrencyCode, Locale);

    /// <summary>Cents as the cashier types them back ("12,34" in pt-BR).</summary>
    public string Plain(long cents) => (cents / 100m).ToString("0.00", Locales.Culture(Locale));

    public long? ParseMoney(string? text) => Money.Parse(text, Locale);

    public DateTimeOffset Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Locales.Zone(TimeZone));

    public string When(DateTimeOffset at) => Local(at).ToString("g", CultureInfo.CurrentCulture);
    public string Day(DateTimeOffset at) => Local(at).ToString("d", CultureInfo.CurrentCulture);
    public string Time(DateTimeOffset at) => Local(at).ToString("t", CultureInfo.CurrentCulture);

    protected async Task LoadStoreAsync()
    {
        Store = await CounterStore.CurrentAsync(HttpContext, db, staff, HttpContext.RequestAborted);
        RewardType = await RewardUnits.OfTenantAsync(db, HttpContext.RequestAborted);
    }

    /// <summary>Puts an operation's field errors beside the form fields, in the user's language.</summary>
    protected void AddErrors(OperationFailed e, string prefix, IReadOnlyDictionary<string, string> fields)
    {
        foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
        {
            var key = fields.TryGetValue(field, out var mapped) ? $"{prefix}.{mapped}" : "";
            foreach (var message in messages) ModelState.AddModelError(key, message);
        }
    }

    /// <summary>
    /// A field's value as asp-for shows it: what was posted (kept in ModelState, also when it did not parse), else the
    /// model's. For forms written in plain HTML (the purchase form, rendered on every search).
    /// </summary>
    public string FieldValue(string name, string? model) =>
        ModelState.TryGetValue(name, out var entry) && entry.RawValue is { } raw
            ? raw is string[] values ? values.FirstOrDefault() ?? "" : Convert.ToString(raw, CultureInfo.InvariantCulture) ?? ""
            : model ?? "";

    /// <summary>A field's first error message, null when it has none (asp-validation-for's rule).</summary>
    public string? FieldError(string name) =>
        ModelState.TryGetValue(name, out var entry) && entry.Errors.Count > 0
            ? (entry.Errors.FirstOrDefault(e => !string.IsNullOrEmpty(e.ErrorMessage)) ?? entry.Errors[0]).ErrorMessage
            : null;

    /// <summary>An input's classes, with asp-for's "input-validation-error" added when the field has an error.</summary>
    public string InputClass(string name, string css) => FieldError(name) is null ? css : css + " input-validation-error";

    protected static string NewKey() => "counter-" + Guid.NewGuid().ToString("N");

    protected static void ClearPrefix(ModelStateDictionary state, string prefix)
    {
        foreach (var key in state.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList()) state.Remove(key);
    }
}
