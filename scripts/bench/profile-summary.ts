/**
 * Summarizes V8 .cpuprofile files (from `--cpu-prof`) as the functions with the most self time, so a low ratio
 * can be explained in words without opening DevTools:
 *   node --import tsx scripts/bench/profile-summary.ts DIR_OR_FILE... [--top 15]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function topSelfTime(profile: Profile, top: number): Array<{ name: string; ms: number; share: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${basename(url)}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'} ${where}`.trim();
    selfMicros.set(name, (selfMicros.get(name) ?? 0) + delta);
  });
  return [...selfMicros.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => ({ name, ms: micros / 1000, share: micros / total }));
}

function profileFiles(paths: string[]): string[] {
  return paths.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => name.endsWith('.cpuprofile'))
          .map((name) => join(path, name))
      : [path],
  );
}

if (process.argv[1] && /profile-summary\.(ts|js)$/.test(process.argv[1])) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 15;
  for (const file of profileFiles(args)) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const totalMs = profile.timeDeltas.reduce((sum, d) => sum + d, 0) / 1000;
    process.stdout.write(`\n${basename(file)} — ${totalMs.toFixed(0)} ms sampled\n`);
    for (const { name, ms, share } of topSelfTime(profile, top)) {
      process.stdout.write(`${ms.toFixed(0).padStart(8)} ms ${(share * 100).toFixed(1).padStart(5)}%  ${name}\n`);
    }
  }
}
