using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// Opens each sign-in cookie (staff and member) once per node and minute instead of on every request. Opening one is
/// a Data Protection unprotect (key derivation, MAC check, decryption) and a ticket deserialization: measured at 2–3%
/// of the app's CPU on the counter and the portal, where every page and form post carries the cookie.
/// <para>
/// The cache maps the cookie's exact protected text to the ticket it opened to, so it can only return what opening
/// that same text would: a changed, forged or truncated cookie is a different key and is opened (and refused) as
/// before; a text that fails to open is never cached. Every check that happens after opening still runs on every
/// request: the ticket's expiry, the sliding renewal and the session checks of OnValidatePrincipal (a signed-out or
/// revoked session is refused at once on every node). Each request gets its own copy of the principal and properties:
/// handlers and claims code may change them. A revoked Data Protection key stops opening cookies after at most
/// <see cref="Lifetime"/> on each node.
/// </para>
/// </summary>
public sealed class CachedTicketFormat(string scheme, ISecureDataFormat<AuthenticationTicket> inner, CookieTicketCache cache) : ISecureDataFormat<AuthenticationTicket>
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (string.IsNullOrEmpty(protectedText)) return inner.Unprotect(protectedText, purpose);
        // The scheme is part of the key: one scheme's cookie text must never open as another's (each has its own protector).
        var key = (scheme, protectedText, purpose);
        if (!cache.Tickets.TryGetValue(key, out AuthenticationTicket? ticket))
        {
            ticket = inner.Unprotect(protectedText, purpose);
            if (ticket is null) return null;
            cache.Tickets.Set(key, ticket, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        }
        // A deep copy (each identity and its claims, the properties): ClaimsPrincipal.Clone() would share the identities.
        return ticket!.Clone();
    }
}

/// <summary>The node's opened cookies, shared by the cookie schemes (keyed by scheme).</summary>
public sealed class CookieTicketCache : IDisposable
{
    /// <summary>Tickets kept per node (one per signed-in browser active in the last minute); the oldest go first beyond it.</summary>
    public const int Capacity = 20_000;

    public MemoryCache Tickets { get; } = new(new MemoryCacheOptions { SizeLimit = Capacity, CompactionPercentage = 0.25 });

    public void Dispose() => Tickets.Dispose();
}

/// <summary>Wraps the ticket format each cookie scheme was given (runs after the framework's own post-configure).</summary>
public sealed class WrapCookieTickets(CookieTicketCache cache) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (options.TicketDataFormat is null)
            throw new InvalidOperationException("AddCachedCookieTickets must come after the cookie schemes are added.");
        if (options.TicketDataFormat is not CachedTicketFormat)
            options.TicketDataFormat = new CachedTicketFormat(name ?? "", options.TicketDataFormat, cache);
    }
}

public static class CachedCookieTickets
{
    /// <summary>Call after every AddCookie: post-configure steps run in the order they were added.</summary>
    public static IHostApplicationBuilder AddCachedCookieTickets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CookieTicketCache>();
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, WrapCookieTickets>();
        return builder;
    }
}
