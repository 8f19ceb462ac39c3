// node bench/profile.mjs FILE.cpuprofile [--top N] [--from S] [--to S]
// Where the server's main thread spent its time: a per-second busy timeline (to pick the window
// under load), then self time by package and by function within [from, to] seconds.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
});
const [file] = positionals;
if (!file) {
  console.error('usage: node bench/profile.mjs FILE.cpuprofile [--top N] [--from S] [--to S]');
  process.exit(1);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const idle = new Set(
  profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
);

// Sample times in seconds from the start of the profile.
const times = [];
let t = 0;
for (const delta of profile.timeDeltas) {
  t += delta;
  times.push(t / 1e6);
}
const seconds = Math.ceil(times.at(-1) ?? 0);
const busy = Array.from({ length: seconds }, () => [0, 0]);
profile.samples.forEach((id, i) => {
  const slot = busy[Math.min(seconds - 1, Math.floor(times[i]))];
  slot[1]++;
  if (!idle.has(id)) slot[0]++;
});
console.log(`${file}\nbusy % of the main thread, per second:`);
console.log(busy.map(([b, n], s) => `${s}:${n ? Math.round((b / n) * 100) : 0}`).join(' '));

const from = Number(args.from ?? 0);
const to = Number(args.to ?? Infinity);
const where = ({ callFrame: { url } }) => {
  if (!url) return '(native/idle/gc)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.includes('/dist/')) return 'app (dist)';
  if (url.startsWith('node:')) return 'node core';
  return url;
};
const byFunction = new Map();
const byPackage = new Map();
let total = 0;
let ms = 0;
profile.samples.forEach((id, i) => {
  if (times[i] < from || times[i] > to) return;
  const node = nodes.get(id);
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + dt);
  byPackage.set(where(node), (byPackage.get(where(node)) ?? 0) + dt);
  total += dt;
  if (!idle.has(id)) ms += dt;
});
const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, value] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) {
    console.log(
      `${((value / total) * 100).toFixed(1).padStart(5)}%  ${value.toFixed(0).padStart(6)} ms  ${key}`,
    );
  }
};
console.log(
  `\nwindow ${from}–${Math.min(to, seconds)} s: ${(total / 1000).toFixed(1)} s, main thread busy ${(ms / 1000).toFixed(1)} s`,
);
show('self time by package', byPackage);
show('self time by function', byFunction);
