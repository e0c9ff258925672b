using System.Globalization;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Serilog;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Infrastructure;

public static class WebSetup
{
    // Read-only cultures: request localization hands a writable culture out as a fresh read-only clone per request, and
    // each clone then rebuilt its number and date formats from ICU (about a tenth of a portal page's CPU).
    public static readonly CultureInfo[] Cultures = [CultureInfo.GetCultureInfo("pt-BR"), CultureInfo.GetCultureInfo("en")];

    public static IHostApplicationBuilder AddSmartbisWeb(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddLocalization();
        // Each text looked up once per UI culture (CachedStringLocalizer): the resource manager locks on every lookup.
        s.AddSingleton<Microsoft.Extensions.Localization.ResourceManagerStringLocalizerFactory>();
        s.AddSingleton<Microsoft.Extensions.Localization.IStringLocalizerFactory, CachedStringLocalizerFactory>();
        s.AddRazorPages(o =>
            {
                o.Conventions.AuthorizeFolder("/App", Policies.Staff);
                o.Conventions.AuthorizeFolder("/App/Stores", Policies.Manager);
                o.Conventions.AuthorizeFolder("/App/Plan", Policies.Manager);
                o.Conventions.AuthorizeFolder("/App/Settings", Policies.Owner);
                o.Conventions.AuthorizeFolder("/Counter", Policies.Staff);
                o.Conventions.AuthorizeFolder("/Admin", Policies.Operator);
                o.Conventions.ConfigureFilter(new OperationFailedPageFilter());
            })
            .AddMvcOptions(o => o.ModelBinderProviders.Insert(0, new NoNulStringBinderProvider()))
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, f) => f.Create(typeof(SharedResource)));
        s.AddAntiforgery(o =>
        {
            o.Cookie.Name = "smartbis.af";
            o.Cookie.SecurePolicy = Cookies.SecurePolicy(builder.Environment);
            o.Cookie.SameSite = SameSiteMode.Lax;
        });
        s.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions["requestId"] = ctx.HttpContext.TraceIdentifier);
        s.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<JobStorageHealthCheck>("jobs", tags: ["ready"]);
        s.AddHsts(o => { o.MaxAge = TimeSpan.FromDays(365); o.IncludeSubDomains = true; });
        s.AddRequestLocalization(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("pt-BR");
            o.SupportedCultures = o.SupportedUICultures = Cultures;
            // An explicit choice (query, cookie) wins; otherwise the tenant's locale; otherwise pt-BR.
            o.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider(),
                new CookieRequestCultureProvider(),
                new TenantCultureProvider(),
            ];
        });
        return builder;
    }

    public static WebApplication UseSmartbisPipeline(this WebApplication app)
    {
        // Behind a TLS-terminating proxy the request scheme comes from X-Forwarded-Proto (loopback proxies are trusted by default).
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        // No database connection in time (pool timeout, 53300, 57P03, refused) is a 503 with Retry-After, not a 500.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error/500",
            StatusCodeSelector = e => DatabaseUnavailable.Is(e) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        // /api answers for itself, in problem+json, whatever fails (inside the two above, so it answers first).
        app.UseMiddleware<Api.ApiErrorMiddleware>();
        // The error page is rendered as a GET: re-executing a refused POST would read its (possibly unreadable) form
        // again to select a handler, turning a 400 into a 500.
        app.Use((http, next) =>
        {
            if ((http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null
                 || http.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>() is not null)
                && !HttpMethods.IsGet(http.Request.Method))
            {
                http.Request.Method = HttpMethods.Get;
                http.Features.Set<Microsoft.AspNetCore.Http.Features.IFormFeature>(new Microsoft.AspNetCore.Http.Features.FormFeature(FormCollection.Empty));
            }
            return next();
        });
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseSerilogRequestLogging(o =>
        {
            // This host's logger, not the static Log.Logger (see Logging.AddSmartbisLogging).
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            o.EnrichDiagnosticContext = (diag, http) =>
            {
                diag.Set("RequestId", http.TraceIdentifier);
                diag.Set("TenantId", http.RequestServices.GetRequiredService<TenantContext>().TenantId);
                diag.Set("UserId", http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value);
            };
        });
        app.UseRouting();
        app.UseAuthentication();
        app.UseMiddleware<StaffTenantMiddleware>();
        app.UseMiddleware<TenantRouteMiddleware>();
        app.UseLogEnrichment();
        app.UseRequestLocalization();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapSmartbisEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        // Authorization is the endpoint's operator policy; Hangfire's own filter list is emptied so it does not
        // fall back to "local requests only".
        app.MapHangfireDashboard("/admin/jobs", new DashboardOptions { Authorization = [], DashboardTitle = "Smartbis jobs" })
            .RequireAuthorization(Policies.Operator);
        app.MapRazorPages();
        return app;
    }
}

/// <summary>Marker type for the shared UI strings (Resources/SharedResource.pt-BR.resx; English is the key).</summary>
public sealed class SharedResource;

/// <summary>Uses the current tenant's locale when the user made no explicit choice.</summary>
public sealed class TenantCultureProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext http)
    {
        var staff = http.RequestServices.GetRequiredService<CurrentStaff>();
        var locale = http.Items["smartbis:locale"] as string ?? staff.Tenant?.Locale;
        return Task.FromResult(locale is null ? null : new ProviderCultureResult(locale));
    }
}
