using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// An API key's last use (stamped at most once a minute per key and node) is not a configuration change: the
    /// notification trigger of api_keys ignores an update of that column alone. Before, each stamp dropped the tenant's
    /// whole configuration cache on every node, and the requests in flight reloaded it (Api/ApiKeyAuthentication).
    /// The trigger function takes an optional second argument: a column whose change alone announces nothing.
    /// </summary>
    public partial class ApiKeyLastUseIsNotAChange : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Function(ignoring: true));
            migrationBuilder.Sql(Trigger("'tenant_id', 'last_used_at'"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Function(ignoring: false));
            migrationBuilder.Sql(Trigger("'tenant_id'"));
        }

        private static string Function(bool ignoring) => $$"""
            CREATE OR REPLACE FUNCTION public.smartbis_config_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
            DECLARE
              tenant text;
            BEGIN
              {{(ignoring ? "IF TG_OP = 'UPDATE' AND TG_NARGS > 1 AND to_jsonb(OLD) - TG_ARGV[1] = to_jsonb(NEW) - TG_ARGV[1] THEN RETURN NULL; END IF;" : "")}}
              IF TG_ARGV[0] = '' THEN
                tenant := '*';
              ELSIF TG_OP = 'DELETE' THEN
                tenant := to_jsonb(OLD) ->> TG_ARGV[0];
              ELSE
                tenant := to_jsonb(NEW) ->> TG_ARGV[0];
              END IF;
              PERFORM pg_notify('{{Caching.ConfigChangeListener.Channel}}', coalesce(tenant, '*'));
              RETURN NULL;
            END
            $fn$;
            """;

        // Not on a Citus cluster, as in ConfigChangeNotifications (its triggers would fire on the workers).
        private static string Trigger(string arguments) => $"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
                DROP TRIGGER IF EXISTS api_keys_config_changed ON api_keys;
                CREATE TRIGGER api_keys_config_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys
                  FOR EACH ROW EXECUTE FUNCTION public.smartbis_config_changed({arguments});
              END IF;
            END $$;
            """;
    }
}
