using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Security;

namespace Smartbis.Tests.Features.Security;

/// <summary>
/// AttemptLimit, the shared primitive: one atomic upsert counts an attempt only under the limit, so parallel attempts
/// get exactly the limit; subjects, scopes, tenants and windows are counted apart; a refusal says how long to wait.
/// </summary>
public sealed class AttemptLimitTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private static readonly AttemptRule Rule = new("test.scope", 25, TimeSpan.FromMinutes(10));

    private static Task<AttemptLimit.Outcome> Count(TestTenant t, string subject, AttemptRule? rule = null) =>
        t.RunAsync<AttemptLimit, AttemptLimit.Outcome>(l => l.TryCountAsync(rule ?? Rule, subject));

    [Fact]
    public async Task Forty_parallel_attempts_count_exactly_the_limit_and_the_rest_are_told_when_to_retry()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        Clock.Advance(TimeSpan.FromMinutes(3)); // 12:03: the 12:00 window ends in 7 minutes

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => Count(t, "10.0.0.1"))));

        outcomes.Count(o => o.Allowed).Should().Be(Rule.Limit);
        outcomes.Where(o => o.Allowed).Select(o => o.Count).Should().BeEquivalentTo(Enumerable.Range(1, Rule.Limit), "each counted attempt got its own number");
        outcomes.Where(o => !o.Allowed).Should().HaveCount(15).And.OnlyContain(o => o.RetryAfter == TimeSpan.FromMinutes(7));
        (await t.WithDbAsync(db => db.AttemptCounters.Select(c => c.Count).SingleAsync())).Should().Be(Rule.Limit, "refused attempts are not counted");
    }

    [Fact]
    public async Task Subjects_scopes_tenants_and_windows_are_counted_apart()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var other = await NewTenantAsync(SampleRules.Plain());
        var small = Rule with { Limit = 2 };
        for (var i = 0; i < 2; i++) (await Count(t, "a", small)).Allowed.Should().BeTrue();
        (await Count(t, "a", small)).Allowed.Should().BeFalse();

        (await Count(t, "b", small)).Allowed.Should().BeTrue("another subject");
        (await Count(t, "a", small with { Scope = "test.other" })).Allowed.Should().BeTrue("another scope");
        (await Count(other, "a", small)).Allowed.Should().BeTrue("another tenant");

        Clock.Advance(small.Window);
        var next = await Count(t, "a", small);
        next.Allowed.Should().BeTrue("a new window");
        next.Count.Should().Be(1);
        (await t.WithDbAsync(db => db.AttemptCounters.CountAsync(c => c.Scope == small.Scope && c.Subject == "a")))
            .Should().Be(1, "the subject's past window was cleared when the new one began");
    }

    [Fact]
    public async Task CountAsync_refuses_with_429_and_the_seconds_to_wait()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var one = Rule with { Limit = 1 };
        await t.RunAsync<AttemptLimit, bool>(async l => { await l.CountAsync(one, "x"); return true; });
        var refused = await LedgerTestKit.ShouldFailAsync(() => t.RunAsync<AttemptLimit, bool>(async l => { await l.CountAsync(one, "x"); return true; }),
            "too_many_attempts");
        refused.Status.Should().Be(429);
        refused.Data[AttemptLimit.RetryAfterKey].Should().Be(600);
    }
}
