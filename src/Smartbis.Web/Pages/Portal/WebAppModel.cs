using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Smartbis.Web.Data;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// The portal as an installable web app, per merchant: /{tenant}/manifest.webmanifest (name, brand colour, icon, start
/// at the balance), /{tenant}/icon.svg (the merchant's initial on its colour) and /{tenant}/sw.js, a service worker that
/// keeps the last balance page it showed so that, offline, the home screen icon still opens the last balance. Nothing
/// here reads a member's data; the cached page lives only on the member's device and is dropped when they sign out.
/// </summary>
public sealed class WebAppModel(SmartbisDb db) : PortalPage
{
    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync(db)) return NotFound();
        var path = Request.Path.Value ?? "";
        if (path.EndsWith("/sw.js", StringComparison.Ordinal))
        {
            Response.Headers.CacheControl = "no-cache"; // the browser checks for a new worker on every visit
            return Content(ServiceWorker, "text/javascript; charset=utf-8");
        }
        if (path.EndsWith("/icon.svg", StringComparison.Ordinal))
        {
            var initial = System.Net.WebUtility.HtmlEncode(Tenant.Name.Trim() is { Length: > 0 } n ? n[..1].ToUpperInvariant() : "S");
            var svg = $"""
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="96" fill="{BrandColor(Tenant)}"/><text x="256" y="340" font-family="Arial, Helvetica, sans-serif" font-size="280" font-weight="700" text-anchor="middle" fill="{ContrastColor(BrandColor(Tenant))}">{initial}</text></svg>
                """;
            return Content(svg, "image/svg+xml");
        }
        var slug = Tenant.Slug;
        var icons = new List<object> { new { src = $"/{slug}/icon.svg", sizes = "any", type = "image/svg+xml", purpose = "any" } };
        var manifest = new
        {
            id = $"/{slug}/",
            name = Tenant.Name,
            short_name = Tenant.Name.Length <= 12 ? Tenant.Name : Tenant.CurrencyName,
            description = P["{0} available", Tenant.CurrencyName].Value,
            lang = Tenant.Locale,
            start_url = $"/{slug}/home",
            scope = $"/{slug}/",
            display = "standalone",
            theme_color = BrandColor(Tenant),
            background_color = "#ffffff",
            icons,
        };
        return Content(JsonSerializer.Serialize(manifest), "application/manifest+json");
    }

    /// <summary>
    /// Network first; the balance page (/{tenant}/home) and the stylesheets are kept from their last good answer and
    /// served from the cache only when the network fails. A redirect (signed out) drops the kept page.
    /// </summary>
    private const string ServiceWorker = """
        // Smartbis portal service worker: the last balance page, offline.
        const scope = self.location.pathname.replace(/sw\.js$/, '');
        const home = scope + 'home';
        const cacheName = 'smartbis-portal' + scope;
        self.addEventListener('install', () => self.skipWaiting());
        self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));
        self.addEventListener('fetch', event => {
          const request = event.request;
          if (request.method !== 'GET') return;
          const url = new URL(request.url);
          if (url.origin !== self.location.origin) return;
          const isHome = request.mode === 'navigate' && url.pathname === home;
          const isStyle = request.destination === 'style' || request.destination === 'script' && url.pathname.startsWith('/js/portal');
          if (!isHome && !isStyle) return;
          const key = isHome ? home : url.pathname;
          event.respondWith(fetch(request).then(response => {
            if (response.ok && !response.redirected) {
              const copy = response.clone();
              event.waitUntil(caches.open(cacheName).then(cache => cache.put(key, copy)));
            } else if (isHome) {
              event.waitUntil(caches.open(cacheName).then(cache => cache.delete(home)));
            }
            return response;
          }).catch(() => caches.open(cacheName).then(cache => cache.match(key)).then(cached => cached || Response.error())));
        });
        """;
}
