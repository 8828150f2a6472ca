import { copyOnClient, copyLine as kernelCopyLine, copyValue as kernelCopyValue } from '@tessera/kernel';
import type pg from 'pg';

/** Escapes one value for COPY's text format; `null` becomes `\N` (the kernel's one COPY encoder). */
export function copyValue(value: string | number | null): string {
  return kernelCopyValue(value);
}

/** One COPY text-format line (tab-separated, newline-terminated). */
export function copyLine(values: readonly (string | number | null)[]): string {
  return kernelCopyLine(values);
}

/**
 * Streams text-format lines into `COPY <target> FROM STDIN` on this client through the kernel's COPY writer
 * (chunked, with backpressure). `target` is a table with an optional column list. `midway`, when given, is awaited
 * once the COPY is under way and before it ends (a point a fault test can stop the process at).
 */
export async function copyInto(
  client: pg.ClientBase,
  target: string,
  lines: readonly string[],
  midway?: () => void | Promise<void>,
): Promise<void> {
  if (lines.length === 0) return;
  async function* paused() {
    for (let i = 0; i < lines.length; i++) {
      yield lines[i] as string;
      if (i === 0 && midway) await midway();
    }
  }
  await copyOnClient(client, target, [], midway ? paused() : lines);
}
