namespace Smartbis.Web.Pages.App.Tiers;

/// <summary>Marker for the tiers and challenges pages' strings (TiersText.pt-BR.resx; the English text is the key).</summary>
public sealed class TiersText
{
    /// <summary>A string for the shared layout's navigation, without another @inject there.</summary>
    public static string Nav(HttpContext http, string text) =>
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<TiersText>>()[text];
}
