# syntax=docker/dockerfile:1

# ---- build: restore (cached while the project files are unchanged), then publish ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
# Add the .csproj of any further project that Smartbis.Web references here.
COPY src/Smartbis.Web/Smartbis.Web.csproj src/Smartbis.Web/
RUN dotnet restore src/Smartbis.Web/Smartbis.Web.csproj
COPY src/ src/
RUN dotnet publish src/Smartbis.Web/Smartbis.Web.csproj -c Release -o /app --no-restore

# ---- runtime: ASP.NET Core only, unprivileged "app" user from the base image ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=8080
# Tier-up starts at once after a start, not once the app stops meeting new methods (docs/performance.md).
ENV DOTNET_TC_CallCountingDelayMs=0
EXPOSE 8080
USER $APP_UID
# Production: run `dotnet Smartbis.Web.dll migrate` once per release before starting this
# (see the migrate service in docker-compose.yml).
ENTRYPOINT ["dotnet", "Smartbis.Web.dll"]
