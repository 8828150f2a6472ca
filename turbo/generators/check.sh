#!/usr/bin/env bash
# Proves `turbo gen context NAME` end to end: generates a context into a throwaway worktree of HEAD, then runs
# the new package's typecheck, lint and tests, the platform's typecheck, lint and README diagram test, and removes
# the worktree.
# Needs what the tests need (TEST_DATABASE_URL, Docker or embedded PostgreSQL). About 70 s on 2 cores.
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
name="${1:-gen_check}"
tmp="$(mktemp -d)"
cleanup() {
  git -C "$root" worktree remove --force "$tmp/repo" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
git -C "$root" worktree add --quiet --detach "$tmp/repo" HEAD
cd "$tmp/repo"
pnpm install --prefer-offline --frozen-lockfile >/dev/null
pnpm exec turbo gen context --args "$name"
# turbo gen exits 0 even when one of its actions failed: the initial migration is the last thing the generator
# writes before formatting, so its absence means the generator did not finish.
if ! compgen -G "packages/$name/src/migrations/Migration*_${name}_initial.ts" >/dev/null; then
  echo "turbo gen context $name did not finish: packages/$name/src/migrations has no initial migration" >&2
  exit 1
fi
pnpm --filter "@tessera/$name" --filter @tessera/platform typecheck
pnpm --filter "@tessera/$name" --filter @tessera/platform lint
pnpm --filter "@tessera/$name" test
(cd apps/platform && pnpm exec vitest run test/er-diagrams.test.ts)
echo "turbo gen context: the generated package passes typecheck, lint and tests"
