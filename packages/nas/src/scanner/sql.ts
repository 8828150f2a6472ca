/**
 * The SQL of a scan. Rows of each batch arrive by COPY in session-local staging tables; set-based statements
 * merge them into the inventory, writing only rows that changed. A folder whose listing fingerprint is
 * unchanged is sent without its files, so re-scanning an unchanged tree writes (almost) nothing.
 */

/**
 * Staging tables, private to the scan's session. A folder is `complete` when all its files came in one batch
 * (a folder of more than a batch is streamed over several); `partial` marks files of such a folder, whose
 * paths are kept in `nas_scan_seen_files` for the final sweep.
 */
export const CREATE_STAGING = `
create temp table if not exists nas_scan_stage_folders (id uuid, path text, parent_path text, name text, depth int, listing_hash text, changed boolean, complete boolean, raw_path bytea);
create temp table if not exists nas_scan_stage_files (id uuid, file_path text, folder_path text, extension text, size_bytes bigint, modified_at timestamptz, kind text, partial boolean, raw_path bytea);
create temp table if not exists nas_scan_seen_folders (path text, changed boolean, complete boolean);
create temp table if not exists nas_scan_seen_files (file_path text);
-- The sweeps probe this per folder of the subtree (whose size the planner cannot estimate from a LIKE).
create index if not exists nas_scan_seen_folders_path on nas_scan_seen_folders (path);
truncate nas_scan_stage_folders, nas_scan_stage_files, nas_scan_seen_folders, nas_scan_seen_files;`;

/**
 * Opens one of the scan's transactions. Each batch commits on its own; a scan is idempotent, so a crash losing
 * the last unflushed commits only means the next scan redoes them. Not waiting for each commit's WAL flush keeps
 * the disk out of the loop. SET LOCAL: the setting ends with the transaction.
 */
export const BEGIN_UNSYNCED = 'begin; set local synchronous_commit to off';

/** The folders of the scanned subtree: `$1` the root path, `$2` its LIKE prefix (`<root>/%`, escaped). */
const subtree = (alias: string) => `(${alias}.path = $1 or ${alias}.path like $2)`;

/**
 * Every folder of the subtree already in the inventory (and the root's parent, `$3`): their ids, and the
 * fingerprints of the present ones, to decide which folders are new, changed or unchanged.
 */
export const KNOWN_FOLDERS = `select id, path, case when missing_since is null then listing_hash end as listing_hash
  from nas.nas_folders d where ${subtree('d')} or d.path = $3`;

/** Serialises scans: a folder new to the inventory is loaded by plain COPY, which two scans must not race on. */
export const SCAN_LOCK = `select pg_advisory_lock(hashtext('tessera.nas.scan'))`;

/** Releases {@link SCAN_LOCK}. */
export const SCAN_UNLOCK = `select pg_advisory_unlock(hashtext('tessera.nas.scan'))`;

/**
 * Merges one batch; `now` is inlined by the caller as a timestamptz literal. The results of the files upsert
 * (`inserted`, `updated`) and of the per-folder sweep (`vanished`) are read back by column name.
 */
export function mergeBatch(now: string): string {
  return `
insert into nas.nas_folders as d (id, path, name, depth, listing_hash, last_scanned_at, raw_path)
  select id, path, name, depth, listing_hash, ${now}, raw_path from nas_scan_stage_folders
  on conflict (path) do update set missing_since = null, name = excluded.name, depth = excluded.depth,
    listing_hash = excluded.listing_hash, raw_path = excluded.raw_path
  where d.missing_since is not null or d.name <> excluded.name or d.depth <> excluded.depth
    or d.listing_hash is distinct from excluded.listing_hash or d.raw_path is distinct from excluded.raw_path;
update nas.nas_folders f set parent_id = p.id
  from nas_scan_stage_folders s join nas.nas_folders p on p.path = s.parent_path
  where f.path = s.path and f.parent_id is distinct from p.id;
insert into nas_scan_seen_folders select path, changed, complete from nas_scan_stage_folders;
insert into nas_scan_seen_files select file_path from nas_scan_stage_files where partial;
with merged as (
  insert into nas.nas_files as f (id, folder_id, file_path, extension, size_bytes, modified_at, kind, raw_path)
    select s.id, d.id, s.file_path, s.extension, s.size_bytes, s.modified_at, s.kind, s.raw_path
    from nas_scan_stage_files s join nas.nas_folders d on d.path = s.folder_path
  on conflict (file_path) do update set
    folder_id = excluded.folder_id, extension = excluded.extension, size_bytes = excluded.size_bytes,
    modified_at = excluded.modified_at, kind = excluded.kind, missing_since = null, raw_path = excluded.raw_path,
    -- A changed file's old checksum describes other bytes.
    checksum = case when f.size_bytes = excluded.size_bytes and f.modified_at = excluded.modified_at then f.checksum end
  where (f.folder_id, f.extension, f.size_bytes, f.modified_at, f.kind, f.missing_since, f.raw_path)
    is distinct from (excluded.folder_id, excluded.extension, excluded.size_bytes, excluded.modified_at, excluded.kind, null, excluded.raw_path)
  returning (xmax = 0) as inserted
)
select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from merged;
with gone as (
  -- A changed folder whose whole listing is in this batch: its known files that are not in the listing vanished.
  update nas.nas_files f set missing_since = ${now}
  from nas_scan_stage_folders s join nas.nas_folders d on d.path = s.path
  where s.changed and s.complete and f.folder_id = d.id and f.missing_since is null
    and not exists (select 1 from nas_scan_stage_files x where x.file_path = f.file_path)
  returning 1
) select count(*)::int as vanished from gone;
truncate nas_scan_stage_folders, nas_scan_stage_files;`;
}

