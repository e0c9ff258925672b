-- Run once by the postgres image on an empty data volume (docker-compose.yml mounts this folder).
-- The app connects as smartbis_app: no superuser, no BYPASSRLS, owns nothing, so PostgreSQL row-level
-- security applies to everything it does. `dotnet Smartbis.Web.dll migrate` (as the owner, smartbis)
-- grants it the rows it needs. A volume created before this file existed: run this statement by hand.
CREATE ROLE smartbis_app LOGIN PASSWORD 'smartbis_app' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
