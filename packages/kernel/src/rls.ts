/**
 * The acting user of the current transaction, for row-level security policies in every context.
 * `current_setting(name, true)` is null when the setting was never set and '' after a transaction that set it
 * locally ended, so both mean "nobody": no rows, never an error, never all rows.
 */
export const currentUserSql = "(NULLIF(current_setting('app.current_user_id'::text, true), ''::text))::uuid";
