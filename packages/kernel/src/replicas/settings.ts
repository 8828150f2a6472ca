import { InvalidSettingError } from '../connection.ts';

/** Read replica settings, from the environment by {@link replicaSettings}. */
export interface ReplicaSettings {
  /** Replica URLs (`TESSERA_READ_REPLICA_URLS`, separated by commas or white space); empty: no replicas. */
  readonly urls: readonly string[];
  /** A replica further behind than this is skipped (`TESSERA_REPLICA_MAX_LAG_MS`, default 1000). */
  readonly maxLagMs: number;
  /** How often each replica's health and replay position are sampled (`TESSERA_REPLICA_CHECK_INTERVAL_MS`, 500). */
  readonly checkIntervalMs: number;
  /**
   * The primary takes its turn with the replicas for reads a replica could serve (`TESSERA_REPLICA_READS_ON_PRIMARY`,
   * default false: such reads go to the replicas only, leaving the primary to writes). On when the primary has
   * spare capacity: with one replica, reads are then spread over two servers.
   */
  readonly readsOnPrimary?: boolean;
}

/** Reads the replica settings from `env`; a bad value throws InvalidSettingError naming the variable. */
export function replicaSettings(env: NodeJS.ProcessEnv = process.env): ReplicaSettings {
  const urls = (env.TESSERA_READ_REPLICA_URLS ?? '').split(/[\s,]+/).filter(Boolean);
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {}
    if (!parsed || !/^postgres(ql)?:$/.test(parsed.protocol)) {
      // The URL may hold a password: name the variable, never echo the value.
      throw new InvalidSettingError('TESSERA_READ_REPLICA_URLS', '…', 'must list postgresql:// URLs');
    }
  }
  return {
    urls,
    maxLagMs: integer(env, 'TESSERA_REPLICA_MAX_LAG_MS', 1_000, 0),
    checkIntervalMs: integer(env, 'TESSERA_REPLICA_CHECK_INTERVAL_MS', 500, 10),
    readsOnPrimary: boolean(env, 'TESSERA_REPLICA_READS_ON_PRIMARY'),
  };
}

function boolean(env: NodeJS.ProcessEnv, variable: string): boolean {
  const raw = env[variable]?.trim();
  if (!raw) return false;
  if (/^(true|1|on|yes)$/i.test(raw)) return true;
  if (/^(false|0|off|no)$/i.test(raw)) return false;
  throw new InvalidSettingError(variable, raw, 'must be true or false');
}

function integer(env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new InvalidSettingError(variable, raw, `must be an integer ≥ ${min}`);
  return value;
}