/**
 * Marks the remaining vanished files of the subtree: those of folders the scan did not see at all, and those
 * of folders streamed over several batches that were not seen. `$3` is the scan time.
 */
export const MARK_VANISHED_FILES = `
with candidates as (
  -- Few folders qualify (unchanged and complete ones are settled), so their files are found by folder_id.
  select d.id, s.path is null as unseen
  from nas.nas_folders d left join nas_scan_seen_folders s on s.path = d.path
  where ${subtree('d')} and (s.path is null or not s.complete)
), gone as (
  update nas.nas_files f set missing_since = $3
  from candidates c
  where f.folder_id = c.id and f.missing_since is null
    and (c.unseen or not exists (select 1 from nas_scan_seen_files x where x.file_path = f.file_path))
  returning 1
) select count(*)::int as n from gone`;

/** Marks folders of the subtree that the scan did not see, forgetting their fingerprint; returns how many. */
export const MARK_VANISHED_FOLDERS = `
with gone as (
  update nas.nas_folders d set missing_since = $3, listing_hash = null
  where ${subtree('d')} and missing_since is null
    and not exists (select 1 from nas_scan_seen_folders s where s.path = d.path)
  returning 1
) select count(*)::int as n from gone`;

/**
 * Rolls the present files up the present folders of the subtree: every folder gets the files, bytes and
 * folders of its whole subtree. Each folder's direct totals walk up its chain of ancestors inside the subtree;
 * only folders whose totals changed are written. The scan root also records the scan time.
 */
export const ROLL_UP = `
with recursive sub as (
  select id, parent_id from nas.nas_folders r where ${subtree('r')} and missing_since is null
), direct as (
  -- Per folder: an index scan on ix_nas_files_folder_id (the subtree is a range of paths the planner cannot size).
  select s.id, s.parent_id, count(f.id) as n, coalesce(sum(f.size_bytes), 0) as b
  from sub s left join nas.nas_files f on f.folder_id = s.id and f.missing_since is null
  group by s.id, s.parent_id
), chain as (
  select id as folder, parent_id as next, n, b, 0 as nested from direct
  union all
  select c.next, s.parent_id, c.n, c.b, 1 from chain c join sub s on s.id = c.next
), totals as (
  select folder, sum(n)::int as n, sum(b)::bigint as b, sum(nested)::int as nested from chain group by folder
)
update nas.nas_folders f set file_count = t.n, total_size_bytes = t.b, folder_count = t.nested,
  last_scanned_at = case when f.path = $1 then $3 else f.last_scanned_at end
from totals t
where f.id = t.folder
  and ((f.file_count, f.total_size_bytes, f.folder_count) is distinct from (t.n, t.b, t.nested) or f.path = $1)`;

/**
 * Records a run of root `$1` as started at `$3`; returns how many runs of it or below it (`$2`) never finished
 * (their counts were not rolled up).
 */
export const RUN_STARTED = `
with unfinished as (
  select count(*)::int as n from nas.nas_scan_runs where (root = $1 or root like $2) and finished_at is null
), started as (
  insert into nas.nas_scan_runs (root, started_at) values ($1, $3)
  on conflict (root) do update set started_at = excluded.started_at, finished_at = null
)
select n from unfinished`;

/** Marks the runs of root `$1` and below it (`$2`) finished at `$3`: its roll-up covered them. */
export const RUN_FINISHED = `update nas.nas_scan_runs set finished_at = $3 where root = $1 or root like $2`;

/** Records the scan time on the root alone, when nothing changed and no roll-up is needed. */
export const TOUCH_ROOT = `update nas.nas_folders set last_scanned_at = $2 where path = $1`;
