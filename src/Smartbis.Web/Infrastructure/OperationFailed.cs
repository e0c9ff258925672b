namespace Smartbis.Web.Infrastructure;

/// <summary>
/// An operation refused its input: nothing was written. Errors are keyed by field ("" for the whole request),
/// so forms show them beside the field and the API returns them as problem+json (422, or Status when set).
/// </summary>
public sealed class OperationFailed : Exception
{
    public string Code { get; }
    public IReadOnlyDictionary<string, string[]> Errors { get; }
    public int Status { get; }

    /// <summary>
    /// A refusal that still commits what was counted before it (a wrong one-time code or PIN counts against its limit),
    /// and nothing else: the write's unit gives its idempotency claim back and commits; no ledger work has been done.
    /// </summary>
    public bool CommitsAttempt { get; init; }

    public OperationFailed(string code, string message, string field = "", int status = 422)
        : this(code, new Dictionary<string, string[]> { [field] = [message] }, status) { }

    public OperationFailed(string code, IReadOnlyDictionary<string, string[]> errors, int status = 422)
        : base(string.Join(" ", errors.SelectMany(e => e.Value)))
    {
        Code = code;
        Errors = errors;
        Status = status;
    }
}

/// <summary>Collects field errors, then throws them all at once.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> errors = new();

    public Validation Check(bool ok, string field, string message)
    {
        if (!ok) Add(field, message);
        return this;
    }

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
    }

    public bool IsValid => errors.Count == 0;

    public void ThrowIfInvalid(string code = "validation")
    {
        if (!IsValid) throw new OperationFailed(code, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
