/**
 * A fault-injection point for crash tests: when `TESSERA_OPS_PAUSE_AT` names this point, the process prints
 * `paused at <point> (pid N)` and stops there for good, so a test can kill it exactly there. A no-op otherwise.
 */
export async function pausePoint(point: string): Promise<void> {
  if (process.env.TESSERA_OPS_PAUSE_AT !== point) return;
  process.stdout.write(`paused at ${point} (pid ${process.pid})\n`);
  await new Promise(() => {});
}
