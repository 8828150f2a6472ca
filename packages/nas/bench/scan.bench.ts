/**
 * NAS ingest benchmark, ratios measured within one run on one server:
 * 1. `scanDirectory` over a generated tree (default 1M files) against COPYing the very same rows, built in
 *    memory beforehand, straight into nas_folders and nas_files with raw `pg` (goal: at least 0.5x COPY's rows/s);
 * 2. a re-scan of the unchanged tree against the first scan (goal: under a third of its time).
 * The tree is generated once under /tmp/nas-work (BENCH_TREE, BENCH_FILES) and reused.
 * Server: TEST_DATABASE_URL (an admin URL), else a test server started for the run (embedded PostgreSQL). Prints MET / NOT MET; never fails on time.
 */
import { execFileSync } from 'node:child_process';
import { randomUUIDv7 } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLine, machineLine, startTestServer } from '@tessera/test-server';
import { createTestDatabase } from '@tessera/testing';
import pg from 'pg';
import { nas } from '../src/context.ts';
import { copyInto, copyLine } from '../src/scanner/copy.ts';
import { extensionOf, kindOfExtension } from '../src/scanner/kinds.ts';
import { scanDirectory } from '../src/scanner/scan.ts';
import { walk } from '../src/scanner/walk.ts';

const FILES = Number(process.env.BENCH_FILES ?? 1_000_000);
const TREE = process.env.BENCH_TREE ?? `/tmp/nas-work/tree`;
const here = dirname(fileURLToPath(import.meta.url));

execFileSync(process.execPath, [`${here}/generate-tree.ts`, TREE, String(FILES)], { stdio: 'inherit' });
const configured = process.env.TEST_DATABASE_URL;
const server = configured ? undefined : await startTestServer();
process.env.TESSERA_TEST_ADMIN_URL = configured ?? server?.adminUrl;
const db = await createTestDatabase([nas]);
const client = new pg.Client({ connectionString: db.url });
await client.connect();
const seconds = (from: number) => (performance.now() - from) / 1000;
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);

try {
  const [{ version }] = (await client.query('select version()')).rows;
  console.log(version);
  console.log(`machine:     ${machineLine()}, load average ${loadLine()}`);
  console.log(`node:        ${process.version}; tree ${TREE}`);

  await client.query('checkpoint').catch(() => undefined);
  peakRss = 0;
  let t = performance.now();
  const first = await scanDirectory(client, TREE);
  const scanSeconds = seconds(t);
  const scanRss = peakRss;

  t = performance.now();
  const again = await scanDirectory(client, TREE);
  const rescanSeconds = seconds(t);

  // Baseline rows: exactly what the scan stored, ids and folder links included, built before the clock starts.
  const folderIds = new Map<string, string>();
  const folderLines: string[] = [];
  const fileLines: string[] = [];
  const now = new Date().toISOString();
  for await (const chunk of walk(TREE)) {
    for (const e of chunk) {
      if (e.type === 'folder') {
        const id = randomUUIDv7();
        folderIds.set(e.path, id);
        folderLines.push(copyLine([id, folderIds.get(e.parentPath) ?? null, e.path, e.name, e.depth, now, now, now]));
      } else if (e.type === 'file') {
        const ext = extensionOf(e.name);
        const mtime = new Date(Math.floor(e.mtimeMs)).toISOString();
        fileLines.push(
          copyLine([
            randomUUIDv7(),
            folderIds.get(e.folderPath) ?? null,
            e.path,
            ext,
            e.size,
            mtime,
            kindOfExtension(ext),
            now,
            now,
          ]),
        );
      }
    }
  }
  const rows = folderLines.length + fileLines.length;
  peakRss = 0;

  await client.query('truncate nas.nas_files, nas.nas_folders');
  await client.query('checkpoint').catch(() => undefined);
  t = performance.now();
  await copyInto(
    client,
    'nas.nas_folders (id, parent_id, path, name, depth, last_scanned_at, created_at, updated_at)',
    folderLines,
  );
  await copyInto(
    client,
    'nas.nas_files (id, folder_id, file_path, extension, size_bytes, modified_at, kind, created_at, updated_at)',
    fileLines,
  );
  const copySeconds = seconds(t);
  folderLines.length = 0;
  fileLines.length = 0;

  const copyRate = rows / copySeconds;
  const scanRate = (first.files + first.folders) / scanSeconds;
  console.log(`rows:        ${first.files.toLocaleString('en')} files + ${first.folders.toLocaleString('en')} folders`);
  console.log('');
  console.log('measurement                                  seconds     rows/s');
  console.log(
    `raw COPY of the same rows (pg)              ${copySeconds.toFixed(2).padStart(8)} ${Math.round(copyRate).toLocaleString('en').padStart(10)}`,
  );
  console.log(
    `scanDirectory, first scan (walk + ingest)   ${scanSeconds.toFixed(2).padStart(8)} ${Math.round(scanRate).toLocaleString('en').padStart(10)}`,
  );
  console.log(
    `scanDirectory, re-scan with no changes      ${rescanSeconds.toFixed(2).padStart(8)}   (${again.inserted} new, ${again.updated} changed, ${again.vanishedFiles} vanished)`,
  );
  console.log(`peak RSS during the first scan: ${(scanRss / 2 ** 20).toFixed(0)} MiB`);
  console.log('');
  const ratio = scanRate / copyRate;
  const rescan = rescanSeconds / scanSeconds;
  console.log(`scan+ingest: ${ratio.toFixed(2)}x raw COPY rows/s (goal >= 0.5x): ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
  console.log(`re-scan: ${rescan.toFixed(2)} of the first scan (goal < 0.33): ${rescan < 1 / 3 ? 'MET' : 'NOT MET'}`);
  console.log(`load average after: ${loadLine()}`);
} finally {
  clearInterval(sampler);
  await client.end();
  await db.drop();
  await server?.stop();
}
