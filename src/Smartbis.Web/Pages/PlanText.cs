namespace Smartbis.Web.Pages;

/// <summary>
/// Marker for the plan pages' UI strings (/plans, /app/plan, the dashboard's plan banner, /admin/plans, /admin/upgrades,
/// /admin/usage): PlanText.pt-BR.resx; English is the key.
/// </summary>
public sealed class PlanText;
