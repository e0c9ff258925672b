using Microsoft.Extensions.Localization;

namespace Smartbis.Web.Pages.App.Integrations;

/// <summary>Marker for the Integrations page's UI strings (IntegrationsText.pt-BR.resx; English is the key).</summary>
public sealed class IntegrationsText
{
    /// <summary>The nav item's text, for the shared layout.</summary>
    public static string Nav(HttpContext http) =>
        http.RequestServices.GetRequiredService<IStringLocalizer<IntegrationsText>>()["Integrations"];
}
