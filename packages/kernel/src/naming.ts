import { UnderscoreNamingStrategy } from '@mikro-orm/core';

const PREFIX = {
  primary: 'pk',
  foreign: 'fk',
  unique: 'uq',
  index: 'ix',
  check: 'ck',
  sequence: 'seq',
  default: 'df',
  trigger: 'tg',
} as const;

/** Strips the schema from `schema.table`. */
function bareTable(tableName: string): string {
  const dot = tableName.lastIndexOf('.');
  return dot === -1 ? tableName : tableName.slice(dot + 1);
}

/**
 * The naming convention of the seeds: `pk_<table>`, `fk_<table>_<columns>`, `uq_<table>_<columns>`,
 * `ix_<table>_<columns>`, `ck_<table>_<name>`. Stable names keep generated migrations reviewable and
 * let typed errors map a constraint back to the entity field it guards.
 */
export class TesseraNamingStrategy extends UnderscoreNamingStrategy {
  override indexName(tableName: string, columns: string[], type: keyof typeof PREFIX): string {
    const table = bareTable(tableName);
    if (type === 'primary') {
      return `pk_${table}`;
    }
    const name = [PREFIX[type], table, ...columns].join('_').toLowerCase();
    // PostgreSQL truncates identifiers at 63 bytes; truncate ourselves so the name is predictable.
    return name.length <= 63 ? name : name.slice(0, 63);
  }
}
