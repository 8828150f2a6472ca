import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, notDeletedFilter, updatedAtTrigger } from '@tessera/kernel';
import { catalogBase } from './common.ts';
import { Event } from './event.entity.ts';
import { Project } from './project.entity.ts';

const checks = defineChecks('Season', 'catalog.seasons', [
  {
    name: 'year_range',
    property: 'year',
    expression: 'year >= 1970 and year <= 2100',
    test: (v: number) => Number.isInteger(v) && v >= 1970 && v <= 2100,
    message: 'must be a year from 1970 to 2100',
  },
  {
    name: 'dates_ordered',
    property: 'endDate',
    expression: 'end_date >= start_date',
    test: (v: string, e) => typeof e.startDate !== 'string' || v >= e.startDate,
    message: 'must not be before startDate',
  },
]);

/** One year of a series. 10 columns. */
export const Season = defineEntity({
  name: 'Season',
  tableName: 'seasons',
  schema: 'catalog',
  properties: {
    ...catalogBase(),
    project: () => p.manyToOne(Project).deleteRule('cascade'),
    year: p.smallint(),
    name: p.string().length(200),
    location: p.string().length(200).nullable(),
    startDate: p.date().nullable(),
    endDate: p.date().nullable(),
    events: () => p.oneToMany(Event).mappedBy('season'),
  },
  indexes: [{ name: 'ix_seasons_project_year', properties: ['project', 'year'] }],
  checks,
  triggers: [updatedAtTrigger('seasons')],
  filters: notDeletedFilter,
});

/** A loaded season. */
export type ISeason = InferEntity<typeof Season>;
