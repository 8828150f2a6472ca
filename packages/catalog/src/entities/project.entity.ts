import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, notDeletedFilter, updatedAtTrigger } from '@tessera/kernel';
import { catalogBase, NOT_DELETED } from './common.ts';
import { Season } from './season.entity.ts';

/** Project codes: upper-case letters, digits and `_`, as the project factory writes them (`PROJECT_1`). */
export const PROJECT_CODE_PATTERN = /^[A-Z0-9_]{2,32}$/;

const checks = defineChecks('Project', 'catalog.projects', [
  {
    name: 'code_format',
    property: 'code',
    expression: "code ~ '^[A-Z0-9_]{2,32}$'",
    test: (v: string) => PROJECT_CODE_PATTERN.test(v),
    message: 'must be 2 to 32 upper-case letters, digits or _',
  },
  {
    name: 'name_not_empty',
    property: 'name',
    expression: 'length(trim(both from name)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty',
  },
]);

/** A poker series (WSOP, EPT, …): the root of the catalog. 9 columns. */
export const Project = defineEntity({
  name: 'Project',
  tableName: 'projects',
  schema: 'catalog',
  properties: {
    ...catalogBase(),
    code: p.string().length(32),
    name: p.string().length(200),
    description: p.text().nullable(),
    /** Where this series' footage lives on the NAS, e.g. `/nas/wsop`. */
    nasBasePath: p.text().nullable(),
    isActive: p.boolean().default(true),
    seasons: () => p.oneToMany(Season).mappedBy('project'),
  },
  uniques: [{ name: 'ix_projects_code', properties: ['code'], where: NOT_DELETED }],
  checks,
  triggers: [updatedAtTrigger('projects')],
  filters: notDeletedFilter,
});

/** A loaded project. */
export type IProject = InferEntity<typeof Project>;
