import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, notDeletedFilter, updatedAtTrigger } from '@tessera/kernel';
import { catalogBase, NOT_DELETED } from './common.ts';

const checks = defineChecks('Tag', 'catalog.tags', [
  {
    name: 'name_not_empty',
    property: 'name',
    expression: 'length(trim(both from name)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty',
  },
  {
    name: 'category_not_empty',
    property: 'category',
    expression: 'length(trim(both from category)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty',
  },
  {
    name: 'color_format',
    property: 'color',
    expression: "color ~ '^#[0-9a-f]{6}$'",
    test: (v: string) => /^#[0-9a-f]{6}$/.test(v),
    message: 'must be a colour like #1a2b3c',
  },
]);

/** A tag of the master list, unique by category and name, e.g. `action/bluff`. 8 columns. */
export const Tag = defineEntity({
  name: 'Tag',
  tableName: 'tags',
  schema: 'catalog',
  properties: {
    ...catalogBase(),
    category: p.string().length(50),
    name: p.string().length(100),
    description: p.text().nullable(),
    color: p.string().length(7).nullable(),
  },
  uniques: [{ name: 'ix_tags_category_name', properties: ['category', 'name'], where: NOT_DELETED }],
  checks,
  triggers: [updatedAtTrigger('tags')],
  filters: notDeletedFilter,
});

/** A loaded tag. */
export type ITag = InferEntity<typeof Tag>;
