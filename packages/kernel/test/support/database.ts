import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { type EmptyDatabase, emptyDatabase } from '@tessera/test-server';
import { afterAll, beforeAll } from 'vitest';
import {
  composeContexts,
  createOrm,
  defineChecks,
  defineContext,
  idProperty,
  newId,
  partitionKeyCreatedAt,
  timestampProperties,
} from '../../src/index.ts';

/** The checks of the test `Team`, registered like a context registers its own. */
export const teamChecks = defineChecks('Team', 'kt.teams', [
  {
    name: 'size_range',
    property: 'size',
    expression: 'size between 1 and 50',
    test: (v: number) => v >= 1 && v <= 50,
    message: 'must be from 1 to 50',
  },
  {
    name: 'motto_not_blank',
    property: 'motto',
    expression: "motto is null or trim(motto) <> ''",
    test: (v: string | null | undefined, entity) => (v == null ? entity.kind !== 'school' : v.trim() !== ''),
    message: 'must not be blank (and a school needs one)',
    testNull: true,
  },
]);

/** A small entity with a key, a unique name, an enum, a checked number, a date and a nullable text. */
export const Team = defineEntity({
  name: 'Team',
  tableName: 'teams',
  schema: 'kt',
  properties: {
    id: idProperty(),
    name: p.string().length(20).unique(),
    kind: p.enum(['club', 'school']),
    size: p.smallint().default(1),
    motto: p.string().length(100).nullable(),
    founded: p.date().nullable(),
  },
  checks: teamChecks,
});
export type ITeam = InferEntity<typeof Team>;

/** Belongs to a Team (restricting its deletion); a unique e-mail, an integer and an IP address. */
export const Member = defineEntity({
  name: 'Member',
  tableName: 'members',
  schema: 'kt',
  properties: {
    id: idProperty(),
    team: () => p.manyToOne(Team).deleteRule('restrict'),
    email: p.string().length(100).unique(),
    score: p.integer().nullable(),
    address: p.string().columnType('inet').nullable(),
    notes: p.json<Record<string, unknown>>().nullable(),
    ...timestampProperties(),
  },
});

/** An append-only row of a table range-partitioned by month on `created_at`, with a DEFAULT partition. */
export const Reading = defineEntity({
  name: 'Reading',
  tableName: 'readings',
  schema: 'kt',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    createdAt: partitionKeyCreatedAt(),
    code: p.string().length(20),
  },
});

/** The kernel's test context; its tables are made by {@link SCHEMA_SQL}, since the migrator depends on the kernel. */
export const kernelTest = defineContext({
  name: 'kt',
  entities: [Team, Member, Reading],
  migrations: [],
  partitionedTables: [{ table: 'readings', column: 'created_at', interval: 'month' }],
});

/** The tables the entities above describe, named as the naming strategy names them. */
const SCHEMA_SQL = `
  create schema kt;
  create table kt.teams (
    id uuid constraint pk_teams primary key,
    name varchar(20) not null constraint uq_teams_name unique,
    kind text not null constraint ck_teams_kind check (kind in ('club', 'school')),
    size smallint not null default 1 constraint ck_teams_size_range check (size between 1 and 50),
    motto varchar(100) constraint ck_teams_motto_not_blank check (motto is null or trim(motto) <> ''),
    founded date
  );
  create table kt.members (
    id uuid constraint pk_members primary key,
    team_id uuid not null constraint fk_members_team_id references kt.teams (id) on delete restrict,
    email varchar(100) not null constraint uq_members_email unique,
    score integer,
    address inet,
    notes jsonb,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );
  create table kt.readings (
    id uuid not null,
    created_at timestamptz not null default now(),
    code varchar(20) not null,
    constraint pk_readings primary key (id, created_at),
    constraint uq_readings_code_created_at unique (code, created_at)
  ) partition by range (created_at);
  create table kt.readings_default partition of kt.readings default;`;

/** A fresh database with the kernel's test tables and a Tessera ORM on it, for one test file. */
export function useKernelDatabase() {
  let db: EmptyDatabase | undefined;
  let orm: MikroORM | undefined;
  beforeAll(async () => {
    db = await emptyDatabase();
    await db.query(SCHEMA_SQL);
    orm = await createOrm(composeContexts([kernelTest]), db.url);
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the kernel test database is not ready');
    return value;
  };
  return {
    get orm() {
      return need(orm);
    },
    em: () => need(orm).em.fork(),
    query: (sql: string, params?: unknown[]) => need(db).query(sql, params),
    get url() {
      return need(db).url;
    },
  };
}
