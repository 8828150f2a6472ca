import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, notDeletedFilter, updatedAtTrigger } from '@tessera/kernel';
import { catalogBase } from './common.ts';

const checks = defineChecks('Player', 'catalog.players', [
  {
    name: 'name_not_empty',
    property: 'name',
    expression: 'length(trim(both from name)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty',
  },
  {
    name: 'country_code_format',
    property: 'countryCode',
    expression: "country_code ~ '^[A-Z]{2}$'",
    test: (v: string) => /^[A-Z]{2}$/.test(v),
    message: 'must be an ISO 3166 alpha-2 code such as US',
  },
]);

/** A poker player. 9 columns. */
export const Player = defineEntity({
  name: 'Player',
  tableName: 'players',
  schema: 'catalog',
  properties: {
    ...catalogBase(),
    name: p.string().length(200).index('ix_players_name'),
    nickname: p.string().length(100).nullable(),
    countryCode: p.string().length(2).nullable(),
    isProfessional: p.boolean().default(false),
    /** The player's id in an outside database (The Hendon Mob, say). */
    externalId: p.string().length(100).nullable(),
  },
  checks,
  triggers: [updatedAtTrigger('players')],
  filters: notDeletedFilter,
});

/** A loaded player. */
export type IPlayer = InferEntity<typeof Player>;
