using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Portal;

namespace Smartbis.Tests.Security;

/// <summary>
/// One client (IP, as seen after X-Forwarded-For) cannot spray code guesses or code requests over many members: the
/// per-client limits (<see cref="CodeLimits.ClientGuesses"/>, <see cref="CodeLimits.ClientSends"/>) are counted in
/// PostgreSQL by AttemptLimit, so they hold for parallel requests split over two app instances; the answer is 429 with
/// Retry-After and a clear message; another client is not affected.
/// </summary>
public sealed class PortalGuessingTests(DatabaseFixture fixture) : TwoNodes(fixture)
{
    private const string Attacker = "203.0.113.7";

    private async Task<(FormClient Client, string Token)[]> NodesAsync(string slug, string ip)
    {
        var result = new List<(FormClient, string)>();
        foreach (var c in new[] { Fixture.Factory.ClientFrom(ip), Second.ClientFrom(ip) })
            result.Add((c, FormClient.FindAntiforgeryToken(await c.GetPageAsync($"/{slug}/signin?culture=en"))!));
        return result.ToArray();
    }

    [Fact]
    public async Task Thirty_six_wrong_guesses_over_twelve_members_from_one_client_on_two_nodes_get_exactly_the_client_limit()
    {
        var t = await TenantKit.CreateAsync(Fixture.Factory, "guess-spray");
        var members = await AuthKit.MembersWithCodesAsync(Fixture.Factory, t.Id, t.Slug, 12);
        var nodes = await NodesAsync(t.Slug, Attacker);

        var guesses = Enumerable.Range(0, 36).Select(i => Task.Run(async () =>
        {
            var (client, token) = nodes[i % 2];
            using var r = await client.PostAsync($"/{t.Slug}/signin?handler=Verify&culture=en",
                [new("Identifier", members[i % 12].Email), new("Code", $"1{i:D5}")], token);
            return (r.StatusCode, RetryAfter: r.Headers.RetryAfter?.Delta, Html: WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync()));
        }));
        var outcomes = await Task.WhenAll(guesses);

        var limit = CodeLimits.ClientGuesses.Limit;
        outcomes.Count(o => o.StatusCode == HttpStatusCode.OK).Should().Be(limit, "exactly the client's limit of guesses is compared, across members and nodes");
        var limited = outcomes.Where(o => o.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        limited.Should().HaveCount(36 - limit);
        limited.Should().OnlyContain(o => o.RetryAfter > TimeSpan.Zero && o.RetryAfter <= CodeLimits.ClientGuesses.Window);
        limited.Should().OnlyContain(o => o.Html.Contains("Too many attempts from your connection."));
        await using (var db = Fixture.OpenDb(t.Id))
        {
            (await db.SignInCodes.SumAsync(c => c.Attempts)).Should().Be(limit, "refused guesses never reach a member's code");
            (await db.AttemptCounters.Where(c => c.Scope == CodeLimits.ClientGuesses.Scope).Select(c => c.Count).SingleAsync()).Should().Be(limit);
        }

        // Even the right code is refused to this client now; another client signs in with it.
        var (c0, t0) = nodes[0];
        using (var right = await c0.PostAsync($"/{t.Slug}/signin?handler=Verify&culture=pt-BR", [new("Identifier", members[0].Email), new("Code", "424242")], t0))
        {
            right.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
            WebUtility.HtmlDecode(await right.Content.ReadAsStringAsync()).Should().Contain("Muitas tentativas a partir da sua conexão");
        }
        var (other, otherToken) = (await NodesAsync(t.Slug, "198.51.100.9"))[1];
        using var ok = await other.PostAsync($"/{t.Slug}/signin?handler=Verify", [new("Identifier", members[0].Email), new("Code", "424242")], otherToken);
        ok.StatusCode.Should().Be(HttpStatusCode.Redirect, "the limit is per client, not per business");
        ok.Headers.Location!.ToString().Should().Be($"/{t.Slug}/home");
    }

    [Fact]
    public async Task Thirty_code_requests_from_one_client_over_members_and_strangers_on_two_nodes_send_at_most_the_client_limit()
    {
        var t = await TenantKit.CreateAsync(Fixture.Factory, "send-spray");
        var members = await AuthKit.MembersWithCodesAsync(Fixture.Factory, t.Id, t.Slug, 12);
        await using (var db = Fixture.OpenDb(t.Id)) await db.SignInCodes.ExecuteDeleteAsync();
        var identifiers = members.Select(m => m.Email).Concat(Enumerable.Range(0, 18).Select(i => $"stranger{i}@{t.Slug}.test")).ToList();
        var nodes = await NodesAsync(t.Slug, Attacker);

        var sends = identifiers.Select((id, i) => Task.Run(async () =>
        {
            var (client, token) = nodes[i % 2];
            using var r = await client.PostAsync($"/{t.Slug}/signin?handler=Send&culture=en", [new("Identifier", id)], token);
            return (r.StatusCode, RetryAfter: r.Headers.RetryAfter?.Delta);
        }));
        var outcomes = await Task.WhenAll(sends);

        var limit = CodeLimits.ClientSends.Limit;
        outcomes.Count(o => o.StatusCode == HttpStatusCode.OK).Should().Be(limit);
        outcomes.Where(o => o.StatusCode != HttpStatusCode.OK).Should().HaveCount(30 - limit)
            .And.OnlyContain(o => o.StatusCode == HttpStatusCode.TooManyRequests && o.RetryAfter > TimeSpan.Zero);
        await using var check = Fixture.OpenDb(t.Id);
        (await check.SignInCodes.CountAsync()).Should().Be(limit, "one code (a member's or a decoy) per accepted request");
        var memberCodes = await check.SignInCodes.CountAsync(c => c.CustomerId != null);
        var mails = new[] { Fixture.Factory.MailboxPath, Second.MailboxPath }.Where(Directory.Exists).Sum(p => Directory.GetFiles(p, "*.eml").Length);
        mails.Should().Be(memberCodes, "members get their code; strangers' requests send nothing");
    }
}
