#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL 15 + pgvector server on loopback, then stops and removes it.
#
#   scripts/with-postgres.sh COMMAND [ARGS...]
#
# On Debian 12 as root it first installs what is missing: the packages postgresql-15, postgresql-server-dev-15 and
# build-essential (one `apt-get update`, then `apt-get install`), and pgvector, built from
# ../shared/vendor/pgvector-0.8.6.tar.gz in a temporary folder. It then initdb's a cluster in a temporary folder,
# starts it on 127.0.0.1 on a free port (as the `postgres` user when run as root: PostgreSQL refuses root), runs
# COMMAND with these variables, and removes the cluster when COMMAND ends (or the script is interrupted):
#
#   FACEEMBEDDINGS_POSTGRES          Npgsql connection string of a superuser (password authentication)
#   FACEEMBEDDINGS_POSTGRES_CONTROL  a script: `stop` (fast shutdown) or `start` the same server, same port
#
# When the server cannot be set up (not root and something is missing, no ../shared, ...), COMMAND still runs,
# with FACEEMBEDDINGS_POSTGRES_UNAVAILABLE saying why: the PostgreSQL tests then skip with that reason, or fail
# under CI=true. When FACEEMBEDDINGS_POSTGRES is already set, that server is used and nothing is started.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
pg_version=15
pg_bin="/usr/lib/postgresql/$pg_version/bin"
pgvector_tarball="${FACEEMBEDDINGS_SHARED:-$repo/../shared}/vendor/pgvector-0.8.6.tar.gz"

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

log() { echo "with-postgres: $*" >&2; }

# Runs COMMAND as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

missing_packages() {
    local package
    for package in "postgresql-$pg_version" "postgresql-server-dev-$pg_version" build-essential; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || echo "$package"
    done
}

# Installs the Debian packages and pgvector when missing. Sets `reason` and returns 1 when it cannot.
install_prerequisites() {
    local missing
    missing="$(missing_packages | tr '\n' ' ')"
    if [[ -n ${missing// /} ]]; then
        if [[ $(id -u) -ne 0 ]]; then
            reason="missing Debian packages ($missing) and not root to install them"
            return 1
        fi
        log "installing $missing"
        apt-get update -qq >&2 || { reason="apt-get update failed"; return 1; }
        # shellcheck disable=SC2086 # one word per package
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 || { reason="apt-get install $missing failed"; return 1; }
    fi

    local sharedir
    sharedir="$("$pg_bin/pg_config" --sharedir)"
    if [[ ! -f $sharedir/extension/vector.control ]]; then
        if [[ $(id -u) -ne 0 ]]; then
            reason="pgvector is not installed in $sharedir and not root to install it"
            return 1
        fi
        if [[ ! -f $pgvector_tarball ]]; then
            reason="pgvector is not installed and its source $pgvector_tarball is missing"
            return 1
        fi
        log "building pgvector from $pgvector_tarball"
        local build
        build="$(mktemp -d)"
        if ! (tar -xzf "$pgvector_tarball" -C "$build" --strip-components=1 &&
            make -C "$build" -s PG_CONFIG="$pg_bin/pg_config" -j"$(nproc)" &&
            make -C "$build" -s PG_CONFIG="$pg_bin/pg_config" install) >&2; then
            rm -rf "$build"
            reason="building pgvector failed"
            return 1
        fi
        rm -rf "$build"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cluster=""
stop_cluster() {
    if [[ -n $cluster && -d $cluster ]]; then
        as_owner "$pg_bin/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$cluster"
    fi
}

# Creates and starts the cluster and exports its variables. Sets `reason` and returns 1 when it cannot.
start_cluster() {
    cluster="$(mktemp -d /tmp/faceembeddings-postgres.XXXXXX)"
    chmod 755 "$cluster"
    local password
    password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    echo "$password" >"$cluster/password"
    if [[ $(id -u) -eq 0 ]]; then chown -R postgres: "$cluster"; fi
    # Password (scram) authentication over TCP, as users' servers have; the owner's socket in $cluster stays trusted.
    if ! as_owner "$pg_bin/initdb" -D "$cluster/data" -U postgres --pwfile="$cluster/password" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$cluster/initdb.log" 2>&1; then
        reason="initdb failed: $(tail -n 3 "$cluster/initdb.log")"
        return 1
    fi
    # A test server: durability against power loss is not needed (a stopped or killed server still keeps
    # everything committed, which is what the tests check), start-up and writes should be quick.
    cat >>"$cluster/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$cluster'
fsync = off
full_page_writes = off
max_connections = 100
EOF
    local attempt port
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" && continue
        if as_owner "$pg_bin/pg_ctl" -D "$cluster/data" -o "-p $port" -l "$cluster/server.log" -w -t 60 start >/dev/null; then
            cat >"$cluster/control" <<EOF
#!/usr/bin/env bash
# stop | start the throw-away server of scripts/with-postgres.sh
set -euo pipefail
case "\${1:-}" in
  stop) mode=(-m fast stop) ;;
  start) mode=(-o "-p $port" -l "$cluster/server.log" -w -t 60 start) ;;
  *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
if [[ \$(id -u) -eq 0 ]]; then exec runuser -u postgres -- "$pg_bin/pg_ctl" -D "$cluster/data" "\${mode[@]}"; fi
exec "$pg_bin/pg_ctl" -D "$cluster/data" "\${mode[@]}"
EOF
            chmod 755 "$cluster/control"
            export FACEEMBEDDINGS_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres"
            export FACEEMBEDDINGS_POSTGRES_CONTROL="$cluster/control"
            log "PostgreSQL $pg_version on 127.0.0.1:$port (data in $cluster)"
            return 0
        fi
        grep -q 'Address already in use' "$cluster/server.log" 2>/dev/null || break
    done
    reason="the server did not start: $(tail -n 3 "$cluster/server.log" 2>/dev/null)"
    return 1
}

if [[ -z ${FACEEMBEDDINGS_POSTGRES:-} ]]; then
    trap stop_cluster EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    # Several runs at once on one machine take turns installing, then each gets its own cluster.
    exec 9>/tmp/faceembeddings-postgres-install.lock
    flock 9
    reason=""
    if install_prerequisites && start_cluster; then
        unset FACEEMBEDDINGS_POSTGRES_UNAVAILABLE
    else
        stop_cluster
        export FACEEMBEDDINGS_POSTGRES_UNAVAILABLE="scripts/with-postgres.sh could not set up PostgreSQL: $reason"
        log "$FACEEMBEDDINGS_POSTGRES_UNAVAILABLE"
    fi
    flock -u 9
    exec 9>&-
fi

# Not exec: the EXIT trap must remove the cluster after the command.
status=0
"$@" || status=$?
exit "$status"
