/**
 * The soak's live-heap rule (scripts/soak/memory-invariant.ts) against the quiet points of two real 30-minute runs
 * (docs/reliability.md, "The afternoon's 30-minute runs"): run 2, whose live heap leaked 18 → 54 MiB (dead workers kept
 * by comlink's FinalizationRegistry), must fail it; run 3, on the fix, must pass.
 */
import { describe, expect, it } from 'vitest';
import { checkMemoryCeilings, checkMemoryTrend, type MemorySample } from '../../../scripts/soak/memory-invariant.js';
import type { Soak } from '../../../scripts/soak/soak-context.js';

const MiB = 1024 * 1024;
const RUN2_HEAP_MIB = '18.0 19.5 20.8 21.4 22.2 22.9 24.0 24.6 25.0 25.4 26.1 26.8 27.2 27.9 28.5 29.2 29.7 30.3 30.5 31.1 31.6 32.3 33.5 33.8 34.7 35.4 35.9 36.4 37.1 37.4 37.8 38.5 39.5 40.1 40.9 41.7 42.3 42.8 43.3 44.2 44.6 45.5 46.0 46.4 46.9 47.3 47.8 49.3 49.6 49.7 52.6 51.0 51.5 52.0 52.6 53.3 53.5';
const RUN3_HEAP_MIB = '17.3 17.9 18.1 18.3 18.6 18.5 18.6 18.8 19.2 18.8 18.8 18.9 18.9 19.0 18.9 19.0 19.0 20.4 19.0 19.0 19.6 19.1 19.3 19.1 19.1 19.2 19.1 19.1 19.2 19.2 19.3 19.2 19.2 19.3 19.3 19.3 19.3 19.5 19.3 19.3 19.4 19.3 19.3 19.3 19.3 19.7 19.4 19.4 19.4 19.5 19.5 19.4 19.4 19.5 19.6 19.5 19.5';

function judge(heapMiB: string): string[] {
  const reports: string[] = [];
  const soak = { report: (invariant: string) => reports.push(invariant) } as unknown as Soak;
  // RSS held flat at 400 MiB: only the heap is on trial here.
  const samples: MemorySample[] = heapMiB.split(' ').map((h) => ({ rss: 400 * MiB, heapUsed: Number(h) * MiB }));
  for (const sample of samples) checkMemoryCeilings(soak, sample, samples[0]!);
  checkMemoryTrend(soak, samples);
  return reports;
}

describe('the live-heap rule on real runs', () => {
  it('fails the run that leaked dead workers (+0.65 MiB a phase)', () => {
    expect(judge(RUN2_HEAP_MIB)).toEqual(['main heap does not trend up']);
  });

  it('passes the run on the fix (17.3 → 19.5 MiB: warm-up, no trend)', () => {
    expect(judge(RUN3_HEAP_MIB)).toEqual([]);
  });
});
