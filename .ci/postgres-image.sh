#!/usr/bin/env bash
# Builds a PostgreSQL image for the testcontainers path WITHOUT any registry: debootstrap a minimal Debian
# (bookworm, from Debian's own package mirror) with PostgreSQL from apt, add an entrypoint that speaks the
# official image's POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB contract, and `docker import` it.
# The image is saved as a tarball under .tools/docker/ so a rerun on the same machine only `docker load`s it.
# Usage: .ci/postgres-image.sh IMAGE_TAG   (needs root, debootstrap and a running Docker engine)
set -euo pipefail
cd "$(dirname "$0")/.."
TAG="${1:-tessera/postgres:15-local}"
CACHE="$PWD/.tools/docker"
TARBALL="$CACHE/$(echo "$TAG" | tr '/:' '__').tar"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$CACHE"

if docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "--- image $TAG is already loaded"
  exit 0
fi
if [ -s "$TARBALL" ]; then
  echo "--- loading $TAG from $TARBALL"
  docker load -i "$TARBALL"
  exit 0
fi

ROOTFS="$(mktemp -d /tmp/tessera-pg-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
echo "--- debootstrap bookworm + postgresql into $ROOTFS (a few minutes)"
# No default cluster: the entrypoint creates one from the container's environment.
mkdir -p "$ROOTFS/etc/postgresql-common"
echo "create_main_cluster = false" > "$ROOTFS/etc/postgresql-common/createcluster.conf"
debootstrap --variant=minbase --include=postgresql-15 bookworm "$ROOTFS" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 || {
  tail -30 "$CACHE/debootstrap.log"
  exit 1
}
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/*

cat >"$ROOTFS/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/sh
# The official postgres image's contract: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB on first start.
set -eu
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" >"$pwfile"
  chown postgres "$pwfile"
  runuser -u postgres -- initdb -D "$PGDATA" -U "${POSTGRES_USER:-postgres}" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  db="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"
  if [ "$db" != "postgres" ]; then
    echo "CREATE DATABASE \"$db\"" | runuser -u postgres -- postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi
[ "${1:-}" = "postgres" ] && shift
exec runuser -u postgres -- postgres -D "$PGDATA" -c listen_addresses='*' "$@"
ENTRY
chmod 755 "$ROOTFS/usr/local/bin/docker-entrypoint.sh"

echo "--- docker import $TAG"
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]' \
  --change 'EXPOSE 5432' \
  - "$TAG"
docker save -o "$TARBALL" "$TAG"
echo "--- $TAG built and cached in $TARBALL ($(du -h "$TARBALL" | cut -f1))"
