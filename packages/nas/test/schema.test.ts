import { describeSchemaConformance, useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { nas } from '../src/context.ts';

const db = useTestDatabase(nas);

describeSchemaConformance(nas, db, new URL('..', import.meta.url));

describe('nas schema', () => {
  it('indexes files by path (unique) and by folder, under stable names', async () => {
    const rows = await db.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where schemaname = 'nas' and indexname like 'ix_nas_files%' order by 1`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(['ix_nas_files_file_path', 'ix_nas_files_folder_id']);
    expect(rows[0]?.indexdef).toMatch(/UNIQUE INDEX .* \(file_path\)/);
  });
});
