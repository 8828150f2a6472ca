#!/bin/sh
# Writes pgbouncer.ini and the auth file from the environment into a private folder (tmpfs in docker-compose), then
# runs PgBouncer in transaction mode. Every database of the server is reachable by its name.
set -eu
: "${DB_HOST:?DB_HOST: the PostgreSQL host}"
: "${DB_USER:?DB_USER: the user clients log in as}"
: "${DB_PASSWORD:?DB_PASSWORD: its password}"
DB_PORT="${DB_PORT:-5432}"
DIR="${PGBOUNCER_DIR:-/tmp/pgbouncer}"
umask 077
mkdir -p "$DIR"
# The auth file quotes the name and password in double quotes, doubling any inside.
quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }
printf '%s %s\n' "$(quote "$DB_USER")" "$(quote "$DB_PASSWORD")" > "$DIR/userlist.txt"
unset DB_PASSWORD
cat > "$DIR/pgbouncer.ini" <<INI
[databases]
* = host=$DB_HOST port=$DB_PORT

[pgbouncer]
listen_addr = ${PGBOUNCER_LISTEN_ADDR:-0.0.0.0}
listen_port = ${PGBOUNCER_LISTEN_PORT:-6432}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $DIR/userlist.txt
admin_users = $DB_USER
stats_users = $DB_USER
; A server connection per transaction: Tessera keeps no session state between transactions.
pool_mode = transaction
; Clients: the seed's 100 connections (e.g. three processes with Tessera's 10 + 20 pool).
max_client_conn = ${PGBOUNCER_MAX_CLIENT_CONN:-100}
; Server connections per database and user, plus a reserve for bursts; all databases together stay well under
; PostgreSQL's max_connections (100), leaving room for migrations, backups and replication, which connect directly.
default_pool_size = ${PGBOUNCER_DEFAULT_POOL_SIZE:-20}
reserve_pool_size = ${PGBOUNCER_RESERVE_POOL_SIZE:-5}
max_db_connections = ${PGBOUNCER_MAX_DB_CONNECTIONS:-60}
; What node-postgres and JDBC send; "options" stays refused, so no session setting can sneak in at connect time.
ignore_startup_parameters = extra_float_digits
server_check_query = select 1
server_idle_timeout = 600
logfile =
INI
exec pgbouncer "$DIR/pgbouncer.ini"
