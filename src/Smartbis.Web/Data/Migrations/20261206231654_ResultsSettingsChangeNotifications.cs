using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// The results settings in force (the control group's holdout) join the configuration cache: a purchase of a
    /// control-group member reads them to know whether boosts apply (Results/ControlGroup.EarnRulesAsync), one round trip
    /// for about one purchase in ten. Their table announces its changes like the others (ConfigChangeNotifications);
    /// not on a Citus cluster, where the cache stays off.
    /// </summary>
    public partial class ResultsSettingsChangeNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
                    CREATE TRIGGER results_settings_config_changed AFTER INSERT OR UPDATE OR DELETE ON results_settings
                      FOR EACH ROW EXECUTE FUNCTION public.smartbis_config_changed('tenant_id');
                  END IF;
                END $$;
                """);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS results_settings_config_changed ON results_settings;");
    }
}
