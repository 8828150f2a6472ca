import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { HandClip } from './hand-clip.entity.ts';
import { Player } from './player.entity.ts';

/** The hand clip-player pivot: who played the hand, and who won it. */
export const HandClipPlayer = defineEntity({
  name: 'HandClipPlayer',
  tableName: 'hand_clip_players',
  schema: 'catalog',
  properties: {
    handClip: () => p.manyToOne(HandClip).primary().deleteRule('cascade'),
    player: () => p.manyToOne(Player).primary().deleteRule('cascade').index('ix_hand_clip_players_player_id'),
    isWinner: p.boolean().default(false),
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});

/** A loaded player-in-hand link. */
export type IHandClipPlayer = InferEntity<typeof HandClipPlayer>;
