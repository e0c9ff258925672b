using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;

namespace Smartbis.Tests.Security;

/// <summary>
/// Staff sign-in lockout (5 failures → 15 minutes) holds against 50 wrong passwords sent at once: every attempt gets
/// the one refusal (the page does not say "locked", which would tell that the account exists), the right password is
/// refused afterwards, and the user row in the database says locked, with a failure count consistent with that.
/// </summary>
public sealed class StaffLockoutTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const int MaxFailures = 5; // IdentitySetup: Lockout.MaxFailedAccessAttempts
    private const string Refused = Smartbis.Web.Pages.Account.SignInModel.Refused;

    [Fact]
    public async Task Fifty_parallel_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "lockout");
        using var client = fixture.CreateFormClient();
        var token = FormClient.FindAntiforgeryToken(await client.GetPageAsync("/account/signin?culture=en"));

        var attempts = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            using var r = await client.PostAsync("/account/signin?culture=en",
                [new("Input.Email", t.Owner.Email), new("Input.Password", $"wrong-password-{i:D3}")], token);
            var html = await r.Content.ReadAsStringAsync();
            return (r.StatusCode, Refused: html.Contains(Refused));
        })).ToList();
        var outcomes = await Task.WhenAll(attempts);

        outcomes.Should().OnlyContain(o => o.StatusCode == HttpStatusCode.OK, "a refused sign-in shows the form again, never a 500");
        outcomes.Should().OnlyContain(o => o.Refused, "each attempt is refused with the one clear message");

        using var right = await client.PostAsync("/account/signin?culture=en", [new("Input.Email", t.Owner.Email), new("Input.Password", t.Owner.Password)], token);
        right.StatusCode.Should().Be(HttpStatusCode.OK, "the right password is refused while locked");
        (await right.Content.ReadAsStringAsync()).Should().Contain(Refused);
        right.Headers.TryGetValues("Set-Cookie", out var cookies);
        (cookies ?? []).Should().NotContain(c => c.StartsWith("smartbis.staff=") && !c.Contains("1970"), "no session is issued");

        await using var scope = fixture.CreateScope();
        var user = await scope.Db.Users.AsNoTracking().SingleAsync(u => u.Id == t.Owner.UserId);
        user.LockoutEnd.Should().NotBeNull().And.BeAfter(DateTimeOffset.UtcNow.AddMinutes(14), "locked for 15 minutes");
        user.AccessFailedCount.Should().BeInRange(0, MaxFailures - 1, "Identity resets the count when it locks; it never runs past the limit");
    }
}
