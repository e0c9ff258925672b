using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;

namespace Smartbis.Web.Features.Automations;

public sealed record RenderedMessage(string Subject, string Html, string Text);

/// <summary>
/// Liquid templates (DotLiquid). Customer data is HTML-encoded in the email's HTML (every value is encoded before it
/// is inserted); the plain-text part and the subject get the values as they are. Only the variables of the trigger
/// exist: anything else is an editor error.
/// </summary>
public static partial class RenderTemplate
{
    private static readonly HashSet<string> Words = ["and", "or", "contains", "empty", "blank", "nil", "null", "true", "false", "else", "in"];

    /// <summary>Errors to show beside the editor: syntax errors and unknown variables. Empty = fine.</summary>
    public static IReadOnlyList<string> Validate(string trigger, string subject, string body) =>
        Validate(Triggers.Find(trigger)?.Variables ?? Triggers.Common, ("Subject", subject ?? ""), ("Body", body ?? ""));

    /// <summary>The same checks for any set of variables and templates (field name, source), e.g. the transactional emails'.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyCollection<string> variables, params (string Field, string Source)[] templates)
    {
        var errors = new List<string>();
        foreach (var (field, source) in templates)
        {
            // A variable the template assigns itself ({% assign x = … %}) is known from there on.
            var allowed = variables.Concat(Assigns().Matches(source).Select(m => m.Groups[1].Value)).ToHashSet();
            if (Parse(source, out var error) is not { } template)
            {
                errors.Add($"{field}: {error}");
                continue;
            }
            var unknown = new SortedSet<string>(StringComparer.Ordinal);
            foreach (Match m in Outputs().Matches(source)) Check(m.Groups[1].Value);
            foreach (Match m in Conditions().Matches(source))
                foreach (Match word in Identifiers().Matches(Quoted().Replace(m.Groups[1].Value, "")))
                    Check(word.Value);
            void Check(string name)
            {
                if (!Words.Contains(name) && !allowed.Contains(name) && !char.IsDigit(name[0])) unknown.Add(name);
            }
            try { Render(template, allowed.ToDictionary(n => n, _ => "x")); }
            catch (Exception e) when (e is DotLiquid.Exceptions.LiquidException or InvalidOperationException or ArgumentException or FormatException)
            {
                errors.Add($"{field}: {e.Message}");
            }
            errors.AddRange(unknown.Select(n => $"{field}: unknown variable \"{n}\". Use one of: {string.Join(", ", allowed.Order())}."));
        }
        return errors;
    }

    /// <summary>
    /// A transactional email (<see cref="TransactionalTemplates"/>): subject and text with the values as they are, the
    /// HTML with every value HTML-encoded. Exactly the email's variables must be given: a missing one would render empty.
    /// </summary>
    public static RenderedMessage Transactional(string key, string locale, IReadOnlyDictionary<string, string> variables)
    {
        var info = TransactionalTemplates.Find(key);
        var missing = info.Variables.Except(variables.Keys).ToList();
        var unknown = variables.Keys.Except(info.Variables).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
            throw new ArgumentException($"Email \"{key}\": missing variables [{string.Join(", ", missing)}], unknown [{string.Join(", ", unknown)}].", nameof(variables));
        var template = TransactionalTemplates.For(key, locale);
        var encoded = variables.ToDictionary(kv => kv.Key, kv => WebUtility.HtmlEncode(kv.Value));
        return new RenderedMessage(Text(template.Subject, variables).ReplaceLineEndings(" ").Trim(),
            Text(template.Html, encoded).Trim(), Text(template.Text, variables).Trim());
    }

    public static string Text(string source, IReadOnlyDictionary<string, string> variables) =>
        Render(Parse(source, out var error) ?? throw new TemplateException(error!), variables);

