/**
 * Sums a V8 .cpuprofile (from `node --cpu-prof`) by function and prints the top entries by self
 * time and by total time (a function's time including what it calls, counted once per sample
 * however deep it recurses).
 *
 *   node --import tsx bench/cpuprofile-top.ts <file.cpuprofile> [how many, default 25]
 */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const [file, count = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpuprofile-top.ts <file.cpuprofile> [count]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const nameOf = (n: Node) => {
  const f = n.callFrame;
  const where = f.url ? f.url.replace(/^.*\/node_modules\//, '~/').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/') : '';
  return `${f.functionName || '(anonymous)'} ${where}${where ? `:${f.lineNumber + 1}` : ''}`;
};

const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  all += dt;
  const leaf = byId.get(id)!;
  self.set(nameOf(leaf), (self.get(nameOf(leaf)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let n: Node | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) {
    const name = nameOf(n);
    if (seen.has(name)) continue;
    seen.add(name);
    total.set(name, (total.get(name) ?? 0) + dt);
  }
});

const print = (title: string, table: Map<string, number>) => {
  console.log(`\n${title} (of ${(all / 1000).toFixed(0)} ms sampled)`);
  for (const [name, us] of [...table].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
    console.log(`${((us / all) * 100).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
};
print('Self time', self);
print('Total time', total);
