using System.Security.Cryptography;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// Human-typable, unguessable codes: a cryptographic RNG over an alphabet without look-alikes
/// (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
/// </summary>
public static class Codes
{
    public const string Alphabet = "ACDEFGHJKMNPQRTUVWXY34679";

    public static string New(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(chars);
    }

    /// <summary>What a person typed, made comparable: upper case, no spaces or hyphens.</summary>
    public static string Normalize(string? typed) =>
        new((typed ?? "").ToUpperInvariant().Where(char.IsLetterOrDigit).ToArray());

    /// <summary>Groups of four for reading aloud and typing: "ACDE-FGHJ-KM".</summary>
    public static string Display(string code) =>
        string.Join('-', Enumerable.Range(0, (code.Length + 3) / 4).Select(i => code.Substring(i * 4, Math.Min(4, code.Length - i * 4))));
}
