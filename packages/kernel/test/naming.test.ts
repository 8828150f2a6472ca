import { describe, expect, it } from 'vitest';
import { TesseraNamingStrategy } from '../src/index.ts';

describe('TesseraNamingStrategy', () => {
  const naming = new TesseraNamingStrategy();

  it('follows the seeds: pk_, fk_, uq_, ix_, ck_ with the table (without schema) and columns', () => {
    expect(naming.indexName('identity.users', ['id'], 'primary')).toBe('pk_users');
    expect(naming.indexName('identity.tokens', ['user_id'], 'foreign')).toBe('fk_tokens_user_id');
    expect(naming.indexName('identity.users', ['email'], 'unique')).toBe('uq_users_email');
    expect(naming.indexName('catalog.seasons', ['project_id', 'year'], 'index')).toBe('ix_seasons_project_id_year');
    expect(naming.indexName('users', ['email'], 'check')).toBe('ck_users_email');
  });

  it("keeps names within PostgreSQL's 63-byte limit, predictably", () => {
    const name = naming.indexName(
      'catalog.hand_clips',
      ['sheet_source', 'sheet_row_number', 'video_file_id', 'extra_column'],
      'unique',
    );
    expect(name).toHaveLength(63);
    expect(name.startsWith('uq_hand_clips_sheet_source_sheet_row_number')).toBe(true);
  });
});
