using System.Linq.Expressions;

namespace Smartbis.Web.Data;

/// <summary>
/// Builds the expression of a compiled query (<c>EF.CompileAsyncQuery</c>) from a query written once over "some
/// customers": a hot path compiles it for one filter, the other paths run the same query as ordinary LINQ.
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

    private sealed class Replace(Expression what, Expression with) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node) => node == what ? with : base.Visit(node);
    }
}
