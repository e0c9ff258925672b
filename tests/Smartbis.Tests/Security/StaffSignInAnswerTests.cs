using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Staff;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Security;

/// <summary>
/// Staff sign-in tells nobody which emails have an account (a locked account and an unknown email get the same page),
/// and an invitation link to an existing account counts wrong passwords and locks the account like sign-in does.
/// </summary>
public sealed class StaffSignInAnswerTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const int MaxFailures = 5; // IdentitySetup: Lockout.MaxFailedAccessAttempts

    [Fact]
    public async Task A_locked_account_and_an_unknown_email_get_the_same_answer()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "same-answer");
        using var client = fixture.CreateFormClient();
        for (var i = 0; i < MaxFailures; i++) (await client.SignInAsync(t.Owner.Email, "not-the-password")).Dispose();

        async Task<(HttpStatusCode, string, bool)> Answer(string email, string password)
        {
            using var c = fixture.CreateFormClient();
            using var r = await c.SubmitAsync("/account/signin?culture=en", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });
            var cookie = r.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(k => k.StartsWith("smartbis.staff=") && !k.Contains("1970"));
            return (r.StatusCode, AuthKit.Normalized(await r.Content.ReadAsStringAsync(), email), cookie);
        }

        var locked = await Answer(t.Owner.Email, t.Owner.Password);
        var unknown = await Answer("nobody-at-all@same-answer.test", t.Owner.Password);
        var wrong = await Answer(t.Manager.Email, "not-the-password");

        unknown.Should().Be(locked, "a locked account and an unknown email must be indistinguishable");
        wrong.Should().Be(locked, "nor a wrong password");
        locked.Item1.Should().Be(HttpStatusCode.OK);
        locked.Item2.Should().Contain("Email or password is incorrect, or the account is locked");
        locked.Item3.Should().BeFalse("no session");
    }

    [Fact]
    public async Task Thirty_parallel_wrong_passwords_on_an_invitation_to_an_existing_account_are_counted_and_lock_it()
    {
        var home = await TenantKit.CreateAsync(fixture.Factory, "invite-lock-home");
        var other = await TenantKit.CreateAsync(fixture.Factory, "invite-lock-other");
        const string token = "invitation-token-for-the-lockout-test-0123456789";
        await using (var scope = fixture.CreateScope(other.Id))
        {
            scope.Db.StaffInvitations.Add(new StaffInvitation
            {
                Email = home.Manager.Email, Role = StaffRole.Manager, TokenHash = InviteStaff.Hash(token),
                CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(7), InvitedByUserId = other.Owner.UserId,
            });
            await scope.Db.SaveChangesAsync();
        }
        using var client = fixture.CreateFormClient();
        var form = FormClient.FindAntiforgeryToken(await client.GetPageAsync($"/signup/invite/{token}?culture=en"));

        var attempts = Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            using var r = await client.PostAsync($"/signup/invite/{token}?culture=en", [new("Input.Password", $"wrong-password-{i:D3}")], form);
            return r.StatusCode;
        }));
        var statuses = await Task.WhenAll(attempts);
        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.TooManyRequests, "a refusal shows the form, never a 500");
        statuses.Count(s => s == HttpStatusCode.OK).Should().BeLessThanOrEqualTo(MaxFailures, "at most the lockout's failures are checked as wrong");

        await using (var db = fixture.OpenDb())
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == home.Manager.UserId);
            user.LockoutEnd.Should().NotBeNull().And.BeAfter(DateTimeOffset.UtcNow.AddMinutes(14), "locked for 15 minutes, like sign-in");
            user.AccessFailedCount.Should().BeInRange(0, MaxFailures - 1);
        }

        using var right = await client.PostAsync($"/signup/invite/{token}?culture=en", [new("Input.Password", home.Manager.Password)], form);
        right.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the right password is refused while locked");
        WebUtility.HtmlDecode(await right.Content.ReadAsStringAsync()).Should().Contain("This account is locked for 15 minutes.");
        using var signIn = await fixture.CreateFormClient().SignInAsync(home.Manager.Email, home.Manager.Password);
        signIn.StatusCode.Should().Be(HttpStatusCode.OK, "sign-in sees the same lockout");
        await using var check = fixture.OpenDb(other.Id);
        (await check.Memberships.AnyAsync(m => m.UserId == home.Manager.UserId)).Should().BeFalse("nothing was accepted");
    }
}
