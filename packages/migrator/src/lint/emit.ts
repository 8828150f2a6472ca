import { createHash } from 'node:crypto';
import { type AbstractSqlDriver, MikroORM, RawQueryFragment } from '@mikro-orm/postgresql';
import { type MigrationEntry, TesseraNamingStrategy } from '@tessera/kernel';
import { MigrationDefinitionError } from '../errors.ts';

/** What a migration emits for `up`, as the engine runs and checksums it. */
export interface EmittedMigration {
  readonly name: string;
  readonly statements: readonly string[];
  readonly transactional: boolean;
  /** The same checksum the engine records in the journal. */
  readonly checksum: string;
}

/**
 * Turns migration classes into their `up` SQL without a database, the way the engine does (the ORM only
 * instantiates migrations and formats raw fragments; it never connects). Close it with {@link close}.
 */
export class MigrationEmitter {
  readonly #orm = new MikroORM({
    clientUrl: 'postgresql://emit.invalid/offline',
    entities: [],
    discovery: { warnWhenNoEntities: false },
    namingStrategy: TesseraNamingStrategy,
    ensureDatabase: false,
  });

  /** The statements, transactional flag and checksum of `entry`'s `up`. */
  async emit(entry: MigrationEntry): Promise<EmittedMigration> {
    const driver = this.#orm.em.getDriver() as AbstractSqlDriver;
    const migration = new entry.class(driver, this.#orm.config);
    migration.execute = async () => {
      throw new MigrationDefinitionError(
        `migration ${entry.name} calls this.execute() in up(); express every change with this.addSql()`,
      );
    };
    await migration.up();
    const statements = migration.getQueries().map((q) => {
      if (typeof q === 'string') return q;
      if (q instanceof RawQueryFragment) {
        return q.params.length === 0 ? q.sql : this.#orm.em.getPlatform().formatQuery(q.sql, q.params);
      }
      throw new MigrationDefinitionError(
        `migration ${entry.name} adds a query builder; add SQL strings or raw() instead`,
      );
    });
    const checksum = createHash('sha256').update(statements.join('\n;\n')).digest('hex');
    return { name: entry.name, statements, transactional: migration.isTransactional(), checksum };
  }

  /** Releases the offline ORM. */
  async close(): Promise<void> {
    await this.#orm.close(true);
  }
}
