namespace Smartbis.Web.Pages.Unsubscribe;

/// <summary>Marker for the opt-out page's strings (UnsubscribeText.pt-BR.resx; the English text is the key).</summary>
public sealed class UnsubscribeText;
