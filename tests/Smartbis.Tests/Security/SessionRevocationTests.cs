using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Security;

/// <summary>
/// A session ends for every copy of its cookie, on every web node: a staff cookie copied before sign-out (or before the
/// user's membership is removed or their role changed) and a member's portal cookie copied before sign-out (or before
/// the member is blocked) open nothing afterwards — they are sent to sign in. Two app instances on one database play
/// two nodes; the tests set the staff stamp check to every request (<c>Smartbis:Auth:StaffSessionCheckSeconds = 0</c>).
/// </summary>
public sealed class SessionRevocationTests(DatabaseFixture fixture) : TwoNodes(fixture)
{
    private static void ShouldGoToSignIn(HttpResponseMessage r, string signIn, string because)
    {
        r.StatusCode.Should().Be(HttpStatusCode.Redirect, because);
        new Uri(new Uri("https://localhost"), r.Headers.Location!).AbsolutePath.Should().Be(signIn, because);
    }

    private static async Task SignOutStaffAsync(FormClient client)
    {
        using var r = await client.SubmitAsync("/account/signout", new Dictionary<string, string>());
        r.StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Theory]
    [InlineData("owner", "/app/customers")]
    [InlineData("cashier", "/counter")]
    public async Task A_staff_cookie_copied_before_sign_out_opens_nothing_after_it(string who, string page)
    {
        var t = await TenantKit.CreateAsync(Fixture.Factory, "revoke-" + who);
        var staff = who == "owner" ? t.Owner : t.Cashier;
        using var client = Fixture.CreateFormClient();
        using var signedIn = await client.SignInAsync(staff.Email, staff.Password);
        var copy = AuthKit.CopyCookie(signedIn, "smartbis.staff");
        using (var before = await AuthKit.ReplayAsync(Fixture.Factory, copy, page))
            before.StatusCode.Should().Be(HttpStatusCode.OK, "the copy works while the session lives");

        await SignOutStaffAsync(client);

        using var after = await AuthKit.ReplayAsync(Fixture.Factory, copy, page);
        ShouldGoToSignIn(after, "/account/signin", "signing out ended every copy of the session");
    }

    [Fact]
    public async Task A_staff_cookie_copied_before_sign_out_on_one_node_is_refused_on_the_other()
    {
        var t = await TenantKit.CreateAsync(Fixture.Factory, "revoke-2nodes");
        using var client = Fixture.CreateFormClient();
        using var signedIn = await client.SignInAsync(t.Manager.Email, t.Manager.Password);
        var copy = AuthKit.CopyCookie(signedIn, "smartbis.staff");
        using (var before = await AuthKit.ReplayAsync(Second, copy, "/app/customers"))
            before.StatusCode.Should().Be(HttpStatusCode.OK, "the other node accepts the cookie (shared key ring)");

        await SignOutStaffAsync(client);

        using var after = await AuthKit.ReplayAsync(Second, copy, "/app/customers");
        ShouldGoToSignIn(after, "/account/signin", "the stamp lives in the database, so the other node sees the sign-out");
    }

