using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Security;

/// <summary>
/// The sign-in cookies are opened once a minute per node (<see cref="CachedTicketFormat"/>): the cache may only ever
/// answer what opening the same text would. A changed cookie, or one scheme's cookie offered as another's, opens to
/// nothing; each request gets its own copy of the principal. (Sign-out and revocation on every request, through the
/// cache, are <see cref="SessionRevocationTests"/>.)
/// </summary>
public sealed class CookieTicketCacheTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private ISecureDataFormat<AuthenticationTicket> Format(string scheme) =>
        fixture.Factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(scheme).TicketDataFormat;

    private static AuthenticationTicket Ticket(string scheme, string user) =>
        new(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim("role", "Cashier")], scheme)),
            new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) }, scheme);

    [Fact]
    public void Both_sign_in_cookies_are_opened_through_the_cache()
    {
        Format(IdentityConstants.ApplicationScheme).Should().BeOfType<CachedTicketFormat>();
        Format(CustomerSession.Scheme).Should().BeOfType<CachedTicketFormat>();
    }

    [Fact]
    public void A_cached_cookie_opens_to_a_fresh_copy_each_time()
    {
        var format = Format(IdentityConstants.ApplicationScheme);
        var text = format.Protect(Ticket(IdentityConstants.ApplicationScheme, "user-a"));

        var first = format.Unprotect(text)!;
        first.Principal.FindFirstValue(ClaimTypes.NameIdentifier).Should().Be("user-a");
        // A reader that changes what it got (claims, properties) changes nothing for the next request.
        ((ClaimsIdentity)first.Principal.Identity!).AddClaim(new Claim("role", "Owner"));
        first.Properties.Items["changed"] = "yes";

        var second = format.Unprotect(text)!;
        second.Should().NotBeSameAs(first);
        second.Principal.FindAll("role").Select(c => c.Value).Should().Equal("Cashier");
        second.Properties.Items.Should().NotContainKey("changed");
        second.Properties.ExpiresUtc.Should().Be(first.Properties.ExpiresUtc);
    }

    [Fact]
    public void A_changed_cookie_or_another_schemes_cookie_opens_to_nothing()
    {
        var staff = Format(IdentityConstants.ApplicationScheme);
        var text = staff.Protect(Ticket(IdentityConstants.ApplicationScheme, "user-b"));
        staff.Unprotect(text).Should().NotBeNull(); // now cached

        // The member cookie's scheme never opens a staff cookie, cached or not (each scheme has its own protector).
        Format(CustomerSession.Scheme).Unprotect(text).Should().BeNull();
        // One character changed is another text: opened (and refused) as before.
        var i = text.Length / 2;
        var changed = text[..i] + (text[i] == 'A' ? 'B' : 'A') + text[(i + 1)..];
        staff.Unprotect(changed).Should().BeNull();
        staff.Unprotect(text + "x").Should().BeNull();
        staff.Unprotect("").Should().BeNull();
    }

    [Fact]
    public void New_keys_encrypt_with_AES_256_GCM_and_still_round_trip()
    {
        var options = fixture.Factory.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;
        var configuration = options.AuthenticatedEncryptorConfiguration.Should().BeOfType<AuthenticatedEncryptorConfiguration>().Subject;
        configuration.EncryptionAlgorithm.Should().Be(EncryptionAlgorithm.AES_256_GCM);

        var protector = fixture.Factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie-ticket-cache-test");
        protector.Unprotect(protector.Protect("secret at rest")).Should().Be("secret at rest");
    }
}
