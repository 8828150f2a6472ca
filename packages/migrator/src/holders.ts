/** Who holds a lock, as pg_stat_activity describes that session. */
export interface LockHolder {
  readonly pid: number;
  readonly applicationName: string;
  readonly clientAddr: string | null;
  readonly state: string | null;
  readonly since: Date | null;
  readonly query: string | null;
}

/** Describes a holder for a message: pid, application, address, state and since when. */
export function describeHolder(holder: LockHolder): string {
  const parts = [`backend pid ${holder.pid}`];
  if (holder.applicationName) parts.push(`application "${holder.applicationName}"`);
  if (holder.clientAddr) parts.push(`from ${holder.clientAddr}`);
  if (holder.state) parts.push(holder.state);
  if (holder.since) parts.push(`since ${holder.since.toISOString()}`);
  if (holder.query)
    parts.push(`last query: ${holder.query.length > 160 ? `${holder.query.slice(0, 160)}…` : holder.query}`);
  return parts.join(', ');
}

/** Maps a pg_stat_activity row (pid, application_name, client_addr, state, since, query) to a {@link LockHolder}. */
export function toHolder(row: Record<string, unknown>): LockHolder {
  return {
    pid: Number(row.pid),
    applicationName: String(row.application_name ?? ''),
    clientAddr: row.client_addr == null ? null : String(row.client_addr),
    state: row.state == null ? null : String(row.state),
    since: row.since == null ? null : new Date(row.since as string),
    query: row.query == null ? null : String(row.query),
  };
}
