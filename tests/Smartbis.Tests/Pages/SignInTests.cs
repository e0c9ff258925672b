using System.Net;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;

namespace Smartbis.Tests.Pages;

public sealed class SignInTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Owner_signs_in_and_lands_on_the_dashboard_of_their_business()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "signin-owner");
        using var client = fixture.CreateFormClient();
        using var response = await client.SignInAsync(t.Owner.Email, t.Owner.Password);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/app");
        var html = await client.GetPageAsync("/app");
        html.Should().Contain("Business signin-owner");
    }

    [Fact]
    public async Task Cashier_lands_on_the_counter()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "signin-cashier");
        using var client = fixture.CreateFormClient();
        using var response = await client.SignInAsync(t.Cashier.Email, t.Cashier.Password);
        response.Headers.Location!.OriginalString.Should().Be("/counter");
    }

    [Fact]
    public async Task Wrong_password_five_times_locks_the_account()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "signin-lockout");
        using var client = fixture.CreateFormClient();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await client.SignInAsync(t.Owner.Email, "not-the-password");
            wrong.StatusCode.Should().Be(HttpStatusCode.OK, "a failed sign-in shows the form again");
        }
        using var right = await client.SignInAsync(t.Owner.Email, t.Owner.Password);
        right.StatusCode.Should().Be(HttpStatusCode.OK, "the right password no longer works while locked out");
        (await right.Content.ReadAsStringAsync()).Should().MatchRegex("(locked|bloqueada)");
        using var app = await client.GetAsync("/app");
        app.StatusCode.Should().Be(HttpStatusCode.Redirect, "not signed in");
    }

    [Fact]
    public async Task Wrong_password_shows_a_message_and_does_not_sign_in()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "signin-wrong");
        using var client = fixture.CreateFormClient();
        using var response = await client.SignInAsync(t.Owner.Email, "nope-nope-nope");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().MatchRegex("(incorrect|incorretos)");
    }

    [Theory]
    [InlineData("/app/settings")]
    [InlineData("/app/stores")]
    public async Task A_cashier_cannot_open_owner_or_manager_pages(string url)
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "signin-403-" + url.Split('/').Last());
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Cashier.Email, t.Cashier.Password)).Dispose();
        using var response = await client.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_manager_cannot_open_owner_only_settings_but_can_manage_stores()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "signin-manager");
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Manager.Email, t.Manager.Password)).Dispose();
        (await client.GetAsync("/app/settings")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/app/stores")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_user_of_tenant_A_cannot_reach_tenant_B_pages_by_changing_the_id()
    {
        var a = await TenantKit.CreateAsync(fixture.Factory, "signin-iso-a");
        var b = await TenantKit.CreateAsync(fixture.Factory, "signin-iso-b");
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(a.Owner.Email, a.Owner.Password)).Dispose();

        (await client.GetAsync($"/app/stores/{a.StoreId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync($"/app/stores/{b.StoreId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // Posting to B's store with a valid token changes nothing and is not found.
        var token = FormClient.FindAntiforgeryToken(await client.GetPageAsync($"/app/stores/{a.StoreId}"));
        using var post = await client.PostAsync($"/app/stores/{b.StoreId}",
            new Dictionary<string, string> { ["Input.Name"] = "Hijacked", ["Input.Active"] = "true" }, token);
        post.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await using var scope = fixture.CreateScope(b.Id);
        scope.Db.Stores.Single(s => s.Id == b.StoreId).Name.Should().Be("signin-iso-b main store");
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "signin-out");
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();
        var token = FormClient.FindAntiforgeryToken(await client.GetPageAsync("/app"));
        using var signOut = await client.PostAsync("/account/signout", [], token);
        signOut.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await client.GetAsync("/app")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task The_operator_pages_are_for_operators_only()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "signin-admin");
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();
        (await client.GetAsync("/admin")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/admin/jobs")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/admin/mailbox")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
