/**
 * The acting user of the current transaction, for row-level security policies in every context.
 * `current_setting(name, true)` is null when the setting was never set and '' after a transaction that set it
 * locally ended, so both mean "nobody": no rows, never an error, never all rows.
 */
export const currentUserSql = "(NULLIF(current_setting('app.current_user_id'::text, true), ''::text))::uuid";

/**
 * The acting user as a policy should compare it: a scalar subquery, which PostgreSQL evaluates once per statement
 * (an InitPlan) instead of once for every row the policy filters. A page of 50 executions otherwise reads the
 * setting and casts it 50 times, which is half of what row-level security adds to that read. Written as PostgreSQL
 * prints it back (`pg_policies`), so the schema diff finds the declared and the migrated policy equal.
 */
export const currentUserOnceSql = `( SELECT ${currentUserSql} AS current_user_id)`;
