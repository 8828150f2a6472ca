#!/usr/bin/env bash
# Proof that a service outside the monorepo can use Tessera the way a user meets it: every package is published to
# a throwaway verdaccio on 127.0.0.1, then examples/catalog-service is copied to a temp dir outside the workspace,
# installs @tessera/* by version with plain pnpm (no overrides), typechecks with skipLibCheck off, migrates its own
# database through `tessera`, writes and reads through the repositories, and runs its own vitest suite with the
# harness and the factories on each server the harness supports (TEST_DATABASE_URL, embedded, and Docker if running).
# Needs Node 24 and pnpm on the PATH (.ci/run provides them) and PostgreSQL at 127.0.0.1:5432 (user postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

VERDACCIO_VERSION=6.10.4
TOOLS="$PWD/.tools"
PG_ADMIN_URL="${SERVICE_PROOF_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
WORK="$(mktemp -d)"
# As root the harness runs the embedded PostgreSQL as the `postgres` user, which must reach the service's binaries.
chmod 755 "$WORK"
VERDACCIO_PID=""
DB=""
cleanup() {
  if [ -n "$VERDACCIO_PID" ]; then kill "$VERDACCIO_PID" 2>/dev/null || true; wait "$VERDACCIO_PID" 2>/dev/null || true; fi
  if [ -n "$DB" ]; then psql -q "$PG_ADMIN_URL" -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -x "$TOOLS/verdaccio/node_modules/.bin/verdaccio" ]; then
  echo "--- installing verdaccio $VERDACCIO_VERSION into .tools/verdaccio"
  npm install --prefix "$TOOLS/verdaccio" --no-audit --no-fund --loglevel=error "verdaccio@$VERDACCIO_VERSION" >/dev/null
fi

# No uplink: the service's .npmrc sends only the @tessera scope here; everything else comes from its usual registry.
mkdir -p "$WORK/storage"
cat >"$WORK/verdaccio.yaml" <<YAML
storage: $WORK/storage
auth:
  htpasswd:
    file: $WORK/htpasswd
    max_users: 1
uplinks: {}
packages:
  '**':
    access: \$all
    publish: \$authenticated
log: { type: stdout, format: pretty, level: warn }
YAML
PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
REGISTRY="http://127.0.0.1:$PORT/"
echo "--- verdaccio on $REGISTRY (storage in a temp dir)"
"$TOOLS/verdaccio/node_modules/.bin/verdaccio" --config "$WORK/verdaccio.yaml" --listen "127.0.0.1:$PORT" >"$WORK/verdaccio.log" 2>&1 &
VERDACCIO_PID=$!
for _ in $(seq 1 60); do curl -fs "${REGISTRY}-/ping" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "${REGISTRY}-/ping" >/dev/null || { echo "FAIL: verdaccio did not start" >&2; cat "$WORK/verdaccio.log" >&2; exit 1; }

# A throwaway user; its token lives only in the temp dir (removed by the trap), never on a command line.
PASSWORD="$(node -e "console.log(require('crypto').randomBytes(18).toString('base64url'))")"
(umask 077 && printf '{"name":"ci","password":"%s"}' "$PASSWORD" >"$WORK/user.json")
TOKEN="$(curl -fs -X PUT -H 'content-type: application/json' --data-binary "@$WORK/user.json" \
  "${REGISTRY}-/user/org.couchdb.user:ci" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).token))")"
(umask 077 && printf '//127.0.0.1:%s/:_authToken=%s\n' "$PORT" "$TOKEN" >"$WORK/publish.npmrc")
rm -f "$WORK/user.json"

echo "--- publishing every public @tessera package (prepack builds each)"
npm_config_userconfig="$WORK/publish.npmrc" pnpm -r publish --registry "$REGISTRY" --no-git-checks --access public \
  >"$WORK/publish.log" 2>&1 || { tail -40 "$WORK/publish.log" >&2; exit 1; }
VERSION="$(node -p "require('./packages/catalog/package.json').version")"
for pkg in kernel migrator cli embedded-pg test-server testing identity audit workflows executions nas catalog knowledge; do
  curl -fs "${REGISTRY}@tessera%2f$pkg" >/dev/null || { echo "FAIL: @tessera/$pkg was not published" >&2; exit 1; }
done

echo "--- the sample service in $WORK/catalog-service (outside the workspace)"
cp -r examples/catalog-service "$WORK/catalog-service"
cd "$WORK/catalog-service"
node -e "
const fs = require('fs'); const p = JSON.parse(fs.readFileSync('package.json'));
for (const deps of [p.dependencies, p.devDependencies]) for (const n of Object.keys(deps)) if (n.startsWith('@tessera/')) deps[n] = '$VERSION';
fs.writeFileSync('package.json', JSON.stringify(p, null, 2));"
printf '@tessera:registry=%s\n' "$REGISTRY" >.npmrc
pnpm install --no-frozen-lockfile 2>&1 | tail -4
for pkg in catalog testing cli; do
  test -f "node_modules/@tessera/$pkg/package.json" || { echo "FAIL: @tessera/$pkg not installed" >&2; exit 1; }
done
# faker and the seeder are the service's own devDependencies (for the factories), not the catalog's runtime ones.
node -e "const d = require('./node_modules/@tessera/catalog/package.json').dependencies;
if (d['@faker-js/faker'] || d['@mikro-orm/seeder']) { console.error('FAIL: faker/seeder are runtime dependencies'); process.exit(1); }"

echo "--- typecheck (skipLibCheck: false)"
pnpm typecheck

DB="tessera_service_proof_$$"
psql -q "$PG_ADMIN_URL" -c "create database $DB"
export DATABASE_URL="${PG_ADMIN_URL%/*}/$DB"
echo "--- tessera migrate / status / check on a fresh database"
pnpm exec tessera migrate
pnpm exec tessera status
pnpm exec tessera check
echo "--- write and read through the repositories"
pnpm smoke
unset DATABASE_URL

PREFIX="svcproof_${$}_tpl_"
echo "--- the service's tests on TEST_DATABASE_URL (PostgreSQL at 127.0.0.1:5432)"
TEST_DATABASE_URL="$PG_ADMIN_URL" TESSERA_TEST_TEMPLATE_PREFIX="$PREFIX" TESSERA_TEST_TEMPLATE_TTL_DAYS=0 pnpm test
LEFT="$(psql -Atq "$PG_ADMIN_URL" -c "select count(*) from pg_database where datname like '${PREFIX}%'")"
[ "$LEFT" = 0 ] || { echo "FAIL: the harness left $LEFT template(s) with prefix $PREFIX on the shared server" >&2; exit 1; }
echo "--- the service's tests on the embedded PostgreSQL"
TESSERA_TEST_SERVER=embedded pnpm test
if docker info >/dev/null 2>&1 && [ -n "${TESSERA_TEST_PG_IMAGE:-}" ]; then
  echo "--- the service's tests through testcontainers ($TESSERA_TEST_PG_IMAGE)"
  pnpm add -D @testcontainers/postgresql@12.2.0 2>&1 | tail -2
  TESSERA_TEST_SERVER=docker TESTCONTAINERS_RYUK_DISABLED=true pnpm test
fi
