namespace Smartbis.Web.Pages.App;

/// <summary>Marker for the merchant dashboard's and sign-up's UI strings (DashboardText.pt-BR.resx; English is the key).</summary>
public sealed class DashboardText;
