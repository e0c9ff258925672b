namespace Smartbis.Web.Pages.Portal;

/// <summary>Marker for the customer portal's UI strings (PortalText.pt-BR.resx; the English text is the key).</summary>
public sealed class PortalText;
