using Microsoft.Extensions.Localization;

namespace Smartbis.Web.Pages.Counter;

/// <summary>Marker for the counter's UI strings (CounterText.pt-BR.resx; the English text is the key).</summary>
public sealed class CounterText
{
    /// <summary>A counter string for the shared layout's navigation, without another @inject there.</summary>
    public static string Nav(HttpContext http, string text) =>
        http.RequestServices.GetRequiredService<IStringLocalizer<CounterText>>()[text];
}
