/**
 * The soak's memory invariant (docs/reliability.md, "Soak"): a leak is growth that does not come back, so memory is
 * judged on what stays, not on any one quiet point.
 *
 * The supervisor's RSS is not a leak detector on its own: the thread-isolated workers (pg, mysql, faulty-thread) live in
 * its process, each with a V8 heap that grows into the streams it last served, and glibc keeps freed malloc arenas
 * rather than returning them. In the 30-minute run (seed 20261130) RSS at quiet points climbed from a 219 MiB baseline
 * to 395 MiB and fell back to 229 MiB, while the main JS heap stayed 27–85 MiB with no trend. So:
 * - the main heap must stay under a ceiling. It is read after a full GC (debug.dumpState with collectGarbage; the soak
 *   starts the bridge with --expose-gc), so it is the live heap: read without one, as the first runs did, it included
 *   garbage not yet collected, which on a faster machine (more rows a second between collections) once passed the
 *   ceiling at two quiet points while the next ones fell back to 64 and 48 MiB — docs/reliability.md;
 * - RSS must stay under a loose ceiling that only runaway growth passes;
 * - at the end, neither may trend: the last third of the quiet points must not all sit above the highest of the first
 *   third by more than a margin (judged from 15 quiet points on). A steady leak of a few MiB a minute does that within a 30-minute soak; the swings
 *   above, which come back, do not.
 */
import type { Soak } from './soak-context.js';

const MiB = 1024 * 1024;
/** RSS at a quiet point: ≤ 2 × baseline + 128 MiB (566 MiB for the 219 MiB baseline; the 30-minute run peaked at 435). */
export const RSS_CEILING = { factor: 2, bytes: 128 * MiB };
/** Live main heap at a quiet point: ≤ baseline + 48 MiB (the live heap reads 17–19 MiB over a 30-minute run). */
export const HEAP_CEILING_BYTES = 48 * MiB;
/** Trend margins: how far above the first third's highest every quiet point of the last third may be. */
export const RSS_TREND_MARGIN_BYTES = 96 * MiB;
/**
 * Margin for the live heap's trend. Read after a GC the heap is steady to a MiB or two, so 8 MiB catches what the
 * garbage-included reading (±60 MiB) hid: a 30-minute run whose live heap rose 18 → 54 MiB (dead workers kept by
 * comlink's FinalizationRegistry: first third's highest 30 MiB, last third's lowest 43 MiB).
 */
export const HEAP_TREND_MARGIN_BYTES = 8 * MiB;
/**
 * Fewer quiet points than this say nothing about a trend: a third of them would be warm-up against the end (a
 * 5-minute soak's 8 quiet points rose 231 → 389 MiB while pools and driver heaps filled). 15 is 7.5 minutes of
 * 30-second phases; the 30-minute soak has 41.
 */
const TREND_MIN_POINTS = 15;

export interface MemorySample {
  rss: number;
  heapUsed: number;
}

/** Each quiet point against the baseline: only runaway growth fails here, slow growth is the trend check's. */
export function checkMemoryCeilings(soak: Soak, sample: MemorySample, baseline: MemorySample): void {
  const rssLimit = RSS_CEILING.factor * baseline.rss + RSS_CEILING.bytes;
  if (sample.rss > rssLimit) soak.report('RSS under its ceiling', `supervisor RSS ${mib(sample.rss)} at a quiet point, baseline ${mib(baseline.rss)}, ceiling ${mib(rssLimit)}`);
  const heapLimit = baseline.heapUsed + HEAP_CEILING_BYTES;
  if (sample.heapUsed > heapLimit) soak.report('main heap under its ceiling', `supervisor main heap ${mib(sample.heapUsed)} at a quiet point, baseline ${mib(baseline.heapUsed)}, ceiling ${mib(heapLimit)}`);
}

/** At the end of the soak: memory that rose and never came back down. */
export function checkMemoryTrend(soak: Soak, samples: readonly MemorySample[]): void {
  if (samples.length < TREND_MIN_POINTS) return;
  const third = Math.floor(samples.length / 3);
  const first = samples.slice(0, third);
  const last = samples.slice(samples.length - third);
  for (const [what, key, margin] of [['RSS', 'rss', RSS_TREND_MARGIN_BYTES], ['main heap', 'heapUsed', HEAP_TREND_MARGIN_BYTES]] as const) {
    const earlyHigh = Math.max(...first.map((s) => s[key]));
    const lateLow = Math.min(...last.map((s) => s[key]));
    if (lateLow > earlyHigh + margin) {
      soak.report(`${what} does not trend up`, `every one of the last ${third} quiet points has ${what} above ${mib(earlyHigh + margin)} (the first ${third}'s highest ${mib(earlyHigh)} + ${mib(margin)}); lowest of them ${mib(lateLow)}`);
    }
  }
}

export const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
