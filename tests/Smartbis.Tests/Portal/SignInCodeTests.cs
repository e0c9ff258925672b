using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Portal;

namespace Smartbis.Tests.Portal;

/// <summary>One-time sign-in codes: attempts counted in the database (per code and per member), single use, short-lived.</summary>
public sealed class SignInCodeTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task The_right_code_works_once()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var member = (await t.JoinAsync(email: "once@example.com")).CustomerId;
        await t.IssueCodeAsync(member, "123456");

        await t.VerifyAsync(member, "123 456");

        await LedgerTestKit.ShouldFailAsync(() => t.VerifyAsync(member, "123456"), "code_expired");
    }

    [Fact]
    public async Task An_expired_code_is_refused()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var member = (await t.JoinAsync(email: "late@example.com")).CustomerId;
        await t.IssueCodeAsync(member, "654321");

        Clock.Advance(CodeLimits.Validity + TimeSpan.FromSeconds(1));

        await LedgerTestKit.ShouldFailAsync(() => t.VerifyAsync(member, "654321"), "code_expired");
    }

    [Fact]
    public async Task A_newer_code_replaces_the_older_one()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var member = (await t.JoinAsync(email: "twice@example.com")).CustomerId;
        await t.RunAsync<SendSignInCode, SendSignInCode.Result>(s => s.ExecuteAsync(member, CodePurpose.SignIn));
        var older = await t.WithDbAsync(db => db.SignInCodes.AsNoTracking().SingleAsync(c => c.CustomerId == member));

        await t.IssueCodeAsync(member, "111111");

        (await t.WithDbAsync(db => db.SignInCodes.AsNoTracking().SingleAsync(c => c.Id == older.Id))).SupersededAt.Should().BeNull(
            "planting a row does not supersede; only sending does");
        await t.RunAsync<SendSignInCode, SendSignInCode.Result>(s => s.ExecuteAsync(member, CodePurpose.SignIn));
        await LedgerTestKit.ShouldFailAsync(() => t.VerifyAsync(member, "111111"), "wrong_code");
    }

    [Fact]
    public async Task Wrong_codes_lock_the_code_after_the_limit_even_for_the_right_code()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var member = (await t.JoinAsync(email: "guess@example.com")).CustomerId;
        await t.IssueCodeAsync(member, "777777");

        for (var i = 0; i < CodeLimits.AttemptsPerCode; i++)
            await LedgerTestKit.ShouldFailAsync(() => t.VerifyAsync(member, $"00000{i}"), "wrong_code");

        var locked = await LedgerTestKit.ShouldFailAsync(() => t.VerifyAsync(member, "777777"), "code_locked");
        locked.Status.Should().Be(429);
    }

    [Fact]
    public async Task Parallel_wrong_attempts_cannot_get_past_the_limit()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var member = (await t.JoinAsync(email: "race@example.com")).CustomerId;
        var codeId = await t.IssueCodeAsync(member, "909090");

        var attempts = Enumerable.Range(0, CodeLimits.AttemptsPerCode + 3).Select(i => Task.Run(async () =>
        {
            try { await t.VerifyAsync(member, $"1{i:D5}"); return "signed in"; }
            catch (Smartbis.Web.Infrastructure.OperationFailed f) { return f.Code; }
        }));
        var outcomes = await Task.WhenAll(attempts);

        outcomes.Count(o => o == "wrong_code").Should().Be(CodeLimits.AttemptsPerCode, "exactly the limit of guesses is compared");
        outcomes.Count(o => o == "code_locked").Should().Be(3);
        (await t.WithDbAsync(db => db.SignInCodes.AsNoTracking().SingleAsync(c => c.Id == codeId))).Attempts.Should().Be(CodeLimits.AttemptsPerCode);
        await LedgerTestKit.ShouldFailAsync(() => t.VerifyAsync(member, "909090"), "code_locked");
    }

    [Fact]
    public async Task Parallel_wrong_attempts_cannot_get_past_the_hourly_limit_per_member()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var member = (await t.JoinAsync(email: "hourly@example.com")).CustomerId;
        // Earlier codes this hour used up all but one of the member's wrong guesses; the latest code has all of its own.
        var earlier = CodeLimits.AttemptsPerWindow - 1;
        await t.WithDbAsync(async db =>
        {
            for (var left = earlier; left > 0; left -= CodeLimits.AttemptsPerCode)
                db.SignInCodes.Add(new SignInCode
                {
                    TenantId = t.Id, CustomerId = member, Purpose = CodePurpose.SignIn, CodeHash = new string('0', 64), SentTo = "h***@example.com",
                    CreatedAt = t.Now.AddMinutes(-5), ExpiresAt = t.Now.AddMinutes(5), SupersededAt = t.Now.AddMinutes(-1),
                    Attempts = Math.Min(left, CodeLimits.AttemptsPerCode),
                });
            await db.SaveChangesAsync();
            return true;
        });
        var codeId = await t.IssueCodeAsync(member, "424242");

        var attempts = Enumerable.Range(0, CodeLimits.AttemptsPerCode + 3).Select(i => Task.Run(async () =>
        {
            try { await t.VerifyAsync(member, $"9{i:D5}"); return "signed in"; }
            catch (Smartbis.Web.Infrastructure.OperationFailed f) { return f.Code; }
        }));
        var outcomes = await Task.WhenAll(attempts);

        outcomes.Count(o => o == "wrong_code").Should().Be(1, "one guess was left in the member's hour");
        outcomes.Where(o => o != "wrong_code").Should().OnlyContain(o => o == "too_many_attempts");
        (await t.WithDbAsync(db => db.SignInCodes.AsNoTracking().SingleAsync(c => c.Id == codeId))).Attempts.Should().Be(1);
        await LedgerTestKit.ShouldFailAsync(() => t.VerifyAsync(member, "424242"), "too_many_attempts");
    }

    [Fact]
    public async Task Sending_is_limited_per_member_with_429()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var member = (await t.JoinAsync(email: "spam@example.com")).CustomerId;
        for (var i = 0; i < CodeLimits.SendsPerWindow; i++)
            await t.RunAsync<SendSignInCode, SendSignInCode.Result>(s => s.ToIdentifierAsync("SPAM@example.com"));

        var refused = await LedgerTestKit.ShouldFailAsync(
            () => t.RunAsync<SendSignInCode, SendSignInCode.Result>(s => s.ToIdentifierAsync("spam@example.com")), "too_many_attempts");
        refused.Status.Should().Be(429);

        Clock.Advance(CodeLimits.SendWindow + TimeSpan.FromMinutes(1));
        await t.RunAsync<SendSignInCode, SendSignInCode.Result>(s => s.ToIdentifierAsync("spam@example.com"));
    }

    [Fact]
    public async Task The_sign_in_page_answers_429_when_limited_and_signs_in_with_the_code()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var member = (await t.JoinAsync(email: "page@example.com")).CustomerId;
        using var client = Fixture.CreatePortalClient();
        await t.IssueCodeAsync(member, "135790");

        for (var i = 0; i < CodeLimits.AttemptsPerCode; i++)
        {
            using var wrong = await client.SubmitAsync($"/{t.Slug}/signin",
                new Dictionary<string, string> { ["Identifier"] = "page@example.com", ["Code"] = $"24680{i}" }, $"/{t.Slug}/signin?handler=Verify");
            wrong.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        using var limited = await client.SubmitAsync($"/{t.Slug}/signin",
            new Dictionary<string, string> { ["Identifier"] = "page@example.com", ["Code"] = "135790" }, $"/{t.Slug}/signin?handler=Verify");
        limited.StatusCode.Should().Be((HttpStatusCode)429);
        System.Net.WebUtility.HtmlDecode(await limited.Content.ReadAsStringAsync()).Should().Contain("Muitas tentativas erradas");

        using var ok = await client.SignInAsync(t, member, "page@example.com");
        ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        ok.Headers.Location!.ToString().Should().Be($"/{t.Slug}/home");
        ok.Headers.TryGetValues("Set-Cookie", out var cookies).Should().BeTrue();
        cookies!.Should().Contain(c => c.StartsWith("smartbis.customer="), "members have their own cookie");
        cookies!.Should().NotContain(c => c.StartsWith("smartbis.staff="));
    }
}
