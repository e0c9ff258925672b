using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Security;
using Smartbis.Web.Features.Portal;

namespace Smartbis.Tests.Portal;

/// <summary>
/// The portal never tells who is a member: at every step of the sign-in (send a code, wrong codes, the per-code lock,
/// a new code) an unknown email or phone gets the very page a member's gets, and nothing is sent for it; the join form
/// answers a member's email or phone as it answers a new one, and changes nothing.
/// </summary>
public sealed class PortalEnumerationTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private static async Task<(HttpStatusCode, string)> AnswerAsync(HttpResponseMessage r, params string[] typed) =>
        (r.StatusCode, AuthKit.Normalized(await r.Content.ReadAsStringAsync(), typed));

    [Theory]
    [InlineData("email")]
    [InlineData("phone")]
    public async Task An_unknown_identifier_gets_the_same_answer_as_a_member_at_every_step_and_nothing_is_sent(string kind)
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        // By phone: a member with no email in a business without WhatsApp cannot be sent a code either; still the same page.
        var (member, stranger) = kind == "email"
            ? ("known@example.com", "unknown@example.com")
            : ("(11) 98765-4321", "(11) 91234-5678");
        var memberId = kind == "email" ? (await t.JoinAsync(email: member)).CustomerId : (await t.JoinAsync(phone: member)).CustomerId;
        var mailbox = Fixture.Factory.MailboxPath;
        int Mails() => Directory.Exists(mailbox) ? Directory.GetFiles(mailbox, "*.eml").Length : 0;
        var mailsBefore = Mails();

        async Task<(HttpStatusCode, string)> Step(string identifier, string handler, string? code = null)
        {
            using var client = Fixture.CreatePortalClient();
            var fields = new Dictionary<string, string> { ["Identifier"] = identifier };
            if (code is not null) fields["Code"] = code;
            using var r = await client.SubmitAsync($"/{t.Slug}/signin?culture=en", fields, $"/{t.Slug}/signin?handler={handler}&culture=en");
            return await AnswerAsync(r, identifier);
        }

        var sentMember = await Step(member, "Send");
        var sentStranger = await Step(stranger, "Send");
        sentStranger.Should().Be(sentMember, "asking for a code says the same for a member and a stranger");
        sentMember.Item1.Should().Be(HttpStatusCode.OK);
        sentMember.Item2.Should().Contain("If … belongs to a member, we sent a six-digit code").And.NotContain("found no");

        for (var i = 0; i < CodeLimits.AttemptsPerCode + 1; i++)
        {
            var wrongMember = await Step(member, "Verify", $"00000{i}");
            var wrongStranger = await Step(stranger, "Verify", $"00000{i}");
            wrongStranger.Should().Be(wrongMember, $"wrong guess {i + 1} is answered alike");
            wrongMember.Item1.Should().Be(i < CodeLimits.AttemptsPerCode ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests);
        }
        (await Step(stranger, "Send")).Should().Be(await Step(member, "Send"), "a new code after the lock, alike");

        var codes = await t.WithDbAsync(db => db.SignInCodes.AsNoTracking().ToListAsync());
        codes.Where(c => c.CustomerId is null).Should().HaveCount(2, "the stranger got decoys, never a code of a member")
            .And.OnlyContain(c => c.IdentifierHash != null && c.SentTo == "");
        if (kind == "email")
        {
            codes.Count(c => c.CustomerId == memberId).Should().Be(2);
            (Mails() - mailsBefore).Should().Be(2, "the member got their two codes; the stranger's requests sent nothing");
        }
        else
        {
            (Mails() - mailsBefore).Should().Be(0, "nobody could be sent anything");
        }
    }

    [Fact]
    public async Task Joining_with_a_members_email_or_phone_answers_as_a_new_join_and_changes_nothing()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var existing = (await t.JoinAsync(email: "taken@example.com", phone: "(11) 97777-0001", name: "Taken Person")).CustomerId;
        var before = await t.WithDbAsync(db => db.Customers.AsNoTracking().CountAsync());

        async Task<(HttpStatusCode, string?, string)> Join(Dictionary<string, string> fields)
        {
            using var client = Fixture.CreatePortalClient();
            fields["Input.AcceptTerms"] = "true";
            using var r = await client.SubmitAsync($"/{t.Slug}/join?culture=en", fields);
            return (r.StatusCode, r.Headers.Location?.ToString(), AuthKit.Normalized(await r.Content.ReadAsStringAsync(), fields.Values.ToArray()));
        }

        var fresh = await Join(new() { ["Input.Name"] = "Fresh One", ["Input.Email"] = "fresh@example.com" });
        var taken = await Join(new() { ["Input.Name"] = "Impostor", ["Input.Email"] = "TAKEN@example.com" });
        taken.Should().Be(fresh, "a member's email gets the answer of a new join");
        fresh.Item2.Should().Be($"/{t.Slug}/signin?joined=true");

        var freshPhone = await Join(new() { ["Input.Name"] = "Phone Only", ["Input.Phone"] = "(11) 97777-0002" });
        var takenPhone = await Join(new() { ["Input.Name"] = "Phone Impostor", ["Input.Phone"] = "(11) 97777-0001" });
        takenPhone.Should().Be(freshPhone, "a member's phone gets the answer of a new join");
        freshPhone.Item1.Should().Be(HttpStatusCode.OK);
        freshPhone.Item3.Should().Contain("data-testid=\"joined\"").And.NotContain("duplicate");

        var after = await t.WithDbAsync(db => db.Customers.AsNoTracking().ToListAsync());
        after.Should().HaveCount(before + 2, "only the two new people joined");
        after.Single(c => c.Id == existing).Name.Should().Be("Taken Person", "the member is not changed");
        (await t.WithDbAsync(db => db.SignInCodes.CountAsync(c => c.CustomerId == existing)))
            .Should().Be(1, "the member, not the typist, got a sign-in code at their own address");
    }
}
