import { cpus } from 'node:os';
import { describe, expect, test } from 'vitest';
import { loadLine, machineLine, percentiles } from '../src/index.ts';

describe('benchmark report helpers', () => {
  test('percentiles gives the nearest-rank median and p95, whatever the order of the sample', () => {
    expect(percentiles([5, 1, 4, 2, 3])).toEqual({ median: 3, p95: 5 });
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(hundred)).toEqual({ median: 50, p95: 95 });
    expect(percentiles([7])).toEqual({ median: 7, p95: 7 });
    expect(percentiles([])).toEqual({ median: Number.NaN, p95: Number.NaN });
  });

  test('machineLine names the CPU, its cores and the memory; loadLine the three load averages', () => {
    const model = cpus()[0]?.model.trim() ?? 'cpu';
    const line = machineLine();
    expect(line.startsWith(`${model}, ${cpus().length} cores, `)).toBe(true);
    expect(line).toMatch(/ cores, \d+\.\d GiB$/);
    expect(loadLine()).toMatch(/^\d+\.\d\d \d+\.\d\d \d+\.\d\d$/);
  });
});