    /// <summary>The email: subject (plain), HTML (values encoded, paragraphs from blank lines, inside the brand layout) and text.</summary>
    public static RenderedMessage Email(TemplateText template, IReadOnlyDictionary<string, string> variables, EmailLayout layout)
    {
        var subject = Text(template.Subject, variables).ReplaceLineEndings(" ").Trim();
        var body = Parse(template.Body, out var error) ?? throw new TemplateException(error!);
        var encoded = variables.ToDictionary(kv => kv.Key, kv => HtmlEncoder.Default.Encode(kv.Value));
        var htmlBody = Render(body, encoded);
        // Tags the merchant wrote are stripped from the text part; the customer's data (encoded, so it survives) is not.
        var text = htmlBody;
        var paragraphs = string.Concat(Paragraphs().Split(htmlBody.Trim()).Where(p => p.Length > 0)
            .Select(p => $"<p style=\"margin:0 0 16px\">{Linkify(p.ReplaceLineEndings("<br>"))}</p>"));
        var html = layout.Wrap(paragraphs, variables.GetValueOrDefault("opt_out_link"));
        var plain = StripTags(text).Trim() + (variables.GetValueOrDefault("opt_out_link") is { Length: > 0 } optOut
            ? $"\n\n--\n{layout.OptOutText}: {optOut}" : "");
        return new RenderedMessage(subject, html, plain);
    }

    private static DotLiquid.Template? Parse(string source, out string? error)
    {
        error = null;
        try { return DotLiquid.Template.Parse(source ?? ""); }
        catch (DotLiquid.Exceptions.LiquidException e) { error = e.Message; return null; }
    }

    private static string Render(DotLiquid.Template template, IReadOnlyDictionary<string, string> variables) =>
        template.Render(new DotLiquid.RenderParameters(CultureInfo.InvariantCulture)
        {
            LocalVariables = DotLiquid.Hash.FromDictionary(variables.ToDictionary(kv => kv.Key, kv => (object)kv.Value)),
            ErrorsOutputMode = DotLiquid.ErrorsOutputMode.Rethrow,
        });

    private static string StripTags(string html) => WebUtility.HtmlDecode(Tags().Replace(html, ""));

    // Links in the (already encoded) body become clickable; encoding left no quotes or angle brackets in them.
    private static string Linkify(string html) => Urls().Replace(html, m => $"<a href=\"{m.Value}\">{m.Value}</a>");

    [GeneratedRegex(@"{{-?\s*([A-Za-z_][\w.]*)")]
    private static partial Regex Outputs();

    [GeneratedRegex(@"{%-?\s*(?:if|elsif|unless|case|when)\s+(.*?)-?%}", RegexOptions.Singleline)]
    private static partial Regex Conditions();

    [GeneratedRegex(@"{%-?\s*(?:assign|capture)\s+([A-Za-z_]\w*)")]
    private static partial Regex Assigns();

    [GeneratedRegex(@"[A-Za-z_][\w.]*")]
    private static partial Regex Identifiers();

    [GeneratedRegex(@"'[^']*'|""[^""]*""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(?:\r?\n){2,}")]
    private static partial Regex Paragraphs();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"https?://[^\s<""']+")]
    private static partial Regex Urls();
}

public sealed class TemplateException(string message) : Exception(message);

/// <summary>The brand frame around an email body: the tenant's name and colour, and the opt-out footer.</summary>
public sealed record EmailLayout(string Brand, string Color, string OptOutText, string Footer)
{
    public string Wrap(string bodyHtml, string? optOutLink)
    {
        var brand = HtmlEncoder.Default.Encode(Brand);
        var color = Regex.IsMatch(Color, "^#[0-9a-fA-F]{3,8}$") ? Color : "#0d6efd";
        var optOut = optOutLink is { Length: > 0 }
            ? $"<p style=\"margin:8px 0 0\"><a href=\"{HtmlEncoder.Default.Encode(optOutLink)}\" style=\"color:#6c757d\">{HtmlEncoder.Default.Encode(OptOutText)}</a></p>" : "";
        return $"""
            <!DOCTYPE html><html><body style="margin:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#212529">
            <div style="max-width:560px;margin:0 auto;padding:24px">
            <div style="background:{color};color:#fff;padding:16px 24px;border-radius:8px 8px 0 0;font-size:20px;font-weight:bold">{brand}</div>
            <div style="background:#fff;padding:24px;border-radius:0 0 8px 8px;font-size:16px;line-height:1.5">{bodyHtml}</div>
            <div style="padding:16px 24px;font-size:12px;color:#6c757d">{HtmlEncoder.Default.Encode(Footer)}{optOut}</div>
            </div></body></html>
            """;
    }
}
