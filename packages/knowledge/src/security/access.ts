/**
 * The access rule, in exactly one place: a user sees a document when the document's access level
 * is at most the user's, and the document has no department or the user's department. A deactivated or unknown
 * user sees nothing. Every document read in {@link DocumentRepository} is built on {@link visibleDocumentsSql}.
 */

/** The columns a document listing returns (everything but `content`, which can be megabytes). */
export const SUMMARY_COLUMNS =
  'd.id, d.title, d.document_type, d.source, d.access_level, d.department, d.metadata, d.created_at, d.updated_at';

/** The columns of a full document. */
export const FULL_COLUMNS = `${SUMMARY_COLUMNS}, d.content`;

/**
 * An extra condition: called with `param`, which binds a value and returns its placeholder (`$2`, …), it returns
 * the condition's SQL, e.g. `(param) => \`d.id = ${param(id)}\``.
 */
export type DocumentCondition = (param: (value: unknown) => string) => string;

/** A statement with PostgreSQL's `$n` placeholders and its values, as the kernel's `sql` takes it. */
export interface DocumentStatement {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * `select <columns> from documents d` restricted to what user `userId` may see, plus an optional extra
 * condition, ordered by id (UUIDv7: creation order), `limit` rows after the `afterId` cursor. The user is
 * joined rather than passed in, so the rule is always applied to the user's current level and department.
 */
export function visibleDocumentsSql(
  userId: string,
  options: { columns?: string; where?: DocumentCondition; afterId?: string | null; limit: number },
): DocumentStatement {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  let text =
    `select ${options.columns ?? SUMMARY_COLUMNS} from knowledge.documents d ` +
    `join identity.users u on u.id = ${param(userId)} and u.is_active ` +
    'where d.access_level <= u.access_level and (d.department is null or d.department = u.department)';
  if (options.where) text += ` and (${options.where(param)})`;
  if (options.afterId) text += ` and d.id > ${param(options.afterId)}`;
  text += ` order by d.id limit ${param(options.limit)}`;
  return { text, values };
}
