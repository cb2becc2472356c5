/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013): keeps the first and last point and, from each of
 * `threshold - 2` equal buckets, the point forming the largest triangle with the previous kept point and the next
 * bucket's average — the shape of a line survives with a few thousand of a million points. Hand-written: it is 40
 * lines, ECharts' own `sampling: 'lttb'` runs on every render (over the whole series), and the npm packages for it
 * are unmaintained.
 *
 * `xs` must be sorted ascending. Returns the indexes of the kept points, ascending.
 */
export function lttbIndexes(xs: ArrayLike<number>, ys: ArrayLike<number>, from: number, to: number, threshold: number): number[] {
  const length = to - from;
  if (threshold >= length || threshold < 3) return Array.from({ length }, (_, i) => from + i);
  const kept: number[] = [from];
  const bucketSize = (length - 2) / (threshold - 2);
  let a = from;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    // The next bucket's average point.
    const nextStart = from + Math.floor((bucket + 1) * bucketSize) + 1;
    const nextEnd = Math.min(to, from + Math.floor((bucket + 2) * bucketSize) + 1);
    let avgX = 0;
    let avgY = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      avgX += xs[i]!;
      avgY += ys[i]!;
    }
    const count = Math.max(1, nextEnd - nextStart);
    avgX /= count;
    avgY /= count;
    // This bucket's point with the largest triangle.
    const start = from + Math.floor(bucket * bucketSize) + 1;
    const end = from + Math.floor((bucket + 1) * bucketSize) + 1;
    const ax = xs[a]!;
    const ay = ys[a]!;
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs((ax - avgX) * (ys[i]! - ay) - (ax - xs[i]!) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    kept.push(best);
    a = best;
  }
  kept.push(to - 1);
  return kept;
}
