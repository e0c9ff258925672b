using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

public sealed class CsvImportFuzzFixture : DatabaseFixture;

/// <summary>
/// Property test of the customers' CSV import (<c>/app/customers/import</c>), uploaded for real (not a dry run): files
/// of valid rows with hostile names mixed with at least one bad row (hostile or malformed phone, email, CPF, date,
/// amount; blank or huge name; a duplicate), and files broken as a whole (binary, unbalanced quotes, no header, wrong
/// delimiter, a BOM in another encoding). Every answer is the import page (200), never a 500; every bad row is named
/// by its line in the report; and since the import is all or nothing, the database does not change.
/// </summary>
public sealed class CsvImportFuzzTests(CsvImportFuzzFixture fixture) : IClassFixture<CsvImportFuzzFixture>
{
    private const int Cases = 60;

    public sealed record CsvCase(string Text, byte[]? Bytes, int[] BadLines, string What)
    {
        public override string ToString() => $"{What}: {(Text.Length > 300 ? Text[..300] + "…" : Text)}";
    }

    private static int counter;

    private static string Unique() => Interlocked.Increment(ref counter).ToString("D6");

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";

    /// <summary>A row that imports: a fresh phone and email, a name that may carry hostile text (it is only text).</summary>
    private static Gen<string> ValidRow =>
        from decoration in Gen.Elements(BadInput.Nasty.Where(n => n.Length is > 0 and <= 60 && !string.IsNullOrWhiteSpace(n) && !n.Contains('\0') && !n.Contains('\r')).ToArray())
        from balance in Gen.Elements("", "0", "12.50", "1.234,56")
        select string.Join(",", Quote($"{decoration} Cliente"), "+55 11 9" + Unique()[..4] + Unique()[2..], $"csv{Unique()}@example.com", "", "1990-05-17", Quote(balance));

    private static readonly string[] BadPhones = ["123", "+999 12", "abc", "<script>alert(1)</script>", "'; DROP TABLE customers; --", new string('9', 40)];
    private static readonly string[] BadEmails = ["not-an-email", "a@", "@b.com", "\"><img src=x onerror=alert(1)>@x.com", new string('a', 300) + "@x.com"];
    private static readonly string[] BadCpfs = ["111.111.111-11", "123.456.789-00", "abc", "1; SELECT pg_sleep(5)"];
    private static readonly string[] BadDates = ["31/02/1990", "2999-01-01", "1990-13-01", "<script>", "1e400", "ontem"];
    private static readonly string[] BadBalances = ["-5", "abc", "1e400", "99999999999999999999", "NaN", "=1+1", "10,5,5"];

    private static Gen<string> BadRow =>
        Gen.OneOf(
            Gen.Elements(BadPhones).Select(p => string.Join(",", "Bad Phone", Quote(p), "", "", "", "")),
            Gen.Elements(BadEmails).Select(e => string.Join(",", "Bad Email", "", Quote(e), "", "", "")),
            Gen.Elements(BadCpfs).Select(c => string.Join(",", "Bad Cpf", $"+55 11 9{Unique()[..4]}{Unique()[2..]}", "", Quote(c), "", "")),
            Gen.Elements(BadDates).Select(d => string.Join(",", "Bad Date", $"+55 11 9{Unique()[..4]}{Unique()[2..]}", "", "", Quote(d), "")),
            Gen.Elements(BadBalances).Select(b => string.Join(",", "Bad Balance", $"+55 11 9{Unique()[..4]}{Unique()[2..]}", "", "", "", Quote(b))),
            Gen.Elements("", " ", new string('x', 10_000)).Select(n => string.Join(",", Quote(n), $"+55 11 9{Unique()[..4]}{Unique()[2..]}", "", "", "", "")),
            Gen.Constant(string.Join(",", "No Contact", "", "", "", "", "")));

    /// <summary>Valid and bad rows in any order, at least one bad: the bad rows' line numbers are what the report must name.</summary>
    private static Gen<CsvCase> RowCases =>
        from validCount in Gen.Choose(0, 4)
        from badCount in Gen.Choose(1, 3)
        from valid in Gen.ListOf(ValidRow, validCount)
        from bad in Gen.ListOf(BadRow, badCount)
        from order in Gen.Shuffle(valid.Select(v => (Row: v, Bad: false)).Concat(bad.Select(b => (Row: b, Bad: true))).ToArray())
        from duplicate in Gen.Elements(false, false, true)
        select BuildRows(order.ToList(), duplicate);

