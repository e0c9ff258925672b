using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Tests.Reliability;

/// <summary>Seeds with the in-process app; the work under test runs in separate app processes, sending to a slow SMTP server.</summary>
public sealed class ProcessKillFixture : LedgerFixture
{
    /// <summary>50 ms per message: a delivery of a hundred messages lasts long enough to be killed in the middle.</summary>
    public SmtpServer Smtp { get; } = new(TimeSpan.FromMilliseconds(50));

    public override async Task InitializeAsync()
    {
        await Smtp.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>
/// A node's process is killed (SIGKILL) in the middle of the voucher run, started again, then killed again in the middle
/// of delivering the messages that run produced, and started again: each voucher is issued once, each message is
/// delivered at most once (and every message sent is recorded as sent), and the books balance.
/// </summary>
public sealed class ProcessKillTests(ProcessKillFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ProcessKillFixture>
{
    private const int Customers = 120;

    [Fact]
    public async Task Killing_the_process_during_the_voucher_run_and_during_delivery_issues_each_voucher_once_and_sends_each_message_at_most_once()
    {
        // Customers bought yesterday: R$ 12,50 of cashback each, one R$ 10,00 voucher each when the run comes.
        fixture.Clock.StartAt(DateTimeOffset.UtcNow.AddDays(-1));
        var rules = SampleRules.Plain();
        rules.VoucherMode = VoucherMode.Threshold;
        rules.VoucherThresholdCents = 10_00;
        rules.VoucherValidityDays = 30;
        var t = await fixture.CreateTenantAsync(rules);
        await OnlyVoucherEmailsAsync(t);
        var emails = new List<string>();
        for (var i = 0; i < Customers; i++)
        {
            var email = $"kill{i:D3}@example.com";
            var joined = await t.RunAsync<EnrollCustomer, EnrollCustomer.Result>(e => e.ExecuteAsync(
                new EnrollCustomer.Request($"Kill {i}", LedgerTestKit.NewPhone(), email, EmailConsent: true, ConsentWording: "Email me")));
            await t.BuyAsync(joined.CustomerId, 250_00);
            emails.Add(email);
        }
        await using var owner = new NpgsqlConnection(fixture.ConnectionString);
        await owner.OpenAsync();
        // Jobs the seeding enqueued (dispatching its purchase events) are not this test's subject.
        await ExecuteAsync(owner, "DELETE FROM hangfire.jobqueue");
        var jobs = new BackgroundJobClient(HangfireStorage());
        var settings = fixture.Smtp.AppSettings.ToDictionary(kv => kv.Key, kv => kv.Value!);

        // 1. The voucher run, killed once it has issued some vouchers and before it has issued them all.
        int afterFirstKill;
        await using (var node = await AppProcess.StartAsync(fixture.AppConnectionString, settings))
        {
            jobs.Enqueue<AutomationJobs>(j => j.RunForTenantAsync(JobKinds.IssueVouchers, t.Id));
            await WaitAsync(async () => await CountAsync(owner, "vouchers", t.Id) > 0, node, "the first voucher");
            node.Kill();
            afterFirstKill = await CountAsync(owner, "vouchers", t.Id);
        }
        afterFirstKill.Should().BeInRange(1, Customers - 1, "the process was killed part way through the run");

        // 2. A new node runs it again (the killed job stays invisible for Hangfire's 30 minutes; the next schedule or an
        //    operator runs it). Its vouchers' messages are then delivered: killed once some have reached the SMTP server.
        await using (var node = await AppProcess.StartAsync(fixture.AppConnectionString, settings))
        {
            jobs.Enqueue<AutomationJobs>(j => j.RunForTenantAsync(JobKinds.IssueVouchers, t.Id));
            // Delivery starts as vouchers commit (each commit signals the outbox), so wait for both.
            await WaitAsync(async () => fixture.Smtp.Messages.Count >= 5 && await CountAsync(owner, "vouchers", t.Id) == Customers,
                node, "every voucher and five emails at the SMTP server", TimeSpan.FromSeconds(120));
            node.Kill();
        }
        (await CountAsync(owner, "vouchers", t.Id)).Should().Be(Customers, "the second run issued the rest, and nothing twice");
        var sentBeforeKill = await ScalarAsync(owner, $"SELECT count(*) FROM messages WHERE tenant_id = '{t.Id}' AND status = 'Sent'");
        sentBeforeKill.Should().BeLessThan(Customers, "the process was killed part way through the delivery");
        // What was in flight when the process died: claimed for sending, outcome unknown. How many depends on how many
        // batches the dead node had claimed (load decides that), so the check below compares with this, not a constant.
        var inFlightAtKill = await ScalarAsync(owner, $"SELECT count(*) FROM messages WHERE tenant_id = '{t.Id}' AND status = 'Sending'");

        // 3. A third node: the claims of the killed one run out (10 minutes, moved to the past here), the sweeper marks
        //    those messages Unknown (they may have gone out: never resent blindly); the events not yet turned into
        //    messages and the messages not yet claimed are delivered (by the sweeper's next rounds, or this job).
        await ExecuteAsync(owner, $"UPDATE messages SET claimed_until = now() - interval '1 second' WHERE tenant_id = '{t.Id}' AND status = 'Sending'");
        await using (var node = await AppProcess.StartAsync(fixture.AppConnectionString, settings))
        {
            jobs.Enqueue<AutomationJobs>(j => j.SweepAsync());
            jobs.Enqueue<AutomationJobs>(j => j.DispatchAndDeliverAsync(t.Id));
            await WaitAsync(async () => await ScalarAsync(owner, $"""
                SELECT (SELECT count(*) FROM messages WHERE tenant_id = '{t.Id}' AND status IN ('Scheduled', 'Sending'))
                     + (SELECT count(*) FROM outbox_events WHERE tenant_id = '{t.Id}' AND processed_at IS NULL)
                """) == 0, node, "every event dispatched and every message finished", TimeSpan.FromSeconds(120));
        }

        await using var db = fixture.OpenDb(t.Id);
        var messages = await db.Messages.AsNoTracking().Where(m => m.Trigger == Triggers.VoucherIssued).ToListAsync();
        var mails = fixture.Smtp.Messages.GroupBy(m => m.To.Mailboxes.Single().Address).ToDictionary(g => g.Key, g => g.Count());
        messages.Should().HaveCount(Customers, "one message per voucher");
        mails.Values.Should().OnlyContain(n => n == 1, "no customer got their voucher email twice");
        foreach (var m in messages)
        {
            var got = mails.GetValueOrDefault(m.Recipient);
            if (m.Status == Web.Features.Automations.MessageStatus.Sent) got.Should().Be(1, $"{m.Recipient}'s message is recorded as sent");
            else
            {
                m.Status.Should().Be(Web.Features.Automations.MessageStatus.Unknown, "only a message in flight when the process died is left undecided");
                got.Should().BeLessThanOrEqualTo(1);
            }
        }
        messages.Count(m => m.Status == Web.Features.Automations.MessageStatus.Unknown).Should().Be(inFlightAtKill,
            "only the messages in flight when the process died are undecided; every other one was delivered");
        (await t.CheckLedgerAsync()).Should().BeEmpty();
        output.WriteLine($"{Customers} vouchers due; first kill after {afterFirstKill} issued; second kill with {sentBeforeKill} messages recorded as sent; " +
                         $"in the end {messages.Count(m => m.Status == Web.Features.Automations.MessageStatus.Sent)} sent, " +
                         $"{messages.Count(m => m.Status == Web.Features.Automations.MessageStatus.Unknown)} unknown, {mails.Values.Sum()} emails received, 0 duplicates");
        (await db.Vouchers.GroupBy(v => v.CustomerId).Select(g => g.Count()).ToListAsync()).Should().OnlyContain(n => n == 1);
    }

    /// <summary>Only "voucher issued" by email, and no quiet hours: the test must not depend on the time of day it runs.</summary>
    private static async Task OnlyVoucherEmailsAsync(TestTenant t)
    {
        await using var scope = t.Scope();
        foreach (var trigger in Triggers.All)
            scope.Db.Set<AutomationSetting>().Add(new AutomationSetting
            {
                Trigger = trigger.Key, Enabled = trigger.Key == Triggers.VoucherIssued, Email = true, QuietHours = false, UpdatedAt = t.Now,
            });
        await scope.Db.SaveChangesAsync();
    }

    private JobStorage HangfireStorage()
    {
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(fixture.ConnectionString, options), options);
    }

    private static async Task WaitAsync(Func<Task<bool>> done, AppProcess node, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (!await done())
        {
            if (node.HasExited) throw new InvalidOperationException($"The app process exited while waiting for {what}:\n{node.Output}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"Waited in vain for {what}. App output:\n{node.Output}");
            await Task.Delay(10);
        }
    }

    private static Task<int> CountAsync(NpgsqlConnection c, string table, Guid tenantId) =>
        ScalarAsync(c, $"SELECT count(*) FROM {table} WHERE tenant_id = '{tenantId}'");

    private static async Task<int> ScalarAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync());
    }

    private static async Task ExecuteAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
