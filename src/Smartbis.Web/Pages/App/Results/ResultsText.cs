namespace Smartbis.Web.Pages.App.Results;

/// <summary>Marker for the results pages' strings (ResultsText.pt-BR.resx; the English text is the key).</summary>
public sealed class ResultsText
{
    /// <summary>A string for the shared layout's navigation, without another @inject there.</summary>
    public static string Nav(HttpContext http, string text) =>
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<ResultsText>>()[text];
}
