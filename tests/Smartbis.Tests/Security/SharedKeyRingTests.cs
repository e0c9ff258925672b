using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Automations;

namespace Smartbis.Tests.Security;

/// <summary>
/// Two app instances on one database stand for two web nodes behind a load balancer: the Data Protection key ring
/// lives in PostgreSQL, so what one node protects (a member's cookie, an antiforgery token, a WhatsApp token at rest)
/// the other reads, and the key is in the database rather than on either node's disk.
/// </summary>
public sealed class SharedKeyRingTests(DatabaseFixture fixture) : TwoNodes(fixture)
{
    [Fact]
    public async Task A_secret_protected_on_one_node_is_read_on_the_other_with_a_key_kept_in_the_database()
    {
        var protectedOnFirst = Fixture.Factory.Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector(WhatsAppTokens.Purpose).Protect("EAAG-whatsapp-token");

        Second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(WhatsAppTokens.Purpose)
            .Unprotect(protectedOnFirst).Should().Be("EAAG-whatsapp-token");

        // The payload names its key (bytes 4–19 after the magic header); that key must be a row of the shared table.
        var keyId = new Guid(WebEncoders.Base64UrlDecode(protectedOnFirst).AsSpan(4, 16));
        await using var db = Fixture.OpenDb();
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
        keys.Should().Contain(xml => xml!.Contains($"id=\"{keyId:D}\""), "the key ring is in PostgreSQL, not on a node's disk");
    }

    [Fact]
    public async Task A_member_signed_in_on_one_node_stays_signed_in_on_the_other_and_a_form_from_one_posts_to_the_other()
    {
        var t = await SecurityKit.SeedAsync(Fixture, "shared-keys");
        var cookies = new CookieContainer();
        using var first = new FormClient(Fixture.Factory.CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler(cookies)));
        using var other = new FormClient(Second.CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler(cookies)));

        await SecurityKit.PortalClientAsync(Fixture, t, first);
        using (var home = await other.GetAsync($"/{t.Slug}/home"))
            home.StatusCode.Should().Be(HttpStatusCode.OK, "the member's cookie, issued by the first node, is read by the second");

        // The page comes from the first node, its form is posted to the second (antiforgery cookie and token).
        var token = FormClient.FindAntiforgeryToken(await first.GetPageAsync($"/{t.Slug}/preferences"))!;
        using var posted = await other.PostAsync($"/{t.Slug}/preferences",
            [new("EmailConsent", "true"), new("WhatsAppConsent", "false"), new("Language", "en")], token);
        posted.StatusCode.Should().Be(HttpStatusCode.Redirect, "the antiforgery token of one node is valid on the other");
        posted.Headers.Location!.ToString().Should().EndWith("/preferences?saved=true");
    }
}
