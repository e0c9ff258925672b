using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Portal;

namespace Smartbis.Tests.Security;

/// <summary>
/// The portal's one-time-code limits are counted in the database, so they hold when two app instances (two web nodes
/// behind a load balancer) serve the same member at once: sends per hour and wrong guesses per code.
/// </summary>
public sealed class OtpLimitsTests(DatabaseFixture fixture) : TwoNodes(fixture)
{
    private async Task<(FormClient Client, string Token)[]> TwoNodesAsync(string slug)
    {
        var nodes = new[] { Fixture.CreateFormClient(), Second.CreateFormClient() };
        var result = new List<(FormClient, string)>();
        foreach (var c in nodes) result.Add((c, FormClient.FindAntiforgeryToken(await c.GetPageAsync($"/{slug}/signin?culture=en"))!));
        return result.ToArray();
    }

    [Fact]
    public async Task Twenty_code_requests_split_over_two_instances_send_at_most_the_hourly_limit()
    {
        var t = await SecurityKit.SeedAsync(Fixture, "otp-send");
        var nodes = await TwoNodesAsync(t.Slug);

        var sends = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var (client, token) = nodes[i % 2];
            using var r = await client.PostAsync($"/{t.Slug}/signin?handler=Send&culture=en", [new("Identifier", t.Email)], token);
            return r.StatusCode;
        }));
        var statuses = await Task.WhenAll(sends);

        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.TooManyRequests);
        await using var scope = Fixture.CreateScope(t.Id);
        var codes = await scope.Db.SignInCodes.CountAsync(c => c.CustomerId == t.CustomerId);
        codes.Should().BeLessThanOrEqualTo(CodeLimits.SendsPerWindow, "the hourly limit holds across instances");
        codes.Should().BeGreaterThan(0);
        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(codes, "each accepted request sent exactly one code");
        statuses.Count(s => s == HttpStatusCode.TooManyRequests).Should().Be(20 - codes);
        var mails = Directory.Exists(Fixture.Factory.MailboxPath) ? Directory.GetFiles(Fixture.Factory.MailboxPath, "*.eml").Length : 0;
        mails += Directory.Exists(Second.MailboxPath) ? Directory.GetFiles(Second.MailboxPath, "*.eml").Length : 0;
        mails.Should().Be(codes, "one email per code, whichever instance sent it");
    }

    [Fact]
    public async Task Twenty_wrong_codes_split_over_two_instances_get_at_most_the_per_code_limit_of_guesses()
    {
        var t = await SecurityKit.SeedAsync(Fixture, "otp-guess");
        Guid codeId;
        await using (var scope = Fixture.CreateScope(t.Id))
        {
            var row = new SignInCode
            {
                CustomerId = t.CustomerId, Purpose = CodePurpose.SignIn, CodeHash = SendSignInCode.Hash(t.Id, t.CustomerId, "424242"),
                SentTo = "m***@test", CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10),
            };
            scope.Db.SignInCodes.Add(row);
            await scope.Db.SaveChangesAsync();
            codeId = row.Id;
        }
        var nodes = await TwoNodesAsync(t.Slug);

        var guesses = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var (client, token) = nodes[i % 2];
            using var r = await client.PostAsync($"/{t.Slug}/signin?handler=Verify&culture=en",
                [new("Identifier", t.Email), new("Code", $"1{i:D5}")], token);
            return r.StatusCode;
        }));
        var statuses = await Task.WhenAll(guesses);
        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.TooManyRequests, "wrong codes are refused on the form");

        await using var check = Fixture.CreateScope(t.Id);
        (await check.Db.SignInCodes.Where(c => c.Id == codeId).Select(c => c.Attempts).SingleAsync())
            .Should().Be(CodeLimits.AttemptsPerCode, "exactly the per-code limit of guesses was counted, across both instances");
        statuses.Count(s => s == HttpStatusCode.TooManyRequests).Should().Be(20 - CodeLimits.AttemptsPerCode);

        // The right code no longer opens anything.
        var (c1, t1) = nodes[1];
        using var right = await c1.PostAsync($"/{t.Slug}/signin?handler=Verify&culture=en", [new("Identifier", t.Email), new("Code", "424242")], t1);
        right.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await c1.GetAsync($"/{t.Slug}/home")).StatusCode.Should().Be(HttpStatusCode.Redirect, "no session was opened");
    }
}
