/**
 * The access rule of seed 004, in exactly one place: a user sees a document when the document's access level
 * is at most the user's, and the document has no department or the user's department. A deactivated or unknown
 * user sees nothing. Every document read in {@link DocumentRepository} is built on {@link visibleDocumentsSql}.
 */

/** The columns a document listing returns (everything but `content`, which can be megabytes). */
export const SUMMARY_COLUMNS =
  'd.id, d.title, d.document_type, d.source, d.access_level, d.department, d.metadata, d.created_at, d.updated_at';

/** The columns of a full document. */
export const FULL_COLUMNS = `${SUMMARY_COLUMNS}, d.content`;

/** A SQL fragment with `?` placeholders (MikroORM's) and its parameters. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * `select <columns> from documents d` restricted to what user `userId` may see, plus an optional extra
 * condition, ordered by id (UUIDv7: creation order), `limit` rows after the `afterId` cursor. The user is
 * joined rather than passed in, so the rule is always applied to the user's current level and department.
 */
export function visibleDocumentsSql(
  userId: string,
  options: { columns?: string; where?: SqlFragment; afterId?: string | null; limit: number },
): SqlFragment {
  const params: unknown[] = [userId];
  let sql =
    `select ${options.columns ?? SUMMARY_COLUMNS} from knowledge.documents d ` +
    'join identity.users u on u.id = ? and u.is_active ' +
    'where d.access_level <= u.access_level and (d.department is null or d.department = u.department)';
  if (options.where) {
    sql += ` and (${options.where.sql})`;
    params.push(...options.where.params);
  }
  if (options.afterId) {
    sql += ' and d.id > ?';
    params.push(options.afterId);
  }
  sql += ' order by d.id limit ?';
  params.push(options.limit);
  return { sql, params };
}

/** The same statement with PostgreSQL's `$n` placeholders (for raw `pg`, e.g. the benchmark baseline). */
export function toNumberedParams(fragment: SqlFragment): { text: string; values: unknown[] } {
  let n = 0;
  // `\?` is MikroORM's escape for a literal `?` (the jsonb key-exists operator).
  const text = fragment.sql.replace(/\\\?|\?/g, (m) => (m === '?' ? `$${++n}` : '?'));
  return { text, values: [...fragment.params] };
}
