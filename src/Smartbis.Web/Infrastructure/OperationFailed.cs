namespace Smartbis.Web.Infrastructure;

/// <summary>
/// An operation refused its input: nothing was written. A refusal is a code (the problem, e.g. "validation") and, per
/// field ("" for the whole request), messages that are codes of the catalogue with typed values
/// (<see cref="ErrorText"/>); the edge puts them into words once, in the reader's language (<see cref="ErrorTexts"/>):
/// forms beside the field (pages, <see cref="OperationFailedPageFilter"/>), the API as problem+json (422, or Status).
/// </summary>
public sealed class OperationFailed : Exception
{
    public string Code { get; }

    /// <summary>The messages per field: codes of <see cref="ErrorTexts"/> with their values. What the edges render.</summary>
    public IReadOnlyDictionary<string, ErrorText[]> Messages { get; }

    /// <summary>Things the refusal points at, by name ("existingCustomerId" → the customer already registered).</summary>
    public IReadOnlyDictionary<string, Guid> Refs { get; }

    /// <summary>
    /// The messages in English (the API's language, logs and tests), plus each ref as a one-element list, as the API
    /// returns them. Pages never show these: they render <see cref="Messages"/> in the user's language.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    public int Status { get; }

    /// <summary>
    /// A refusal that still commits what was counted before it (a wrong one-time code or PIN counts against its limit),
    /// and nothing else: the write's unit gives its idempotency claim back and commits; no ledger work has been done.
    /// </summary>
    public bool CommitsAttempt { get; init; }

    /// <summary>One message: <paramref name="text"/> is a code of <see cref="ErrorTexts"/>, <paramref name="values"/> fills its placeholders.</summary>
    public OperationFailed(string code, string text, string field = "", int status = 422, object? values = null)
        : this(code, new Dictionary<string, ErrorText[]> { [field] = [ErrorText.Of(text, values)] }, status) { }

    public OperationFailed(string code, IReadOnlyDictionary<string, ErrorText[]> messages, int status = 422,
        IReadOnlyDictionary<string, Guid>? refs = null)
        : base(string.Join(" ", messages.SelectMany(e => e.Value).Select(ErrorTexts.English)))
    {
        Code = code;
        Messages = messages;
        Refs = refs ?? new Dictionary<string, Guid>();
        var errors = messages.ToDictionary(m => m.Key, m => m.Value.Select(ErrorTexts.English).ToArray());
        foreach (var (name, id) in Refs) errors[name] = [id.ToString()];
        Errors = errors;
        Status = status;
    }
}

/// <summary>Collects field errors (codes of <see cref="ErrorTexts"/> with values), then throws them all at once.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<ErrorText>> errors = new();

    public Validation Check(bool ok, string field, string text, object? values = null)
    {
        if (!ok) Add(field, text, values);
        return this;
    }

    public void Add(string field, string text, object? values = null) => Add(field, ErrorText.Of(text, values));

    public void Add(string field, ErrorText text)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(text);
    }

    public bool IsValid => errors.Count == 0;

    public void ThrowIfInvalid(string code = "validation")
    {
        if (!IsValid) throw new OperationFailed(code, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
