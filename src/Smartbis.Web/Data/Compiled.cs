using System.Linq.Expressions;

namespace Smartbis.Web.Data;

/// <summary>
/// Builds the expression of a compiled query (<c>EF.CompileAsyncQuery</c>) from a query written once over "some rows"
/// (customers, purchases): a hot path compiles it for one filter, the other paths run the same query as ordinary LINQ.
/// </summary>
public static class Compiled
{
    /// <summary>
    /// <c>(db, p, x) =&gt; query(db, source(db, p), x)</c>: <paramref name="query"/> with its source replaced by
    /// <paramref name="source"/>, as one expression EF can compile (the parameters stay parameters of the SQL).
    /// </summary>
    public static Expression<Func<TDb, TParam, TExtra, IQueryable<TResult>>> Bind<TDb, TParam, TExtra, TSource, TResult>(
        Expression<Func<TDb, IQueryable<TSource>, TExtra, IQueryable<TResult>>> query, Expression<Func<TDb, TParam, IQueryable<TSource>>> source)
    {
        var db = query.Parameters[0];
        var extra = query.Parameters[2];
        var param = Expression.Parameter(typeof(TParam), source.Parameters[1].Name);
        var from = new Replace(source.Parameters[0], db).Visit(new Replace(source.Parameters[1], param).Visit(source.Body)!)!;
        var body = new Replace(query.Parameters[1], from).Visit(query.Body)!;
        return Expression.Lambda<Func<TDb, TParam, TExtra, IQueryable<TResult>>>(body, db, param, extra);
    }

    /// <summary>
    /// <c>(db, a, b, c) =&gt; query(db, source(db, a, b, c))</c>: <paramref name="query"/> over the rows
    /// <paramref name="source"/> picks, as one expression EF can compile.
    /// </summary>
    public static Expression<Func<TDb, T1, T2, T3, IQueryable<TResult>>> Bind<TDb, T1, T2, T3, TSource, TResult>(
        Expression<Func<TDb, IQueryable<TSource>, IQueryable<TResult>>> query, Expression<Func<TDb, T1, T2, T3, IQueryable<TSource>>> source)
    {
        var db = source.Parameters[0];
        var body = new Replace(query.Parameters[1], source.Body).Visit(new Replace(query.Parameters[0], db).Visit(query.Body)!)!;
        return Expression.Lambda<Func<TDb, T1, T2, T3, IQueryable<TResult>>>(body, source.Parameters);
    }

    private sealed class Replace(Expression what, Expression with) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node) => node == what ? with : base.Visit(node);
    }
}
