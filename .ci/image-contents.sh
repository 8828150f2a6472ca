#!/usr/bin/env bash
# What the production image's second stage copies, checked without Docker (no image registry here): the output of
# `pnpm deploy --prod` for the CLI holds no dev dependency, and runs on its own: migrate, then check, on a new
# database of the PostgreSQL at $1 (an admin URL).
#   bash .ci/image-contents.sh postgresql://postgres@127.0.0.1:5432/postgres
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN_URL="$1"
OUT="$(mktemp -d)"
DB="tessera_image_check_$$"
psql_admin() { node -e '
  const pg = require(require.resolve("pg", { paths: [process.argv[2]] }));
  const c = new pg.Client(process.argv[1]);
  c.connect().then(() => c.query(process.argv[3])).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });
' "$ADMIN_URL" "$PWD/apps/platform" "$1"; }
cleanup() { psql_admin "drop database if exists $DB" || true; rm -rf "$OUT"; }
trap cleanup EXIT

pnpm turbo run build --filter=@tessera/platform... --output-logs=errors-only
pnpm --filter=@tessera/platform deploy --prod "$OUT/app" >/dev/null
# (Type declarations such as @types/pg, and the @types/node it brings, stay: the published packages declare them as
# dependencies because their public types name pg's, so a service typechecks with skipLibCheck off. They are inert.)
for dev in typescript vitest turbo @biomejs/biome @tessera/test-server @tessera/testing; do
  if [ -e "$OUT/app/node_modules/$dev" ] || ls -d "$OUT/app/node_modules/.pnpm/${dev/\//+}@"* >/dev/null 2>&1; then
    echo "FAIL: the production tree holds the dev dependency $dev" >&2
    exit 1
  fi
done
psql_admin "create database $DB"
URL="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$ADMIN_URL" "$DB")"
(cd "$OUT" && DATABASE_URL="$URL" node app/bin/tessera.js migrate >/dev/null && DATABASE_URL="$URL" node app/bin/tessera.js check)
echo "image contents: runtime dependencies only ($(du -sh "$OUT/app" | cut -f1)); the deployed CLI migrates and checks"
