using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Smartbis.Tests.Features.Ledger;

/// <summary>
/// Model-based test: seeded random sequences of earn, release, redeem, refund, expire, voucher issue/redeem/cancel,
/// adjustment and a walk-in joining run against the database and against a small in-memory model of the ledger
/// (credit lots and four buckets per customer). After every step the balances, the open lots and the vouchers must
/// agree, and CheckLedger must find nothing. A failure names its seed and the steps that led to it.
/// Replay one sequence: SMARTBIS_MODEL_SEED=&lt;seed&gt; SMARTBIS_MODEL_SEQUENCES=1 (SMARTBIS_MODEL_STEPS to change the length).
/// </summary>
public sealed class LedgerModelTests(LedgerFixture fixture, ITestOutputHelper output) : LedgerTests(fixture)
{
    private const int DefaultSeed = 20_261_123;
    private const int DefaultSequences = 20;
    private const int DefaultSteps = 30;

    /// <summary>Run for both reward types: the ledger's invariants hold for points as for cashback (same tables, unit = points).</summary>
    [Theory]
    [InlineData("cashback")]
    [InlineData("points")]
    public async Task Random_operation_sequences_keep_the_database_in_step_with_a_model_of_the_balances(string rewardType)
    {
        var points = rewardType == "points";
        var seed = EnvInt("SMARTBIS_MODEL_SEED") ?? DefaultSeed;
        var sequences = EnvInt("SMARTBIS_MODEL_SEQUENCES") ?? DefaultSequences;
        var steps = EnvInt("SMARTBIS_MODEL_STEPS") ?? DefaultSteps;
        var operations = new Dictionary<string, int>();
        for (var i = 0; i < sequences; i++)
        {
            var sequenceSeed = seed + i;
            output.WriteLine($"sequence {i + 1}/{sequences}: seed {sequenceSeed}");
            var sequence = new Sequence(this, sequenceSeed, steps, points);
            await sequence.RunAsync();
            foreach (var (op, n) in sequence.Counts) operations[op] = operations.GetValueOrDefault(op) + n;
        }
        output.WriteLine(string.Join(", ", operations.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        // The mix must really exercise the ledger, refusals included (points: spending, no vouchers, payment refused).
        if (points) operations.Keys.Should().Contain(["earn", "refund", "release", "expire", "spend", "refused spend", "refused points_not_payment"]);
        else operations.Keys.Should().Contain(["earn", "refund", "release", "expire", "issue vouchers", "redeem voucher", "refused"]);
    }

    private static int? EnvInt(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

    private sealed class Sequence(LedgerModelTests test, int seed, int steps, bool points)
    {
        private readonly Random random = new(seed);
        private readonly StringBuilder log = new();
        private readonly Model model = new();
        private readonly string walkInPhone = LedgerTestKit.NewPhone();
        private TestTenant shop = null!;

        public Dictionary<string, int> Counts { get; } = new();

        private TestClock Clock => test.Clock;
        private DateTimeOffset Now => Clock.Now;

        public async Task RunAsync()
        {
            var step = 0;
            try
            {
                Clock.StartAt(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
                var rules = RandomRules();
                model.Rules = rules;
                Note($"rules: {rules.RewardType} {rules.EarnRateBps} bps / {rules.PointsPerCurrencyUnit} per unit, pending {rules.PendingDays} d, expiry {rules.ExpiryDays?.ToString(CultureInfo.InvariantCulture) ?? "never"}, " +
                     $"min redeem {rules.MinRedeemBalanceCents}, max share {rules.MaxRedeemShareBps} bps, vouchers {rules.VoucherMode} " +
                     $"{rules.VoucherThresholdCents} for {rules.VoucherValidityDays} d, min purchase {rules.MinPurchaseCents}, " +
                     $"cap {rules.MaxEarnPerPurchaseCents?.ToString(CultureInfo.InvariantCulture) ?? "none"}, welcome {rules.WelcomeBonusCents}");
                shop = await test.NewTenantAsync(rules);
                for (var i = 0; i < 2; i++)
                {
                    var joined = await shop.JoinAsync(name: $"member {i}");
                    var customer = model.AddCustomer(joined.CustomerId, $"member {i}", claimed: true);
                    model.Credit(customer, rules.WelcomeBonusCents, Now, Now, null);
                    joined.WelcomeBonusCents.Should().Be(rules.WelcomeBonusCents);
                }
                await CompareAsync();
                for (step = 1; step <= steps; step++)
                {
                    Clock.Advance(TimeSpan.FromMilliseconds(random.NextInt64(1_000, 8 * 3_600_000)));
                    await StepAsync(step);
                    await CompareAsync();
                }
            }
            catch (Exception e)
            {
                throw new XunitException(
                    $"The ledger and its model disagree: seed {seed}, step {step}. " +
                    $"Replay with SMARTBIS_MODEL_SEED={seed} SMARTBIS_MODEL_SEQUENCES=1.\nSteps so far:\n{log}\n{e}");
            }
        }

        private void Note(string line) => log.AppendLine(line);

        private void Count(string op) => Counts[op] = Counts.GetValueOrDefault(op) + 1;

        private ProgramRules RandomRules()
        {
            var rules = SampleRules.Plain(Pick(500, 333, 1000, 50, 777));
            rules.PendingDays = Pick(0, 0, 3, 7);
            rules.ExpiryDays = Pick<int?>(null, 10, 30);
            rules.MinRedeemBalanceCents = Pick(0, 0, 5_00);
            rules.MaxRedeemShareBps = Pick(10_000, 5_000);
            rules.VoucherMode = Pick(VoucherMode.None, VoucherMode.Threshold, VoucherMode.Threshold, VoucherMode.PerCredit);
            rules.VoucherThresholdCents = rules.VoucherMode == VoucherMode.Threshold ? Pick(3_00, 10_00) : 0;
            rules.VoucherValidityDays = Pick(5, 15);
            rules.MinPurchaseCents = Pick(0, 0, 10_00);
            rules.MaxEarnPerPurchaseCents = Pick<long?>(null, null, 8_00);
            rules.WelcomeBonusCents = Pick(0, 3_00);
            if (points)
            {
                // Points: whole points per R$ 1, no vouchers from the balance, no payment with points.
                rules.RewardType = RewardType.Points;
                rules.PointsPerCurrencyUnit = Pick(1, 2, 3);
                rules.VoucherMode = VoucherMode.None;
                rules.VoucherThresholdCents = 0;
                rules.MaxEarnPerPurchaseCents = Pick<long?>(null, null, 400);
                rules.WelcomeBonusCents = Pick(0, 50);
            }
            return rules;
        }

        private T Pick<T>(params T[] choices) => choices[random.Next(choices.Length)];

        private async Task StepAsync(int step)
        {
            var roll = random.Next(100);
            var op = roll switch
            {
                < 35 => "purchase",
                < 50 => "refund",
                < 58 => "release",
                < 66 => "expire",
                < 76 => "issue vouchers",
                < 85 => "redeem voucher",
                < 89 => "cancel voucher",
                < 95 => "adjust",
                _ => "join",
            };
            if (op == "refund" && !model.Purchases.Any(p => p.Refunded < p.Amount)) op = "purchase";
            if (op is "redeem voucher" or "cancel voucher" && model.Vouchers.Count == 0) op = "issue vouchers";
            if (points && op is "issue vouchers" or "redeem voucher" or "cancel voucher") op = "spend"; // a points program's spending
            if (op == "join" && model.Customers.All(c => c.Claimed)) op = "purchase";
            Note($"{step,2}. at {Now:yyyy-MM-dd HH:mm:ss.fff}: {op}");
            switch (op)
            {
                case "purchase": await PurchaseAsync(); break;
                case "refund": await RefundAsync(); break;
                case "release": await ReleaseAsync(); break;
                case "expire": await ExpireAsync(); break;
                case "issue vouchers": await IssueAsync(); break;
                case "redeem voucher": await RedeemAsync(); break;
                case "cancel voucher": await CancelAsync(); break;
                case "adjust": await AdjustAsync(); break;
                case "spend": await SpendAsync(); break;
                default: await JoinAsync(); break;
            }
        }

        /// <summary>Runs an operation; returns the refusal code, or null when it went through.</summary>
        private async Task<(T? Result, string? Refusal)> TryAsync<T>(Func<Task<T>> run) where T : class
        {
            try
            {
                return (await run(), null);
            }
            catch (OperationFailed e)
            {
                Note($"      refused: {e.Code} ({e.Message})");
                Count("refused");
                Count("refused " + e.Code);
                return (null, e.Code);
            }
        }

        private async Task PurchaseAsync()
        {
            // Index 2 is the walk-in, known only by phone until their first purchase creates them.
            var index = random.Next(3);
            var customer = index < model.Customers.Count ? model.Customers[index] : null;
            var amount = random.Next(10) switch
            {
                0 => random.NextInt64(1, 2_00),
                < 8 => random.NextInt64(2_00, 300_00),
                _ => random.NextInt64(300_00, 2_000_00),
            };
            long pay = 0;
            Model.Voucher? voucher = null;
            if (customer is not null && random.Next(10) < (points ? 2 : 4)) pay = Math.Min(amount, random.NextInt64(1, customer.Available + 50));
            if (customer is not null && random.Next(10) < 5 && model.Vouchers.Count > 0)
            {
                // Mostly a voucher the customer can use; sometimes any voucher, to meet the refusals.
                var usable = model.Vouchers.Where(v => v.Owner == customer && v.Status == VoucherStatus.Issued && v.ExpiresAt > Now).ToList();
                var pool = usable.Count > 0 && random.Next(5) > 0 ? usable : model.Vouchers;
                voucher = pool[random.Next(pool.Count)];
                if (voucher.Value > amount - pay && random.Next(3) > 0) amount = voucher.Value + pay + random.NextInt64(0, 100_00);
            }
            Note($"      {customer?.Name ?? "walk-in (new)"} buys {amount}, pays {pay} with cashback{(voucher is null ? "" : $", voucher {voucher.Value} ({voucher.Status})")}");

            var expected = customer is null ? null : model.PurchaseRefusal(customer, amount, pay, voucher, Now);
            var request = shop.Purchase(customer?.Id, amount, pay, voucher?.Code, phone: customer is null ? walkInPhone : null);
            var (result, refusal) = await TryAsync(async () => (await shop.RecordAsync(request)).Value);

            refusal.Should().Be(expected, "the model expects {0}", expected ?? "the purchase to go through");
            if (result is null) return;
            Count("earn");
            if (voucher is not null) Count("pay with voucher");
            if (pay > 0) Count("pay with cashback");
            customer ??= model.AddCustomer(result.CustomerId, "walk-in", claimed: false);
            var purchase = model.Buy(customer, result.PurchaseId, amount, pay, voucher, Now);
            result.EarnedCents.Should().Be(purchase.Earned, "what the purchase earned");
            result.Balances.Should().Be(customer.Balances, "the balances the purchase reports");
        }

        private async Task RefundAsync()
        {
            var open = model.Purchases.Where(p => p.Refunded < p.Amount).ToList();
            var purchase = open[random.Next(open.Count)];
            var left = purchase.Amount - purchase.Refunded;
            var amount = random.Next(10) switch
            {
                < 4 => left,
                9 => left + random.NextInt64(1, 1_00),
                _ => random.NextInt64(1, left + 1),
            };
            Note($"      refund {amount} of {purchase.Owner.Name}'s purchase of {purchase.Amount} (earned {purchase.Earned}, paid {purchase.PaidCashback} cashback + {purchase.PaidVoucher} voucher, {purchase.Refunded} refunded)");

            var (result, refusal) = await TryAsync(() => shop.RefundAsync(purchase.Id, amount));

            refusal.Should().Be(amount > left ? "over_refund" : null);
            if (result is null) return;
            Count("refund");
            var (reversed, returned, clawback) = model.Refund(purchase, amount, Now);
            (result.ReversedEarnCents, result.ReturnedCreditCents, result.ClawbackCents).Should().Be((reversed, returned, clawback),
                "reversed / returned / clawback of the refund");
            if (clawback > 0) Count("clawback");
            result.Balances.Should().Be(purchase.Owner.Balances);
        }

        private async Task ReleaseAsync()
        {
            Clock.Advance(TimeSpan.FromDays(random.Next(1, 6)) + TimeSpan.FromMilliseconds(random.Next(1, 86_400_000)));
            Note($"      now {Now:yyyy-MM-dd HH:mm:ss.fff}");
            var released = await shop.ReleaseAsync();
            Count("release");
            released.Should().Be(model.Release(Now), "lots released");
        }

        private async Task ExpireAsync()
        {
            Clock.Advance(TimeSpan.FromDays(random.Next(1, 13)) + TimeSpan.FromMilliseconds(random.Next(1, 86_400_000)));
            Note($"      now {Now:yyyy-MM-dd HH:mm:ss.fff}");
            var expired = await shop.ExpireAsync();
            Count("expire");
            expired.Should().Be(model.Expire(Now), "what expired");
        }

        private async Task IssueAsync()
        {
            var result = await shop.IssueVouchersAsync();
            Count("issue vouchers");
            var issued = model.IssueVouchers(Now);
            Note($"      issued {result.VouchersIssued} worth {result.ValueCents}");
            result.Should().Be(new IssueVouchers.Result(issued.Count, issued.Sum(v => v.Value)), "vouchers issued");

            // The model knows each new voucher's owner and value; the database, its id and code.
            var known = model.Vouchers.Where(v => v.Id != Guid.Empty).Select(v => v.Id).ToHashSet();
            var fresh = await shop.WithDbAsync(db => db.Vouchers.AsNoTracking().ToListAsync());
            foreach (var owner in issued.GroupBy(v => v.Owner))
            {
                var stored = fresh.Where(v => !known.Contains(v.Id) && v.CustomerId == owner.Key.Id).OrderBy(v => v.ValueCents).ToList();
                var modelled = owner.OrderBy(v => v.Value).ToList();
                stored.Select(v => v.ValueCents).Should().Equal(modelled.Select(v => v.Value), $"the new vouchers of {owner.Key.Name}");
                for (var i = 0; i < stored.Count; i++)
                {
                    stored[i].ExpiresAt.Should().Be(modelled[i].ExpiresAt);
                    modelled[i].Id = stored[i].Id;
                    modelled[i].Code = stored[i].Code;
                }
            }
        }

        private async Task RedeemAsync()
        {
            var issued = model.Vouchers.Where(v => v.Status == VoucherStatus.Issued).ToList();
            var pool = issued.Count > 0 && random.Next(10) < 7 ? issued : model.Vouchers;
            var voucher = pool[random.Next(pool.Count)];
            var claimant = random.Next(10) switch
            {
                0 => null,
                1 => model.Customers[random.Next(model.Customers.Count)],
                _ => voucher.Owner,
            };
            Note($"      redeem {voucher.Owner.Name}'s voucher of {voucher.Value} ({voucher.Status}, expires {voucher.ExpiresAt:yyyy-MM-dd HH:mm}) for {claimant?.Name ?? "anyone"}");

            var (result, refusal) = await TryAsync(() => shop.RedeemVoucherAsync(Codes.Display(voucher.Code), claimant?.Id));

            refusal.Should().Be(model.VoucherRefusal(voucher, claimant, Now));
            if (result is null) return;
            Count("redeem voucher");
            model.RedeemVoucher(voucher, Now);
            result.Balances.Should().Be(voucher.Owner.Balances);
        }

        private async Task CancelAsync()
        {
            var voucher = model.Vouchers[random.Next(model.Vouchers.Count)];
            Note($"      cancel {voucher.Owner.Name}'s voucher of {voucher.Value} ({voucher.Status})");

            var (result, refusal) = await TryAsync(() => shop.RunAsync<CancelVoucher, Balances>(c => c.ExecuteAsync(voucher.Id, "Customer asked", "manager")));

            refusal.Should().Be(voucher.Status == VoucherStatus.Issued && voucher.ExpiresAt > Now ? null : "voucher_not_issued");
            if (result is null) return;
            Count("cancel voucher");
            model.CancelVoucher(voucher, Now);
            result.Should().Be(voucher.Owner.Balances);
        }

        private async Task AdjustAsync()
        {
            var customer = model.Customers[random.Next(model.Customers.Count)];
            var amount = random.Next(2) == 0 ? random.NextInt64(1, 20_00) : -random.NextInt64(1, customer.Available + 2_00);
            Note($"      adjust {customer.Name} by {amount}");

            var (result, refusal) = await TryAsync(() => shop.AdjustAsync(customer.Id, amount));

            refusal.Should().Be(amount < 0 && -amount > model.Spendable(customer, Now) ? "insufficient_balance" : null);
            if (result is null) return;
            Count("adjust");
            model.Adjust(customer, amount, Now);
            result.Should().Be(customer.Balances);
        }

        /// <summary>Points spent on a reward, through the ledger's spend primitive (Books): FIFO, refused above what is spendable.</summary>
        private async Task SpendAsync()
        {
            var customer = model.Customers[random.Next(model.Customers.Count)];
            var amount = random.NextInt64(1, customer.Available + 100);
            Note($"      {customer.Name} spends {amount}");

            var (result, refusal) = await TryAsync(() => shop.SpendAsync(customer.Id, amount));

            var expected = amount > model.Spendable(customer, Now) ? "insufficient_balance" : null;
            refusal.Should().Be(expected);
            if (result is null)
            {
                Count("refused spend"); // its transaction rolled back: nothing expired or moved
                return;
            }
            Count("spend");
            model.Adjust(customer, -amount, Now);
            result.Should().Be(customer.Balances);
        }

        private async Task JoinAsync()
        {
            var walkIn = model.Customers.Single(c => !c.Claimed);
            Note($"      the walk-in joins");

            var joined = await shop.JoinAsync(phone: walkInPhone, name: "walk-in");

            Count("join");
            joined.CustomerId.Should().Be(walkIn.Id);
            joined.ClaimedWalkIn.Should().BeTrue();
            walkIn.Claimed = true;
            model.Credit(walkIn, model.Rules.WelcomeBonusCents, Now, Now, null);
        }

        private async Task CompareAsync()
        {
            var (accounts, lots, vouchers, problems) = await shop.WithDbAsync(async db => (
                await db.Accounts.AsNoTracking().ToListAsync(),
                await db.CreditLots.AsNoTracking().Where(l => l.Status == LotStatus.Pending || l.Status == LotStatus.Available).ToListAsync(),
                await db.Vouchers.AsNoTracking().ToListAsync(),
                await CheckLedger.RunAsync(db)));

            problems.Should().BeEmpty("CheckLedger must find nothing");
            accounts.Select(a => a.CustomerId).Should().BeEquivalentTo(model.Customers.Select(c => c.Id));
            foreach (var customer in model.Customers)
            {
                Balances.Of(accounts.Single(a => a.CustomerId == customer.Id)).Should().Be(customer.Balances,
                    $"the balances (pending, available, clawback, voucher) of {customer.Name}");
                lots.Where(l => l.CustomerId == customer.Id).Select(l => Model.Describe(l.Status, l.RemainingCents, l.AvailableAt, l.ExpiresAt)).Order()
                    .Should().Equal(model.OpenLots(customer).Order(), $"the open credit lots of {customer.Name}");
            }
            vouchers.Select(v => (v.Id, v.CustomerId, v.ValueCents, v.Status)).Should().BeEquivalentTo(
                model.Vouchers.Select(v => (v.Id, v.Owner.Id, v.Value, v.Status)), "the vouchers");
        }
    }

    /// <summary>The ledger as the documentation describes it, in memory: lots with their dates, four buckets per customer.</summary>
    private sealed class Model
    {
        public sealed class Customer(Guid id, string name, bool claimed)
        {
            public Guid Id { get; } = id;
            public string Name { get; } = name;
            public bool Claimed { get; set; } = claimed;
            public long Pending { get; set; }
            public long Available { get; set; }
            public long Clawback { get; set; }
            public long Voucher { get; set; }
            public Balances Balances => new(Pending, Available, Clawback, Voucher);
        }

        public sealed class Lot
        {
            public required int Seq { get; init; }
            public required Customer Owner { get; init; }
            public Purchase? Purchase { get; init; }
            public long Remaining { get; set; }
            public LotStatus Status { get; set; }
            public DateTimeOffset CreatedAt { get; init; }
            public DateTimeOffset AvailableAt { get; init; }
            public DateTimeOffset? ExpiresAt { get; init; }
        }

        public sealed class Voucher
        {
            public Guid Id { get; set; }
            public string Code { get; set; } = "";
            public required Customer Owner { get; init; }
            public long Value { get; init; }
            public VoucherStatus Status { get; set; } = VoucherStatus.Issued;
            public DateTimeOffset ExpiresAt { get; init; }
        }

        public sealed class Purchase
        {
            public Guid Id { get; init; }
            public required Customer Owner { get; init; }
            public long Amount { get; init; }
            public long PaidCashback { get; init; }
            public long PaidVoucher { get; init; }
            public long Earned { get; set; }
            public long Refunded { get; set; }
            public long Reversed { get; set; }
            public long Returned { get; set; }
        }

        private int seq;
        public ProgramRules Rules { get; set; } = null!;
        public List<Customer> Customers { get; } = [];
        public List<Lot> Lots { get; } = [];
        public List<Voucher> Vouchers { get; } = [];
        public List<Purchase> Purchases { get; } = [];

        /// <summary>Half-up to the cent, from exact decimal arithmetic.</summary>
        private static long Round(decimal value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);

        public static string Describe(LotStatus status, long remaining, DateTimeOffset availableAt, DateTimeOffset? expiresAt) =>
            $"{status} {remaining} from {availableAt.UtcTicks} until {expiresAt?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "never"}";

        public IEnumerable<string> OpenLots(Customer c) =>
            Lots.Where(l => l.Owner == c && l.Status is LotStatus.Pending or LotStatus.Available)
                .Select(l => Describe(l.Status, l.Remaining, l.AvailableAt, l.ExpiresAt));

        public Customer AddCustomer(Guid id, string name, bool claimed)
        {
            var c = new Customer(id, name, claimed);
            Customers.Add(c);
            return c;
        }

        /// <summary>A credit first settles clawback; the rest is a new lot, pending until availableAt when that is later than now.</summary>
        public void Credit(Customer c, long amount, DateTimeOffset now, DateTimeOffset availableAt, Purchase? purchase)
        {
            if (amount <= 0) return;
            var offset = Math.Min(amount, c.Clawback);
            c.Clawback -= offset;
            var rest = amount - offset;
            if (rest == 0) return;
            var pending = availableAt > now;
            var from = pending ? availableAt : now;
            Lots.Add(new Lot
            {
                Seq = ++seq, Owner = c, Purchase = purchase, Remaining = rest, Status = pending ? LotStatus.Pending : LotStatus.Available,
                CreatedAt = now, AvailableAt = from, ExpiresAt = Rules.ExpiryDays is { } days ? from.AddDays(days) : null,
            });
            if (pending) c.Pending += rest;
            else c.Available += rest;
        }

        /// <summary>Available lots in spending order: soonest expiry first (never-expiring last), then earliest available.</summary>
        private List<Lot> AvailableLots(Customer c) =>
            Lots.Where(l => l.Owner == c && l.Status == LotStatus.Available && l.Remaining > 0)
                .OrderBy(l => l.ExpiresAt is null).ThenBy(l => l.ExpiresAt).ThenBy(l => l.AvailableAt).ThenBy(l => l.Seq).ToList();

        private void Spend(Customer c, long amount)
        {
            var left = amount;
            foreach (var lot in AvailableLots(c))
            {
                if (left == 0) break;
                var take = Math.Min(left, lot.Remaining);
                lot.Remaining -= take;
                if (lot.Remaining == 0) lot.Status = LotStatus.Spent;
                left -= take;
            }
            left.Should().Be(0, "the model's lots hold the available balance");
            c.Available -= amount;
        }

        public string? VoucherRefusal(Voucher v, Customer? claimant, DateTimeOffset now) =>
            claimant is not null && claimant != v.Owner ? "voucher_other_customer"
            : v.Status == VoucherStatus.Redeemed ? "voucher_used"
            : v.Status == VoucherStatus.Cancelled ? "voucher_cancelled"
            : v.Status == VoucherStatus.Expired || v.ExpiresAt <= now ? "voucher_expired"
            : null;

        public string? PurchaseRefusal(Customer c, long amount, long pay, Voucher? voucher, DateTimeOffset now)
        {
            if (voucher is not null)
            {
                if (VoucherRefusal(voucher, c, now) is { } refusal) return refusal;
                if (voucher.Value > amount - pay) return "voucher_exceeds_purchase";
            }
            if (pay > 0)
            {
                if (Rules.RewardType == RewardType.Points) return "points_not_payment";
                if (!c.Claimed) return "customer_unclaimed";
                var available = Spendable(c, now);
                if (available < Rules.MinRedeemBalanceCents) return "below_minimum_balance";
                if (pay > amount * Rules.MaxRedeemShareBps / 10_000) return "over_max_share";
                if (pay > available) return "insufficient_balance";
            }
            return null;
        }

        public Purchase Buy(Customer c, Guid id, long amount, long pay, Voucher? voucher, DateTimeOffset now)
        {
            if (voucher is not null) RedeemVoucher(voucher, now);
            if (pay > 0)
            {
                ExpireDue(c, now);
                Spend(c, pay);
            }
            var money = amount - (voucher?.Value ?? 0) - pay;
            var earned = amount < Rules.MinPurchaseCents ? 0
                : Rules.RewardType == RewardType.Points ? money * Rules.PointsPerCurrencyUnit / 100 // whole points, rounded down
                : Round(money * (decimal)Rules.EarnRateBps / 10_000m);
            if (Rules.MaxEarnPerPurchaseCents is { } cap) earned = Math.Min(earned, cap);
            var purchase = new Purchase { Id = id, Owner = c, Amount = amount, PaidCashback = pay, PaidVoucher = voucher?.Value ?? 0, Earned = earned };
            Purchases.Add(purchase);
            Credit(c, earned, now, now.AddDays(Rules.PendingDays), purchase);
            return purchase;
        }

        /// <summary>
        /// The cumulative shares of the refunded total, less what earlier refunds took: the credit that paid comes back
        /// (available), the cashback earned is reversed — the purchase's own pending lot, other pending lots newest first,
        /// then available lots (the purchase's own first) — and what is left becomes clawback.
        /// </summary>
        public (long Reversed, long Returned, long Clawback) Refund(Purchase p, long amount, DateTimeOffset now)
        {
            var total = p.Refunded + amount;
            var reverse = Round(p.Earned * (decimal)total / p.Amount) - p.Reversed;
            var giveBack = Round((p.PaidCashback + p.PaidVoucher) * (decimal)total / p.Amount) - p.Returned;
            var c = p.Owner;
            if (giveBack > 0) Credit(c, giveBack, now, now, p);
            var order = Lots.Where(l => l.Owner == c && l.Status == LotStatus.Pending && l.Remaining > 0)
                .OrderByDescending(l => l.Purchase == p).ThenByDescending(l => l.CreatedAt)
                .Concat(AvailableLots(c).OrderByDescending(l => l.Purchase == p)).ToList();
            var left = reverse;
            foreach (var lot in order)
            {
                if (left == 0) break;
                var take = Math.Min(left, lot.Remaining);
                if (lot.Status == LotStatus.Pending) c.Pending -= take;
                else c.Available -= take;
                lot.Remaining -= take;
                if (lot.Remaining == 0) lot.Status = LotStatus.Reversed;
                left -= take;
            }
            c.Clawback += left;
            p.Refunded = total;
            p.Reversed += reverse;
            p.Returned += giveBack;
            return (reverse, giveBack, left);
        }

        public int Release(DateTimeOffset now)
        {
            var due = Lots.Where(l => l.Status == LotStatus.Pending && l.AvailableAt <= now).ToList();
            foreach (var lot in due)
            {
                lot.Status = LotStatus.Available;
                lot.Owner.Pending -= lot.Remaining;
                lot.Owner.Available += lot.Remaining;
            }
            return due.Count;
        }

        public ExpireCredits.Result Expire(DateTimeOffset now)
        {
            var lots = Lots.Where(l => l.Status == LotStatus.Available && l.ExpiresAt <= now && l.Remaining > 0).ToList();
            var lotCents = lots.Sum(l => l.Remaining);
            foreach (var c in lots.Select(l => l.Owner).Distinct()) ExpireDue(c, now);
            var vouchers = Vouchers.Where(v => v.Status == VoucherStatus.Issued && v.ExpiresAt <= now).ToList();
            foreach (var v in vouchers)
            {
                v.Status = VoucherStatus.Expired;
                v.Owner.Voucher -= v.Value;
            }
            return new ExpireCredits.Result(lots.Count, lotCents, vouchers.Count, vouchers.Sum(v => v.Value));
        }

        public List<Voucher> IssueVouchers(DateTimeOffset now)
        {
            var issued = new List<Voucher>();
            foreach (var c in Customers.Where(c => c.Claimed))
            {
                // The job's candidates: a balance at the threshold, or any available lot; each is first cleared of expired credit.
                var candidate = Rules.VoucherMode switch
                {
                    VoucherMode.Threshold => c.Available >= Rules.VoucherThresholdCents,
                    VoucherMode.PerCredit => AvailableLots(c).Count > 0,
                    _ => false,
                };
                if (!candidate) continue;
                ExpireDue(c, now);
                if (Rules.VoucherMode == VoucherMode.Threshold)
                {
                    while (c.Available >= Rules.VoucherThresholdCents)
                    {
                        Spend(c, Rules.VoucherThresholdCents);
                        issued.Add(NewVoucher(c, Rules.VoucherThresholdCents, now));
                    }
                }
                else if (Rules.VoucherMode == VoucherMode.PerCredit)
                {
                    foreach (var lot in AvailableLots(c))
                    {
                        issued.Add(NewVoucher(c, lot.Remaining, now));
                        c.Available -= lot.Remaining;
                        lot.Remaining = 0;
                        lot.Status = LotStatus.Spent;
                    }
                }
            }
            Vouchers.AddRange(issued);
            return issued;
        }

        private Voucher NewVoucher(Customer c, long value, DateTimeOffset now)
        {
            c.Voucher += value;
            return new Voucher { Owner = c, Value = value, ExpiresAt = now.AddDays(Rules.VoucherValidityDays) };
        }

        public void RedeemVoucher(Voucher v, DateTimeOffset now)
        {
            v.Status = VoucherStatus.Redeemed;
            v.Owner.Voucher -= v.Value;
        }

        public void CancelVoucher(Voucher v, DateTimeOffset now)
        {
            v.Status = VoucherStatus.Cancelled;
            v.Owner.Voucher -= v.Value;
            Credit(v.Owner, v.Value, now, now, null);
        }

        public void Adjust(Customer c, long amount, DateTimeOffset now)
        {
            if (amount > 0) Credit(c, amount, now, now, null);
            else
            {
                ExpireDue(c, now);
                Spend(c, -amount);
            }
        }

        private List<Lot> DueLots(Customer c, DateTimeOffset now) =>
            Lots.Where(l => l.Owner == c && l.Status == LotStatus.Available && l.ExpiresAt <= now && l.Remaining > 0).ToList();

        /// <summary>What can be spent now: the available balance less credit past its expiry (which spending first expires).</summary>
        public long Spendable(Customer c, DateTimeOffset now) => c.Available - DueLots(c, now).Sum(l => l.Remaining);

        /// <summary>Spending, a debit or a voucher run first expires the customer's credit past its expiry.</summary>
        private void ExpireDue(Customer c, DateTimeOffset now)
        {
            foreach (var lot in DueLots(c, now))
            {
                c.Available -= lot.Remaining;
                lot.Remaining = 0;
                lot.Status = LotStatus.Expired;
            }
        }
    }
}
