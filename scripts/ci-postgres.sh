# shellcheck shell=bash
# Start a throw-away PostgreSQL for the credit API tests and export STARKIOSK_TEST_PG_URL.
#
# SOURCE this file (do not execute it):  source scripts/ci-postgres.sh
#
# It acts only when all of these hold, and otherwise does nothing (tests then skip PostgreSQL,
# or fail under CI=true):
#   * STARKIOSK_TEST_PG_URL is not already set (then that server is used as it is);
#   * CI=true or STARKIOSK_PG=1;
#   * running as root on Debian (apt-get installs the `postgresql` package when missing).
# The cluster lives in a temporary folder, listens on 127.0.0.1 only, on a random free port,
# and is stopped and removed when the shell that sourced this exits — also when that shell
# `exec`s the test runner (a small watcher waits for the process to end).

_starkiosk_su_pg() {
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
}

_starkiosk_pg_main() {
    [ -n "${STARKIOSK_TEST_PG_URL:-}" ] && return 0
    [ "${CI:-}" = "true" ] || [ "${STARKIOSK_PG:-}" = "1" ] || return 0
    if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ]; then
        echo "ci-postgres: not root on Debian; PostgreSQL tests will not run here" >&2
        return 0
    fi
    local bindir
    bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "ci-postgres: installing postgresql from Debian's packages" >&2
        apt-get update -qq >/dev/null &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                postgresql >/dev/null || { echo "ci-postgres: apt-get failed" >&2; return 1; }
        bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    fi
    local py
    py="$(command -v python3 || command -v python)"
    local dir port pw
    dir="$(mktemp -d /tmp/starkiosk-pg.XXXXXX)"
    chmod 0755 "$dir"
    chown postgres:postgres "$dir"
    port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    pw="$("$py" -c 'import secrets; print(secrets.token_hex(16))')"
    # Commands run as the postgres user: runuser (util-linux; /usr/sbin may not be on PATH),
    # else su with the command quoted into one string.
    local runuser as_pg
    runuser="$(command -v runuser || { [ -x /usr/sbin/runuser ] && echo /usr/sbin/runuser; } || true)"
    if [ -n "$runuser" ]; then
        as_pg=("$runuser" -u postgres --)
    else
        as_pg=(_starkiosk_su_pg)
    fi
    if ! "${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
        echo "ci-postgres: initdb failed:" >&2; cat "$dir/initdb.log" >&2; return 1
    fi
    if ! "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=100" \
            start >/dev/null; then
        echo "ci-postgres: the server did not start:" >&2; cat "$dir/server.log" >&2; return 1
    fi
    "${as_pg[@]}" "$bindir/psql" -q -h "$dir" -p "$port" -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE starkiosk LOGIN CREATEDB PASSWORD '$pw'" \
        -c "CREATE DATABASE starkiosk_test OWNER starkiosk" >/dev/null ||
        { echo "ci-postgres: could not create the test database" >&2; return 1; }
    export STARKIOSK_TEST_PG_URL="postgresql://starkiosk:$pw@127.0.0.1:$port/starkiosk_test"
    export STARKIOSK_PG_DIR="$dir"
    local stop
    if [ -n "$runuser" ]; then
        stop="$runuser -u postgres -- $bindir/pg_ctl -D $dir/data -m fast -w stop >/dev/null 2>&1; rm -rf $dir"
    else
        stop="su postgres -s /bin/bash -c '$bindir/pg_ctl -D $dir/data -m fast -w stop' >/dev/null 2>&1; rm -rf $dir"
    fi
    # shellcheck disable=SC2064
    trap "$stop" EXIT
    # The test script may `exec` pytest, which drops the EXIT trap: a watcher stops the
    # cluster once this process (same pid after exec) has ended.
    local owner=$$
    setsid bash -c "while kill -0 $owner 2>/dev/null; do sleep 1; done; $stop" \
        </dev/null >/dev/null 2>&1 &
    disown 2>/dev/null || true
    echo "ci-postgres: PostgreSQL on 127.0.0.1:$port (data in $dir)" >&2
}

_starkiosk_pg_main
unset -f _starkiosk_pg_main _starkiosk_su_pg
