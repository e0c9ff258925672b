using Microsoft.Extensions.Localization;

namespace Smartbis.Web.Pages.App.Rewards;

/// <summary>
/// Marker for the reward catalogue's UI strings on the dashboard, the portal and the counter (RewardsText.pt-BR.resx;
/// English is the key).
/// </summary>
public sealed class RewardsText
{
    /// <summary>The nav item's text, for the shared layout.</summary>
    public static string Nav(HttpContext http) =>
        http.RequestServices.GetRequiredService<IStringLocalizer<RewardsText>>()["Rewards"];
}
