import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The base of a context's repositories: the EntityManager it was given, which every call works with (and whose
 * transaction, if any, it joins). A repository adds only its methods.
 */
export abstract class Repository {
  readonly em: EntityManager;

  constructor(em: EntityManager) {
    this.em = em;
  }
}
