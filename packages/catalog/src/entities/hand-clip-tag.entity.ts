import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { HandClip } from './hand-clip.entity.ts';
import { Tag } from './tag.entity.ts';

/** The hand clip-tag pivot: the composite key makes tagging idempotent. */
export const HandClipTag = defineEntity({
  name: 'HandClipTag',
  tableName: 'hand_clip_tags',
  schema: 'catalog',
  properties: {
    handClip: () => p.manyToOne(HandClip).primary().deleteRule('cascade'),
    tag: () => p.manyToOne(Tag).primary().deleteRule('cascade').index('ix_hand_clip_tags_tag_id'),
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});

/** A loaded tagging. */
export type IHandClipTag = InferEntity<typeof HandClipTag>;