    [Theory]
    [InlineData("remove")]
    [InlineData("role")]
    public async Task Removing_a_membership_or_changing_a_role_ends_that_users_sessions_at_once(string change)
    {
        var t = await TenantKit.CreateAsync(Fixture.Factory, "revoke-member-" + change);
        using var cashier = Fixture.CreateFormClient();
        using var signedIn = await cashier.SignInAsync(t.Cashier.Email, t.Cashier.Password);
        var copy = AuthKit.CopyCookie(signedIn, "smartbis.staff");
        (await cashier.GetAsync("/counter")).StatusCode.Should().Be(HttpStatusCode.OK);
        Guid membershipId;
        await using (var db = Fixture.OpenDb(t.Id))
            membershipId = await db.Memberships.Where(m => m.UserId == t.Cashier.UserId).Select(m => m.Id).SingleAsync();

        using var owner = Fixture.CreateFormClient();
        (await owner.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();
        var fields = change == "remove"
            ? new Dictionary<string, string> { ["id"] = membershipId.ToString() }
            : new Dictionary<string, string> { ["id"] = membershipId.ToString(), ["role"] = "Manager" };
        using (var r = await owner.SubmitAsync("/app/staff", fields, $"/app/staff?handler={(change == "remove" ? "Remove" : "Update")}"))
            r.StatusCode.Should().Be(HttpStatusCode.Redirect);

        foreach (var node in new[] { Fixture.Factory, Second })
        {
            using var after = await AuthKit.ReplayAsync(node, copy, "/counter");
            ShouldGoToSignIn(after, "/account/signin", $"the {change} ended the session on every node");
        }
        using var own = await cashier.GetAsync("/counter");
        ShouldGoToSignIn(own, "/account/signin", "the browser's own cookie is refused too");
        await using var check = Fixture.OpenDb(t.Id);
        (await check.Memberships.AnyAsync(m => m.UserId == t.Cashier.UserId && m.Role == StaffRole.Cashier))
            .Should().BeFalse("the change itself was made");
    }

    [Fact]
    public async Task A_portal_cookie_copied_before_sign_out_opens_nothing_afterwards_on_either_node()
    {
        var t = await TenantKit.CreateAsync(Fixture.Factory, "revoke-portal");
        var member = (await AuthKit.MembersWithCodesAsync(Fixture.Factory, t.Id, t.Slug, 1))[0];
        using var client = Fixture.CreateFormClient();
        using var signedIn = await client.SubmitAsync($"/{t.Slug}/signin",
            new Dictionary<string, string> { ["Identifier"] = member.Email, ["Code"] = "424242" }, $"/{t.Slug}/signin?handler=Verify");
        signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var copy = AuthKit.CopyCookie(signedIn, "smartbis.customer");
        foreach (var node in new[] { Fixture.Factory, Second })
        {
            using var before = await AuthKit.ReplayAsync(node, copy, $"/{t.Slug}/home");
            before.StatusCode.Should().Be(HttpStatusCode.OK, "the copy works on both nodes while the session lives");
        }

        var token = FormClient.FindAntiforgeryToken(await client.GetPageAsync($"/{t.Slug}/home"));
        using (var signOut = await client.PostAsync($"/{t.Slug}/signout", [], token))
            signOut.StatusCode.Should().Be(HttpStatusCode.Redirect);

        foreach (var node in new[] { Fixture.Factory, Second })
        {
            using var after = await AuthKit.ReplayAsync(node, copy, $"/{t.Slug}/home");
            ShouldGoToSignIn(after, $"/{t.Slug}/signin", "signing out revoked the server-side session");
        }
        await using var db = Fixture.OpenDb(t.Id);
        (await db.PortalSessions.Where(s => s.CustomerId == member.Id).Select(s => s.RevokedAt).SingleAsync()).Should().NotBeNull();
    }

    [Fact]
    public async Task Blocking_a_member_ends_their_sessions_even_after_unblocking()
    {
        var t = await TenantKit.CreateAsync(Fixture.Factory, "revoke-block");
        var member = (await AuthKit.MembersWithCodesAsync(Fixture.Factory, t.Id, t.Slug, 1))[0];
        using var client = Fixture.CreateFormClient();
        using var signedIn = await client.SubmitAsync($"/{t.Slug}/signin",
            new Dictionary<string, string> { ["Identifier"] = member.Email, ["Code"] = "424242" }, $"/{t.Slug}/signin?handler=Verify");
        var copy = AuthKit.CopyCookie(signedIn, "smartbis.customer");

        using var owner = Fixture.CreateFormClient();
        (await owner.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();
        foreach (var block in new[] { "true", "false" })
            using (var r = await owner.SubmitAsync($"/app/customers/{member.Id}", new Dictionary<string, string> { ["block"] = block },
                       $"/app/customers/{member.Id}?handler=Block"))
                r.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await using (var db = Fixture.OpenDb(t.Id))
            (await db.Customers.Where(c => c.Id == member.Id).Select(c => c.Status).SingleAsync()).Should().Be(CustomerStatus.Active, "unblocked again");

        using var after = await AuthKit.ReplayAsync(Second, copy, $"/{t.Slug}/home");
        ShouldGoToSignIn(after, $"/{t.Slug}/signin", "blocking revoked the member's sessions for good");
    }

    [Fact]
    public async Task Deleting_the_account_revokes_every_session_of_the_member()
    {
        var t = await TenantKit.CreateAsync(Fixture.Factory, "revoke-delete");
        var member = (await AuthKit.MembersWithCodesAsync(Fixture.Factory, t.Id, t.Slug, 1))[0];
        async Task<(FormClient Client, string Cookie)> SignIn()
        {
            var client = Fixture.CreateFormClient();
            await using (var db = Fixture.OpenDb(t.Id))
            {
                db.SignInCodes.Add(new SignInCode
                {
                    TenantId = t.Id, CustomerId = member.Id, Purpose = CodePurpose.SignIn, CodeHash = SendSignInCode.Hash(t.Id, member.Id, "135790"),
                    SentTo = "m***@test", CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10),
                });
                await db.SaveChangesAsync();
            }
            using var r = await client.SubmitAsync($"/{t.Slug}/signin",
                new Dictionary<string, string> { ["Identifier"] = member.Email, ["Code"] = "135790" }, $"/{t.Slug}/signin?handler=Verify");
            r.StatusCode.Should().Be(HttpStatusCode.Redirect);
            return (client, AuthKit.CopyCookie(r, "smartbis.customer"));
        }
        var (phone, _) = await SignIn();
        var (_, laptop) = await SignIn(); // a second device

        await using (var db = Fixture.OpenDb(t.Id))
        {
            db.SignInCodes.Add(new SignInCode
            {
                TenantId = t.Id, CustomerId = member.Id, Purpose = CodePurpose.DeleteAccount, CodeHash = SendSignInCode.Hash(t.Id, member.Id, "246802"),
                SentTo = "m***@test", CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10),
            });
            await db.SaveChangesAsync();
        }
        using (var deleted = await phone.SubmitAsync($"/{t.Slug}/preferences", new Dictionary<string, string> { ["Code"] = "246802" },
                   $"/{t.Slug}/preferences?handler=Delete"))
            deleted.StatusCode.Should().Be(HttpStatusCode.Redirect);

        using var after = await AuthKit.ReplayAsync(Second, laptop, $"/{t.Slug}/home");
        ShouldGoToSignIn(after, $"/{t.Slug}/signin", "the other device's session ended with the account");
        await using var check = Fixture.OpenDb(t.Id);
        (await check.PortalSessions.Where(s => s.CustomerId == member.Id).Select(s => s.RevokedAt).ToListAsync())
            .Should().HaveCount(2).And.OnlyContain(r => r != null, "both sessions are revoked");
        phone.Dispose();
    }
}
