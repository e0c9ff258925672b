using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// Each table the app caches (Data/Caching/ConfigCache.cs) announces its changes: a row trigger calls
    /// <c>pg_notify('smartbis_config', tenant)</c> ("*" for the global plans), delivered at commit to every node's
    /// listener, which drops that tenant's cached entries. PostgreSQL sends one notification per distinct payload per
    /// transaction. Not on a Citus cluster: its triggers fire on the workers' shards, which nobody listens to; there the
    /// cache stays off (ConfigChangeListener).
    /// </summary>
    public partial class ConfigChangeNotifications : Migration
    {
        // Table → the column naming its tenant ('' for a global table).
        private static readonly (string Table, string Column)[] Tables =
        [
            ("tenants", "id"), ("stores", "tenant_id"), ("tenant_keys", "tenant_id"), ("api_keys", "tenant_id"),
            ("program_rules", "tenant_id"), ("tier_programs", "tenant_id"), ("challenges", "tenant_id"), ("campaigns", "tenant_id"),
            ("counter_settings", "tenant_id"), ("product_categories", "tenant_id"),
            // Kept per user across tenants (the staff's memberships): a change drops everything, which is rare.
            ("plans", ""), ("memberships", ""),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($$"""
                CREATE OR REPLACE FUNCTION public.smartbis_config_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
                DECLARE
                  tenant text;
                BEGIN
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
                """);
            foreach (var (table, column) in Tables)
                migrationBuilder.Sql($"""
                    DO $$ BEGIN
                      IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
                        CREATE TRIGGER {table}_config_changed AFTER INSERT OR UPDATE OR DELETE ON {table}
                          FOR EACH ROW EXECUTE FUNCTION public.smartbis_config_changed('{column}');
                      END IF;
                    END $$;
                    """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, _) in Tables)
                migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {table}_config_changed ON {table};");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS public.smartbis_config_changed();");
        }
    }
}
