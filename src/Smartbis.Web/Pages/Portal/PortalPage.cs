using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// Base of the portal pages: the tenant from the route (set by TenantRouteMiddleware; none → 404), the signed-in
/// member of this tenant (their own cookie scheme; a session of another tenant does not count), and the brand.
/// </summary>
public abstract partial class PortalPage : PageModel
{
    public Tenant Tenant { get; private set; } = null!;
    /// <summary>The signed-in, active member of this tenant, or null.</summary>
    public Guid? CustomerId { get; private set; }
    public string? CustomerName { get; private set; }

    protected IStringLocalizer<PortalText> P => HttpContext.RequestServices.GetRequiredService<IStringLocalizer<PortalText>>();

    /// <summary>
    /// Loads the tenant and the session; false when the tenant is unknown or suspended (answer 404). With
    /// <paramref name="readMember"/> false the caller reads the member itself (in its own query, saving a round trip): the
    /// cookie's member, of an open session, is then in <see cref="SessionCustomerId"/> until the caller calls
    /// <see cref="SignedIn"/> for an active member.
    /// </summary>
    protected async Task<bool> LoadAsync(SmartbisDb db, bool readMember = true)
    {
        if (TenantRouteMiddleware.Current(HttpContext) is not { } tenant) return false;
        Tenant = tenant;
        ViewData["PortalTenant"] = tenant;
        RewardType = await Features.Programs.RewardUnits.OfTenantAsync(db);
        ViewData["PortalCatalogue"] = IsPoints; // the reward catalogue is a points program's: no link to it for cashback
        if (await CustomerSession.CustomerIdAsync(HttpContext, tenant.Id) is { } id)
        {
            SessionCustomerId = id;
            if (!readMember) return true;
            // A blocked or deleted member's cookie no longer opens anything.
            var member = await db.Customers.Where(c => c.Id == id && c.Status == CustomerStatus.Active && c.JoinedAt != null)
                .Select(c => new { c.Name }).SingleOrDefaultAsync();
            if (member is not null) SignedIn(id, member.Name);
        }
        return true;
    }

    /// <summary>The member of the cookie's open session, before the check that they are still an active member.</summary>
    protected Guid? SessionCustomerId { get; private set; }

    /// <summary>The session's member is an active member: the page is theirs.</summary>
    protected void SignedIn(Guid id, string name)
    {
        CustomerId = id;
        CustomerName = name;
        ViewData["PortalSignedIn"] = true;
    }

    /// <summary>For pages of signed-in members: the redirect to sign in when there is no session.</summary>
    protected IActionResult ToSignIn() => Redirect($"/{Tenant.Slug}/signin");

    public string Link(string path = "") => $"/{Tenant.Slug}{path}";

    /// <summary>Money (a voucher's value, a purchase amount).</summary>
    public string Money(long cents) => Infrastructure.Money.Format(cents, Tenant.CurrencyCode, Tenant.Locale);

    /// <summary>Cashback or points: the program's unit of balances and earnings.</summary>
    public Features.Programs.RewardType RewardType { get; private set; }
    public bool IsPoints => RewardType == Features.Programs.RewardType.Points;

    /// <summary>A balance or earning in the program's unit: "R$ 12,34" or "1.234 Pontos Aurora".</summary>
    public string Reward(long amount) => Features.Programs.RewardUnits.Format(amount, RewardType, Tenant);

    /// <summary>A date in the tenant's time zone and locale.</summary>
    public string Date(DateTimeOffset at) => Local(at).ToString("d", Locales.Culture(Tenant.Locale));

    public DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).DateTime;

    private TimeZoneInfo Zone => Locales.Zone(Tenant.TimeZone);

    /// <summary>Shows an operation's refusal beside its fields, in the UI language.</summary>
    protected void ShowErrors(OperationFailed failed, IReadOnlyDictionary<string, string>? fieldMap = null)
    {
        foreach (var (field, messages) in ErrorTexts.Render(failed, HttpContext))
        {
            var key = fieldMap is not null && fieldMap.TryGetValue(field, out var mapped) ? mapped : field;
            foreach (var message in messages) ModelState.AddModelError(key, message);
        }
    }

    public static string BrandColor(Tenant t) => HexColor().IsMatch(t.PrimaryColor) ? t.PrimaryColor : "#0d6efd";

    /// <summary>Black or white, whichever reads better on the brand colour (WCAG relative luminance).</summary>
    public static string ContrastColor(string hex)
    {
        var h = hex.TrimStart('#');
        if (h.Length == 3) h = string.Concat(h.Select(c => $"{c}{c}"));
        double Channel(int i)
        {
            var v = Convert.ToInt32(h.Substring(i, 2), 16) / 255.0;
            return v <= 0.03928 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        }
        var l = 0.2126 * Channel(0) + 0.7152 * Channel(2) + 0.0722 * Channel(4);
        return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff";
    }

    [GeneratedRegex("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    private static partial Regex HexColor();
}
