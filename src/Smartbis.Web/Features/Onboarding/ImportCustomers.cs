using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Onboarding;

/// <summary>
/// Brings a merchant's existing members in from a CSV (name, phone, email, cpf, birth_date, opening_balance).
/// A dry run reports every bad row with its line number and reason; the import is all-or-nothing: one ledger
/// transaction that creates the customers, their accounts and an opening-balance credit entry for each balance —
/// or, if any row is bad, nothing at all.
/// </summary>
public sealed class ImportCustomers(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public const int MaxRows = 20_000;
    public static readonly string[] Columns = ["name", "phone", "email", "cpf", "birth_date", "opening_balance"];

    /// <summary>
    /// A problem of one line: the CSV column it is about ("" for the whole line) and what is wrong, as an error code with values,
    /// put into words in the reader's language by the page (<see cref="ErrorTexts.Render(ErrorText, System.Globalization.CultureInfo, TimeZoneInfo?)"/>).
    /// </summary>
    public sealed record RowError(int Line, string Column, ErrorText Text)
    {
        /// <summary>In English ("phone: Enter a valid phone number…"): for logs and tests.</summary>
        public string Reason => Column.Length == 0 ? ErrorTexts.English(Text) : $"{Column}: {ErrorTexts.English(Text)}";
    }
    public sealed record Result(int Rows, int Imported, long OpeningBalanceCents, IReadOnlyList<RowError> Errors, bool DryRun);

    private sealed record Row(int Line, string Name, string? Phone, string? Email, string? Cpf, DateOnly? BirthDate, long OpeningCents);

    public async Task<Result> ExecuteAsync(Stream csv, bool dryRun, AuditActor actor, CancellationToken ct = default)
    {
        var tenantId = tenant.Require();
        // opening_balance is in the program's unit: money for cashback, whole points for a points program.
        var rewardType = await unit.RunAsync(tenantId, db => Programs.RewardUnits.OfTenantAsync(db, ct), ct);
        var (rows, errors) = Parse(csv, rewardType);
        // Rows are checked against the database inside the transaction, so a dry run and an import agree.
        return await unit.RecordAsync(tenantId, async db =>
        {
            var phones = rows.Where(r => r.Phone != null).Select(r => r.Phone!).ToList();
            var emails = rows.Where(r => r.Email != null).Select(r => r.Email!).ToList();
            var cpfs = rows.Where(r => r.Cpf != null).Select(r => r.Cpf!).ToList();
            var takenPhones = (await db.Customers.Where(c => c.Phone != null && phones.Contains(c.Phone)).Select(c => c.Phone!).ToListAsync(ct)).ToHashSet();
            var takenEmails = (await db.Customers.Where(c => c.Email != null && emails.Contains(c.Email)).Select(c => c.Email!).ToListAsync(ct)).ToHashSet();
            var takenCpfs = (await db.Customers.Where(c => c.Cpf != null && cpfs.Contains(c.Cpf)).Select(c => c.Cpf!).ToListAsync(ct)).ToHashSet();
            var seenPhones = new Dictionary<string, int>();
            var seenEmails = new Dictionary<string, int>();
            var seenCpfs = new Dictionary<string, int>();
            foreach (var r in rows)
            {
                if (r.Phone is { } p && takenPhones.Contains(p)) errors.Add(new(r.Line, "phone", ErrorText.Of("import_phone_taken")));
                else if (r.Phone is { } p2 && !seenPhones.TryAdd(p2, r.Line)) errors.Add(new(r.Line, "phone", ErrorText.Of("import_phone_repeated", new { line = seenPhones[p2] })));
                if (r.Email is { } e && takenEmails.Contains(e)) errors.Add(new(r.Line, "email", ErrorText.Of("import_email_taken")));
                else if (r.Email is { } e2 && !seenEmails.TryAdd(e2, r.Line)) errors.Add(new(r.Line, "email", ErrorText.Of("import_email_repeated", new { line = seenEmails[e2] })));
                if (r.Cpf is { } c && takenCpfs.Contains(c)) errors.Add(new(r.Line, "cpf", ErrorText.Of("import_cpf_taken")));
                else if (r.Cpf is { } c2 && !seenCpfs.TryAdd(c2, r.Line)) errors.Add(new(r.Line, "cpf", ErrorText.Of("import_cpf_repeated", new { line = seenCpfs[c2] })));
            }
            var sorted = errors.OrderBy(e => e.Line).ToList();
            var total = rows.Count + sorted.Select(e => e.Line).Distinct().Count(l => rows.All(r => r.Line != l));
            var opening = rows.Sum(r => r.OpeningCents);
            if (dryRun || sorted.Count > 0 || rows.Count == 0)
                return new Result(total, 0, opening, sorted, dryRun);

            var now = clock.GetUtcNow();
            var books = new Books(db, now);
            var rules = await RulesInForce.AtAsync(db, now, ct);
            var holdout = await Results.ControlGroup.InForceAsync(db, ct);
            var timeZone = await db.Tenants.Where(t => t.Id == db.Tenant.Require()).Select(t => t.TimeZone).SingleAsync(ct);
            foreach (var r in rows)
            {
                var customer = EnrollCustomer.NewCustomer(now);
                customer.Name = r.Name; customer.Phone = r.Phone; customer.Email = r.Email; customer.Cpf = r.Cpf; customer.BirthDate = r.BirthDate;
                customer.InControlGroup = Results.ControlGroup.Draw(holdout, now, timeZone); // drawn once, when they join
                customer.JoinedAt = now;
                db.Customers.Add(customer);
                var account = new Account { CustomerId = customer.Id, UpdatedAt = now };
                db.Accounts.Add(account);
                // No consent is assumed for imported members: they are not messaged until they opt in.
                if (r.OpeningCents > 0)
                    books.Credit(account, EntryKind.Adjustment, r.OpeningCents, "Opening balance brought from your previous program", now, rules.ExpiryDays,
                        ruleVersion: rules.Version, authorUserId: actor.UserId, text: EntryText.OpeningBalance);
                books.Emit(Events.CustomerJoined, customer.Id, customer.Id, new { customerId = customer.Id, claimedWalkIn = false, source = "import" });
            }
            RecordAudit.Add(db, actor, now, "customers.imported", $"{rows.Count} customers imported from CSV with {Programs.RewardUnits.Format(opening, rules.RewardType, "points", "BRL", "en")} of opening balances",
                "customers", null, null, new { rows = rows.Count, openingBalanceCents = opening }, values: new { rows = rows.Count, opening });
            await db.SaveChangesAsync(ct);
            return new Result(rows.Count, rows.Count, opening, [], false);
        }, ct);
    }

    /// <summary>Reads the CSV (comma or semicolon, quoted fields, a header naming the columns); field errors per line.</summary>
    private (List<Row> Rows, List<RowError> Errors) Parse(Stream csv, Programs.RewardType rewardType)
    {
        var rows = new List<Row>();
        var errors = new List<RowError>();
        using var reader = new StreamReader(csv, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var lines = ReadRecords(reader).ToList();
        if (lines.Count == 0) { errors.Add(new(1, "", ErrorText.Of("import_file_empty"))); return (rows, errors); }
        var header = lines[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        if (!header.Contains("name") || !(header.Contains("phone") || header.Contains("email")))
        {
            errors.Add(new(1, "", ErrorText.Of("import_header_required")));
            return (rows, errors);
        }
        string? Get(List<string> f, string column) { var i = header.IndexOf(column); return i >= 0 && i < f.Count && !string.IsNullOrWhiteSpace(f[i]) ? f[i].Trim() : null; }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var badLines = 0;
        foreach (var (line, fields) in lines.Skip(1))
        {
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            if (rows.Count + badLines >= MaxRows) { errors.Add(new(line, "", ErrorText.Of("import_too_many_rows", new { maximum = MaxRows }))); break; }
            var problems = new List<RowError>();
            DateOnly? birth = null;
            if (Get(fields, "birth_date") is { } b)
            {
                if (DateOnly.TryParseExact(b, ["yyyy-MM-dd", "dd/MM/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) birth = d;
                else problems.Add(new(line, BirthDateColumn, ErrorText.Of("import_birth_date_format")));
            }
            long opening = 0;
            if (Get(fields, "opening_balance") is { } ob)
            {
                var parsed = rewardType == Programs.RewardType.Points
                    ? (Programs.RewardUnits.Parse(ob, rewardType, "pt-BR") ?? Programs.RewardUnits.Parse(ob, rewardType, "en")) is { } n and >= 0 ? n : (long?)null
                    : Money.Parse(ob, ob.Contains(',') ? "pt-BR" : "en");
                if (parsed is null)
                    problems.Add(new(line, OpeningBalanceColumn, ErrorText.Of(rewardType == Programs.RewardType.Points ? "import_opening_points" : "import_opening_amount")));
                else opening = parsed.Value;
            }
            (string? Phone, string? Email, string? Cpf) normalized = (null, null, null);
            try
            {
                normalized = EnrollCustomer.Validate(new EnrollCustomer.Request(Get(fields, "name") ?? "", Get(fields, "phone"), Get(fields, "email"),
                    Get(fields, "cpf"), birth, Source: "import"), today);
            }
            catch (OperationFailed failed)
            {
                problems.AddRange(failed.Messages.SelectMany(m => m.Value.Select(t => new RowError(line, Column(m.Key), t))));
            }
            if (problems.Count > 0) { errors.AddRange(problems); badLines++; }
            else rows.Add(new Row(line, Get(fields, "name")!, normalized.Phone, normalized.Email, normalized.Cpf, birth, opening));
        }
        return (rows, errors);
    }

    private const string BirthDateColumn = "birth_date", OpeningBalanceColumn = "opening_balance";

    private static string Column(string field) => field switch { "birthDate" => "birth_date", "" => "row", _ => field };

    /// <summary>RFC 4180-ish records with their starting line numbers (a quoted field may span lines).</summary>
    private static IEnumerable<(int Line, List<string> Fields)> ReadRecords(TextReader reader)
    {
        var text = reader.ReadToEnd();
        var delimiter = ',';
        var firstLine = text.Split('\n', 2)[0];
        if (firstLine.Count(c => c == ';') > firstLine.Count(c => c == ',')) delimiter = ';';
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var line = 1;
        var start = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') inQuotes = false;
                else { if (c == '\n') line++; field.Append(c); }
            }
            else if (c == '"') inQuotes = true;
            else if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n')
            {
                fields.Add(field.ToString()); field.Clear();
                yield return (start, fields);
                fields = [];
                line++;
                start = line;
            }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); yield return (start, fields); }
    }
}
