using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Platform;

namespace Smartbis.Web.Features.Tenancy;

public static class Policies
{
    public const string Staff = "Staff";       // any membership of the current tenant
    public const string Manager = "Manager";   // owner or manager
    public const string Owner = "Owner";
    public const string Operator = "Operator"; // platform operators, configured by email
}

public static class IdentitySetup
{
    public static IHostApplicationBuilder AddSmartbisIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddIdentity<AppUser, Microsoft.AspNetCore.Identity.IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = false;
                // Length over composition (NIST 800-63B): long passphrases beat "Aa1!" rules.
                o.Password.RequiredLength = 10;
                o.Password.RequiredUniqueChars = 4;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<SmartbisDb>()
            .AddDefaultTokenProviders();

        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "smartbis.staff";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = Infrastructure.Cookies.SecurePolicy(builder.Environment);
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/account/signin";
            o.LogoutPath = "/account/signout";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            // Every request checks the cookie's security stamp (cached briefly per node): sign-out, a removed membership
            // or a changed role rotate it, and every copy of the cookie dies (StaffSessions.cs).
            o.Events.OnValidatePrincipal = StaffSessionCheck.ValidateAsync;
            // A signed-in user without the right role gets a real 403 page, not a redirect loop.
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });

        builder.Services.AddMemoryCache();
        builder.Services.Configure<StaffSessionOptions>(o =>
        {
            if (builder.Configuration.GetValue<double?>("Smartbis:Auth:StaffSessionCheckSeconds") is { } seconds)
                o.CheckInterval = TimeSpan.FromSeconds(seconds);
        });
        builder.Services.AddSingleton<StaffSessionCheck>();
        builder.Services.AddScoped<RevokeStaffSessions>();
        builder.Services.Configure<OperatorOptions>(builder.Configuration.GetSection("Smartbis"));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.RequireClaim(StaffClaims.Role))
            .AddPolicy(Policies.Manager, p => p.RequireClaim(StaffClaims.Role, nameof(StaffRole.Owner), nameof(StaffRole.Manager)))
            .AddPolicy(Policies.Owner, p => p.RequireClaim(StaffClaims.Role, nameof(StaffRole.Owner)))
            .AddPolicy(Policies.Operator, p => p.AddRequirements(new OperatorRequirement()));
        builder.Services.AddSingleton<IAuthorizationHandler, OperatorHandler>();
        builder.Services.AddScoped<CurrentStaff>();
        builder.Services.AddScoped<CheckStaffPassword>();
        builder.Services.AddScoped<UpdateBusinessSettings>();
        builder.Services.AddScoped<SaveStore>();
        return builder;
    }
}
