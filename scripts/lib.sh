# shellcheck shell=bash
# Helpers shared by run.sh and test.sh. Source this file; it is not meant to be executed.
# Callers run with `set -euo pipefail`, so every function here is written to be safe under it.

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'Error: %s\n' "$*" >&2; exit 1; }

# The script the user ran, for messages such as "then run ./test.sh again".
script_name() { printf './%s' "$(basename "$0")"; }

# Root without a password prompt: we are root, or sudo -n works (GitHub-hosted runners).
have_root() { [[ $EUID -eq 0 ]] || sudo -n true 2>/dev/null; }
as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }

# ensure_packages PKG... — apt-get install the given packages. Callers pass only what they
# found missing, so an up-to-date machine never touches apt (or needs root).
ensure_packages() {
  (($# > 0)) || return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "Install $* with your system's package manager, then run $(script_name) again."
  have_root ||
    die "Missing $*: run 'sudo apt-get install $*', then run $(script_name) again."
  log "Installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# pg_bin_dir — directory of the newest installed PostgreSQL server binaries (Debian/Ubuntu
# keep them off PATH in /usr/lib/postgresql/N/bin). Fails when there are none.
pg_bin_dir() {
  local initdb
  initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
  if [[ ! -x $initdb ]]; then
    initdb=$(command -v initdb 2>/dev/null) || return 1 # other distros put them on PATH
  fi
  dirname "$initdb"
}

# port_in_use PORT — true when something accepts connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port START — first port >= START nobody listens on (never 5432, the system cluster's).
free_port() {
  local port=$1
  while [[ $port == 5432 ]] || port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

# initdb, pg_ctl and postgres refuse to run as root, so as root they run as `postgres`.
# `cd /` because that user may not be allowed into the caller's working directory.
pg_as_owner() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# start_private_pg DATA_DIR — start a private cluster in DATA_DIR, creating it on first use.
# It listens only on 127.0.0.1, on a free port remembered in DATA_DIR.port (reused while it
# stays free), with its socket in DATA_DIR-run and its log in DATA_DIR.log, so it never
# clashes with a system PostgreSQL or with another checkout. Afterwards the database "smartbis"
# exists, owned by the superuser "smartbis" (password "smartbis", who migrates), and the app role
# "smartbis_app" (password "smartbis_app": no superuser, no BYPASSRLS, owns nothing, so row-level
# security applies to it) exists too. Sets PG_BIN, PG_DATA, PG_SOCK and PG_PORT.
# PG_EXTRA_CONF (lines of postgresql.conf) and PG_TRUST_LOOPBACK=1 (no password on 127.0.0.1, for a new cluster) are
# for the Citus cluster below.
start_private_pg() {
  PG_DATA=$(realpath -m "$1")
  PG_SOCK=$PG_DATA-run
  PG_PORT=""
  local port_file=$PG_DATA.port log=$PG_DATA.log
  # Unix socket paths are limited to ~107 bytes; deep checkouts fall back to a short /tmp dir.
  if ((${#PG_SOCK} > 80)); then
    PG_SOCK=/tmp/smartbis-pg-$(printf '%s' "$PG_DATA" | md5sum | cut -c1-10)
  fi
  PG_BIN=$(pg_bin_dir) || die "PostgreSQL server binaries not found (install the postgresql package)."

  # An existing cluster must be started by the major version that created it.
  if [[ -f $PG_DATA/PG_VERSION ]]; then
    local version
    version=$(<"$PG_DATA/PG_VERSION")
    if [[ -x /usr/lib/postgresql/$version/bin/postgres ]]; then PG_BIN=/usr/lib/postgresql/$version/bin; fi
  fi

  mkdir -p "$PG_DATA" "$PG_SOCK"
  touch "$log"
  # 700 on the socket dir keeps other local users away from the trust-authenticated socket.
  chmod 700 "$PG_DATA" "$PG_SOCK"
  if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "There is no 'postgres' user to run PostgreSQL as; install the postgresql package."
    chown -R postgres: "$PG_DATA" "$PG_SOCK" "$log"
    pg_as_owner test -w "$PG_DATA" ||
      die "The postgres user cannot reach $PG_DATA; put the checkout where other users can read it (not under /root)."
  fi

  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    log "Creating a private PostgreSQL cluster in $PG_DATA"
    local pwfile=$PG_DATA.initdb-pw
    echo smartbis >"$pwfile"
    chmod 644 "$pwfile" # readable by the postgres user when we are root
    # Password (scram) over TCP; trust only on the private socket, whose directory is ours.
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U smartbis --pwfile="$pwfile" \
      --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --no-locale >>"$log" ||
      die "initdb failed; see $log"
    rm -f "$pwfile"
    # Per-start settings (port, socket) go in an included file: no shell quoting of paths.
    echo "include_if_exists = 'smartbis-run.conf'" >>"$PG_DATA/postgresql.conf"
    if [[ ${PG_TRUST_LOOPBACK:-0} == 1 ]]; then
      # A private test cluster whose nodes connect to each other (Citus): loopback connections need no password.
      sed -i '1i host all all 127.0.0.1/32 trust' "$PG_DATA/pg_hba.conf"
    fi
  fi

  if pg_as_owner "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; then
    # Left running by an earlier run that was killed hard: adopt it (and stop it at the end).
    PG_PORT=$(sed -n 4p "$PG_DATA/postmaster.pid")
    log "Private PostgreSQL was already running on port $PG_PORT; using it"
  else
    local port attempt search_from=55432
    port=$(cat "$port_file" 2>/dev/null || true)
    for attempt in 1 2 3; do
      if [[ ! $port =~ ^[0-9]+$ ]] || [[ $port == 5432 ]] || port_in_use "$port"; then
        port=$(free_port "$search_from")
      fi
      printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n%s\n" \
        "$port" "${PG_SOCK//\'/\'\'}" "${PG_EXTRA_CONF:-}" >"$PG_DATA/smartbis-run.conf"
      if [[ $EUID -eq 0 ]]; then chown postgres: "$PG_DATA/smartbis-run.conf"; fi
      log "Starting private PostgreSQL on 127.0.0.1:$port (log: $log)"
      if pg_as_owner "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$log" -w -t 60 >/dev/null; then
        PG_PORT=$port
        echo "$port" >"$port_file"
        break
      fi
      # Most likely another checkout grabbed the port between our probe and the bind.
      log "PostgreSQL did not start (attempt $attempt); last log lines:"
      tail -n 5 "$log" >&2
      search_from=$((port + 1))
      port=""
    done
    [[ -n ${PG_PORT:-} ]] || die "Could not start PostgreSQL; see $log"
  fi

  local i
  for ((i = 0; i < 60; i++)); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.5
  done
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || die "PostgreSQL is not answering; see $log"

  # initdb made "smartbis" the superuser; these keep older or hand-made clusters working too.
  pg_sql -d postgres -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'smartbis') THEN
        CREATE ROLE smartbis LOGIN SUPERUSER PASSWORD 'smartbis';
      END IF;
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'smartbis_app') THEN
        CREATE ROLE smartbis_app LOGIN PASSWORD 'smartbis_app' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    END \$\$;" >/dev/null
  if [[ -z $(pg_sql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'smartbis'") ]]; then
    pg_sql -d postgres -c "CREATE DATABASE smartbis OWNER smartbis" >/dev/null
  fi
}

# pg_sql ARGS... — psql into the private cluster as smartbis (over the private socket).
pg_sql() {
  PGPASSWORD=smartbis "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
    -h "$PG_SOCK" -p "$PG_PORT" -U smartbis "$@"
}

# stop_private_pg — fast shutdown of the cluster started by start_private_pg (if running).
stop_private_pg() {
  [[ -n ${PG_DATA:-} && -n ${PG_BIN:-} ]] || return 0
  if pg_as_owner "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; then
    log "Stopping private PostgreSQL"
    pg_as_owner "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w >/dev/null || true
  fi
  PG_DATA=""
}

# start_citus_cluster DIR — a Citus cluster on loopback: a coordinator and two workers, each a private cluster
# (start_private_pg) in DIR/coordinator, DIR/worker1, DIR/worker2 on free ports, with the citus extension loaded,
# loopback connections trusted (the nodes connect to each other as the connecting role), and, in the database
# "postgres" of every node, the extension created; the coordinator knows its workers there. Sets CITUS_PORTS
# (coordinator first) and leaves PG_* pointing at the coordinator. CITUS_SHARD_COUNT sets citus.shard_count.
# Stop it with stop_citus_cluster. Needs the extension installed (../shared/tools/citus-install).
CITUS_DATA=() CITUS_PORTS=() CITUS_SOCKS=()
start_citus_cluster() {
  local dir node
  dir=$(realpath -m "$1")
  [[ -f $(pg_bin_dir)/../lib/citus.so || -f /usr/lib/postgresql/15/lib/citus.so ]] ||
    die "The citus extension is not installed (../shared/tools/citus-install builds it)."
  CITUS_DATA=() CITUS_PORTS=() CITUS_SOCKS=()
  for node in coordinator worker1 worker2; do
    PG_TRUST_LOOPBACK=1 PG_EXTRA_CONF="shared_preload_libraries = 'citus'
citus.shard_count = ${CITUS_SHARD_COUNT:-32}
citus.propagate_set_commands = 'local'
max_connections = 300
${CITUS_EXTRA_CONF:-}" start_private_pg "$dir/$node"
    CITUS_DATA+=("$PG_DATA") CITUS_PORTS+=("$PG_PORT") CITUS_SOCKS+=("$PG_SOCK")
    pg_sql -d postgres -c "CREATE EXTENSION IF NOT EXISTS citus" >/dev/null
  done
  local port
  PG_DATA=${CITUS_DATA[0]} PG_PORT=${CITUS_PORTS[0]} PG_SOCK=${CITUS_SOCKS[0]}
  # Idempotent: a cluster adopted from an earlier run already knows its nodes.
  pg_sql -d postgres -c "SELECT citus_set_coordinator_host('127.0.0.1', ${CITUS_PORTS[0]})" >/dev/null
  for port in "${CITUS_PORTS[@]:1}"; do
    pg_sql -d postgres -c "SELECT citus_add_node('127.0.0.1', $port)
      WHERE NOT EXISTS (SELECT FROM pg_dist_node WHERE nodeport = $port)" >/dev/null
  done
  log "Citus cluster: coordinator 127.0.0.1:${CITUS_PORTS[0]}, workers ${CITUS_PORTS[*]:1}"
}

stop_citus_cluster() {
  local data
  for data in "${CITUS_DATA[@]}"; do
    if pg_as_owner "$PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1; then
      pg_as_owner "$PG_BIN/pg_ctl" stop -D "$data" -m fast -w >/dev/null || true
    fi
  done
  CITUS_DATA=() PG_DATA=""
}
