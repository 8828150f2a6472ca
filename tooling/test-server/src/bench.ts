import { cpus, loadavg, totalmem } from 'node:os';

/** Median and p95 of a sample (nearest rank), in the sample's unit. */
export function percentiles(samples: readonly number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95) };
}

/** The machine a benchmark ran on, for its report: CPU model, cores, memory. */
export function machineLine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'cpu'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
}

/** The 1, 5 and 15 minute load averages: a ratio measured on a busy machine says less, so reports print them. */
export function loadLine(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
