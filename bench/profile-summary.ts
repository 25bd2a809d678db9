/**
 * Where a V8 CPU profile (from `npm run bench -- --profile`) spent its time:
 * self time by area of the code and by function, and inclusive time of the
 * heaviest functions. `node scripts/run-ts.mjs bench/profile-summary.ts <file.cpuprofile>`
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[3];
if (!file) throw new Error('usage: bench/profile-summary.ts <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

// Self time of each node, in µs: each sample's delta goes to the node it hit.
const self = new Map<number, number>();
profile.samples.forEach((id, i) =>
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const sampled = [...self.values()].reduce((a, b) => a + b, 0);
// Shares are of busy time: waiting for I/O in the event loop is not work.
const idle = [...self].reduce(
  (sum, [id, time]) =>
    byId.get(id)?.callFrame.functionName === '(idle)' ? sum + time : sum,
  0,
);
const total = sampled - idle;

function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(packages\/[^/]+|apps\/[^/]+)\//.exec(url);
  if (own) return own[1]!;
  return url.startsWith('node:') ? 'node internals' : url;
}
const label = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? ` ${url.replace(/^.*\/(packages|apps|node_modules)\//, '$1/')}:${lineNumber + 1}`
    : '';
  return `${functionName || '(anonymous)'}${where}`;
};

// Inclusive time per function, counting each function once per stack.
const inclusive = new Map<string, number>();
function walk(id: number, onStack: Set<string>): number {
  const node = byId.get(id)!;
  let sum = self.get(id) ?? 0;
  const key = label(node);
  const first = !onStack.has(key);
  if (first) onStack.add(key);
  for (const child of node.children ?? []) sum += walk(child, onStack);
  if (first) {
    onStack.delete(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
  }
  return sum;
}
walk(profile.nodes[0]!.id, new Set());

const areas = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, time] of self) {
  const node = byId.get(id)!;
  const name = area(node.callFrame.url, node.callFrame.functionName);
  areas.set(name, (areas.get(name) ?? 0) + time);
  functions.set(label(node), (functions.get(label(node)) ?? 0) + time);
}

const share = (time: number): string =>
  `${((100 * time) / total).toFixed(1).padStart(5)}%`;
function print(title: string, entries: Map<string, number>, limit: number): void {
  process.stdout.write(`\n${title}\n`);
  const top = [...entries]
    .filter(([name]) => !name.startsWith('(idle)') && name !== '(root)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit);
  for (const [name, time] of top) process.stdout.write(`${share(time)}  ${name}\n`);
}
process.stdout.on('error', () => process.exit(0));
process.stdout.write(
  `${(sampled / 1e6).toFixed(1)} s sampled, ${(total / 1e6).toFixed(1)} s busy; shares are of busy time\n`,
);
print('self time by area', areas, 20);
print('self time by function', functions, 30);
print('inclusive time by function', inclusive, 40);
