using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Dashboard;

/// <summary>Invitations travel by real SMTP; the link creates the account, works once, and a cashier lands on the counter only.</summary>
public sealed partial class StaffInvitationTests(SmtpDatabaseFixture fixture) : IClassFixture<SmtpDatabaseFixture>
{
    [Fact]
    public async Task Owner_invites_a_cashier_who_accepts_by_the_emailed_link_and_sees_only_the_counter()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "invite-ok");
        using var owner = fixture.CreateFormClient();
        (await owner.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();
        using (var sent = await owner.SubmitAsync("/app/staff", new Dictionary<string, string>
        { ["Invite.Email"] = "New.Cashier@Invite-OK.test", ["Invite.Role"] = "Cashier", ["Invite.StoreId"] = t.StoreId.ToString() }, "/app/staff?handler=Invite"))
            sent.StatusCode.Should().Be(HttpStatusCode.Redirect, owner.LastHtml);

        var mail = await fixture.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains("new.cashier@invite-ok.test"));
        var link = LinkPattern().Match(mail.TextBody ?? "").Value;
        link.Should().NotBeEmpty(mail.TextBody);
        var path = new Uri(link).PathAndQuery;

        using var cashier = fixture.CreateFormClient();
        using (var accepted = await cashier.SubmitAsync(path, new Dictionary<string, string> { ["Input.Name"] = "Nova Caixa", ["Input.Password"] = "cashier passphrase 1" }))
        {
            accepted.StatusCode.Should().Be(HttpStatusCode.Redirect, cashier.LastHtml);
            accepted.Headers.Location!.OriginalString.Should().Be("/counter");
        }
        (await cashier.GetAsync("/counter")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await cashier.GetAsync("/app/settings")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await cashier.GetAsync("/app/customers")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        await using var scope = fixture.CreateScope(t.Id);
        var m = await scope.Db.Memberships.Join(scope.Db.Users, x => x.UserId, u => u.Id, (x, u) => new { x, u.Email })
            .SingleAsync(x => x.Email == "new.cashier@invite-ok.test");
        (m.x.Role, m.x.StoreId).Should().Be((StaffRole.Cashier, t.StoreId));
        (await scope.Db.Set<Web.Features.Audit.AuditEntry>().CountAsync(a => a.Action == "staff.invited" || a.Action == "staff.joined")).Should().Be(2);

        // The link works once.
        using var again = fixture.CreateFormClient();
        (await again.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_expired_or_unknown_link_is_refused_and_bad_invitations_get_field_errors()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "invite-bad");
        using var client = fixture.CreateFormClient();
        (await client.GetAsync("/signup/invite/not-a-real-token")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await client.SignInAsync(t.Manager.Email, t.Manager.Password)).Dispose();
        using var bad = await client.SubmitAsync("/app/staff?culture=en", new Dictionary<string, string>
        { ["Invite.Email"] = "nope", ["Invite.Role"] = "Owner", ["Invite.StoreId"] = "" }, "/app/staff?handler=Invite&culture=en");
        bad.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await bad.Content.ReadAsStringAsync();
        html.Should().MatchRegex("data-valmsg-for=\"Invite.Email\"[^>]*>[^<]+<").And.MatchRegex("data-valmsg-for=\"Invite.Role\"[^>]*>[^<]+<");
        await using var scope = fixture.CreateScope(t.Id);
        (await scope.Db.StaffInvitations.CountAsync()).Should().Be(0);
    }

    [GeneratedRegex(@"https?://\S+/signup/invite/[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();
}
