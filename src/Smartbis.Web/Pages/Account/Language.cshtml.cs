using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Account;

/// <summary>Remembers the chosen UI language in a cookie and goes back where the user was.</summary>
public sealed class LanguageModel : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost(string culture, string? returnUrl)
    {
        if (WebSetup.Cultures.Any(c => c.Name == culture)) Languages.Remember(Response, culture);
        return LocalRedirect(!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
