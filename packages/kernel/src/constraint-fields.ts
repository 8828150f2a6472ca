import type { MetadataStorage } from '@mikro-orm/core';
import { ForeignKeyViolationError, UniqueViolationError } from './errors.ts';
import { translateDbError } from './translate.ts';

/**
 * PostgreSQL leaves out an error's `Key (…)=(…)` detail when the table has row-level security or the session may
 * not read every key column, so {@link translateDbError} cannot name the field from it. Our constraint names
 * follow the naming strategy (`fk_<table>_<columns>`, `uq_<table>_<columns>`), so the field is recovered from the
 * constraint name instead.
 */
export function withConstraintFields(error: unknown, metadata: MetadataStorage): unknown {
  const translated = translateDbError(error, metadata);
  if (!(translated instanceof ForeignKeyViolationError || translated instanceof UniqueViolationError)) {
    return translated;
  }
  if (translated.fields.length > 0 || !translated.constraint) return translated;
  // Two contexts may have entities of the same name (audit's and catalog's Event): the error's schema tells them apart.
  const schema = (error as { schema?: string }).schema;
  const named = [...metadata.getAll().values()].filter((m) => m.className === translated.entity);
  const meta = named.find((m) => m.schema === schema) ?? named[0];
  if (!meta) return translated;
  const columns = translated.constraint.replace(/^(fk|uq)_/, '').slice(meta.tableName.length + 1);
  // A column name sequence inside the constraint name; the primary key only when it is the whole of it.
  const fields = meta.props
    .filter((p) => (p.fieldNames ?? []).length > 0)
    .filter((p) => {
      const name = p.fieldNames.join('_');
      return name === columns || (!p.primary && `_${columns}_`.includes(`_${name}_`));
    })
    .map((p) => p.name);
  if (fields.length === 0) return translated;
  const options = { cause: (translated as Error).cause };
  return translated instanceof ForeignKeyViolationError
    ? new ForeignKeyViolationError(
        translated.entity,
        fields,
        translated.message.replace(/^[^:]*: /, ''),
        translated.constraint,
        options,
      )
    : new UniqueViolationError(translated.entity, fields, translated.constraint, options);
}

/** Flushes like the kernel's flushOrDetach, naming the field of a constraint error PostgreSQL reported without details. */
export async function flushNamingFields(
  em: { flush(): Promise<void>; getUnitOfWork(): { unsetIdentity(e: object): void }; getMetadata(): MetadataStorage },
  touched: readonly object[],
): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    for (const entity of touched) em.getUnitOfWork().unsetIdentity(entity);
    throw withConstraintFields(error, em.getMetadata());
  }
}