    private static CsvCase BuildRows(List<(string Row, bool Bad)> rows, bool duplicate)
    {
        // A copy of a valid row later in the file: the same phone and email twice is a bad row too.
        if (duplicate && rows.FirstOrDefault(r => !r.Bad) is { Row: not null } first) rows.Add((first.Row, true));
        var text = new StringBuilder("name,phone,email,cpf,birth_date,opening_balance\n");
        var badLines = new List<int>();
        for (var i = 0; i < rows.Count; i++)
        {
            text.Append(rows[i].Row).Append('\n');
            if (rows[i].Bad) badLines.Add(i + 2); // line 1 is the header
        }
        return new CsvCase(text.ToString(), null, [.. badLines], $"{rows.Count} rows, bad on lines {string.Join(",", badLines)}");
    }

    /// <summary>Files broken as a whole: the report names line 1 or the page says what is wrong, nothing imported.</summary>
    private static Gen<CsvCase> BrokenFiles => Gen.Elements(
        new CsvCase("", Enumerable.Range(0, 512).Select(i => (byte)(i * 37 % 256)).ToArray(), [], "binary garbage"),
        new CsvCase("name,phone\n\"Unclosed quote,+55 11 91234-5678\n", null, [], "unbalanced quote"),
        new CsvCase("nome;telefone\nMaria;+55 11 91234-5678\n", null, [1], "no recognised header"),
        new CsvCase("\n\n\n", null, [], "only blank lines"),
        new CsvCase("name,phone,email\n" + string.Concat(Enumerable.Repeat(",,\n", 50)) + "Bad,123,\n", null, [52], "blank rows then a bad one"),
        new CsvCase("", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("name,phone\nMaria,123\n")).ToArray(), [], "UTF-16 with a BOM, bad phone"),
        new CsvCase("name,phone,email\n" + new string('"', 5000) + "\n", null, [], "a line of quotes"),
        new CsvCase("name,phone\n\0\0\0,\0\n", null, [], "NUL characters"));

    [Fact]
    public async Task Malformed_csv_files_get_a_per_line_report_and_import_nothing()
    {
        var t = await SecurityKit.SeedAsync(fixture, "csv-fuzz");
        var staff = fixture.CreateFormClient();
        (await staff.SignInAsync(t.T.Owner.Email, t.T.Owner.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var ignored = new Dictionary<string, string> { ["api_keys.last_used_at"] = "not used here" };
        var before = await DbSnapshot.OfDatabaseAsync(fixture, new Dictionary<string, string>(), ignored);
        var sent = 0;
        Prop.ForAll(Gen.Frequency((4, RowCases), (1, BrokenFiles)).ToArbitrary(), c =>
        {
            var (ok, why) = Task.Run(() => CheckAsync(staff, c)).GetAwaiter().GetResult();
            Interlocked.Increment(ref sent);
            return ok.Label($"{c}: {why}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));

        sent.Should().BeGreaterThanOrEqualTo(Cases);
        var after = await DbSnapshot.OfDatabaseAsync(fixture, new Dictionary<string, string>(), ignored);
        DbSnapshot.Differences(before, after).Should().BeEmpty("{0} refused files must import nothing", sent);
    }

    private static async Task<(bool, string)> CheckAsync(FormClient staff, CsvCase c)
    {
        var token = FormClient.FindAntiforgeryToken(await staff.GetPageAsync("/app/customers/import"))!;
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(c.Bytes ?? Encoding.UTF8.GetBytes(c.Text));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        form.Add(file, "Upload", "customers.csv");
        form.Add(new StringContent("false"), "DryRun");
        form.Add(new StringContent(token), FormClient.TokenField);
        using var response = await staff.Http.PostAsync("/app/customers/import", form);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        if (response.StatusCode != HttpStatusCode.OK) return (false, $"status {(int)response.StatusCode}");
        var reported = System.Text.RegularExpressions.Regex.Matches(html, @"<tr><td>(\d+)</td><td>").Select(m => int.Parse(m.Groups[1].Value)).ToHashSet();
        if (reported.Count == 0 && !BadInput.HasFormError(html)) return (false, "no error shown");
        var missing = c.BadLines.Where(l => !reported.Contains(l)).ToList();
        if (missing.Count > 0) return (false, $"bad lines not reported: {string.Join(",", missing)} (reported {string.Join(",", reported)})");
        return (true, "");
    }
}
