import { type EntityName, wrap } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { validateEntity } from './validation.ts';

type Data = Record<string, unknown>;

/**
 * The EntityManager every Tessera ORM uses. The unit of work's flush is validated by the ValidationSubscriber;
 * the native writes below skip it, so they validate the fields they are given here, before any SQL is built.
 * (Raw SQL and query-builder inserts call `validateEntity` / `validateRows` themselves.)
 */
export class TesseraEntityManager extends EntityManager {
  private validate(entityName: unknown, data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    for (const row of Array.isArray(data) ? data : [data]) {
      if (typeof row !== 'object' || row === null) continue;
      // biome-ignore lint/suspicious/noExplicitAny: any entity
      const meta = this.getMetadata(entityName as EntityName<any>);
      validateEntity(meta, row as Data, new Set(Object.keys(row)));
    }
  }

  /**
   * Validates the given fields before MikroORM builds the entity: its own checks would otherwise throw an
   * untyped error (`Trying to set NasFile.kind …`) or let a bad value through to the flush.
   */
  // biome-ignore lint/suspicious/noExplicitAny: MikroORM's overloads
  override create(entityName: any, data: any, options?: any): any {
    this.validate(entityName, data);
    return super.create(entityName, data, options);
  }

  /**
   * Validates the fields `em.assign` sets before MikroORM's own type check, which names the field only in prose.
   */
  // biome-ignore lint/suspicious/noExplicitAny: MikroORM's overloads
  override assign(entity: any, data: any, options?: any): any {
    if (typeof entity === 'object' && entity !== null) this.validate(wrap(entity, true).__meta.class, data);
    return super.assign(entity, data, options);
  }

  // The native writes return a promise: a refused row rejects it, as a failed write would, rather than throwing.

  // biome-ignore lint/suspicious/noExplicitAny: MikroORM's overloads
  override insert(entityNameOrEntity: any, data?: any, options?: any): any {
    try {
      this.validate(
        data === undefined ? entityNameOrEntity.constructor : entityNameOrEntity,
        data ?? entityNameOrEntity,
      );
    } catch (error) {
      return Promise.reject(error);
    }
    return super.insert(entityNameOrEntity, data, options);
  }

  // biome-ignore lint/suspicious/noExplicitAny: MikroORM's overloads
  override insertMany(entityNameOrEntities: any, data?: any, options?: any): any {
    try {
      if (data !== undefined) this.validate(entityNameOrEntities, data);
    } catch (error) {
      return Promise.reject(error);
    }
    return super.insertMany(entityNameOrEntities, data, options);
  }

  // biome-ignore lint/suspicious/noExplicitAny: MikroORM's overloads
  override nativeUpdate(entityName: any, where: any, data: any, options?: any): any {
    try {
      this.validate(entityName, data);
    } catch (error) {
      return Promise.reject(error);
    }
    return super.nativeUpdate(entityName, where, data, options);
  }
}
