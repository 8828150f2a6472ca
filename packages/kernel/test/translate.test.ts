import { defineEntity, ValidationError as OrmValidationError, p } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/index.ts';
import { translateDbError } from '../src/translate.ts';

const Ticket = defineEntity({
  name: 'Ticket',
  tableName: 'tickets',
  properties: { id: p.integer().primary(), kind: p.enum(['bug', 'feature']), seats: p.integer() },
});
// Metadata only: the ORM is never connected.
const orm = new MikroORM({ clientUrl: 'postgresql://metadata.invalid/none', entities: [Ticket] });

describe("translateDbError on MikroORM's own type checks", () => {
  it('turns a wrong enum value into a ValidationError naming the entity, the field and the allowed values', () => {
    const error = orm.em.fork().create(Ticket, { id: 1, kind: 'bug', seats: 1 });
    const ormError = OrmValidationError.fromWrongPropertyType(error, 'kind', 'string', 'string', 'chore');
    const typed = translateDbError(ormError, orm.getMetadata());
    expect(typed).toBeInstanceOf(ValidationError);
    expect(typed).toMatchObject({ entity: 'Ticket', field: 'kind', code: 'INVALID_INPUT' });
    expect((typed as Error).message).toBe("Ticket.kind: must be one of bug, feature (got 'chore')");
  });

  it('names the expected type for a wrong scalar', () => {
    const entity = orm.em.fork().create(Ticket, { id: 2, kind: 'bug', seats: 1 });
    const ormError = OrmValidationError.fromWrongPropertyType(entity, 'seats', 'number', 'string', 'two');
    expect((translateDbError(ormError, orm.getMetadata()) as Error).message).toBe(
      "Ticket.seats: must be of type number (got 'two')",
    );
  });

  it('leaves other errors alone', () => {
    const other = new Error('connection refused');
    expect(translateDbError(other, orm.getMetadata())).toBe(other);
  });
});
