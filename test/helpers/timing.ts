import { performance } from 'node:perf_hooks';
import type { InjectOptions } from 'fastify';
import type { TestApp } from './app.js';

/** One kind of request and the status every answer to it must have (a 429 would time nothing). */
export interface RequestKind {
  request: () => InjectOptions;
  status: number;
}

export interface TimingComparison {
  /** Two-sided p-value of the Mann–Whitney U test (normal approximation, ties corrected). */
  p: number;
  /** Median answer time of kind A, in milliseconds. */
  medianA: number;
  medianB: number;
}

/**
 * Times `pairs` requests of each kind through `inject`, interleaved A,B,B,A,A,B,B,A…, so that
 * drift (JIT, caches, a busy machine) and whatever work a request leaves behind fall on both
 * kinds alike, and compares the two samples with a rank test (no assumption of a distribution).
 */
export async function compareTimings(
  t: TestApp,
  a: RequestKind,
  b: RequestKind,
  { pairs = 150, warmUp = 10 } = {},
): Promise<TimingComparison> {
  const time = async (kind: RequestKind): Promise<number> => {
    const started = performance.now();
    const response = await t.request(kind.request());
    const elapsed = performance.now() - started;
    if (response.statusCode !== kind.status) {
      throw new Error(`expected ${kind.status}, got ${response.statusCode}: ${response.body}`);
    }
    return elapsed;
  };
  for (let i = 0; i < warmUp; i++) await time(i % 2 ? b : a);
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const [first, second] = i % 2 ? [b, a] : [a, b];
    const firstTime = await time(first);
    const secondTime = await time(second);
    timesA.push(first === a ? firstTime : secondTime);
    timesB.push(first === a ? secondTime : firstTime);
  }
  return { p: mannWhitneyP(timesA, timesB), medianA: median(timesA), medianB: median(timesB) };
}

/**
 * A tell: the kinds differ significantly (p < alpha) and materially (medians further apart than
 * max(0.5 ms, 10% of the smaller median)), so noise on a busy machine alone does not count.
 */
export function isTimingTell({ p, medianA, medianB }: TimingComparison, alpha = 0.01): boolean {
  const floor = Math.max(0.5, 0.1 * Math.min(medianA, medianB));
  return p < alpha && Math.abs(medianA - medianB) > floor;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Two-sided p of the Mann–Whitney U test: average ranks for ties, continuity-corrected z. */
export function mannWhitneyP(xs: number[], ys: number[]): number {
  const n1 = xs.length;
  const n2 = ys.length;
  const n = n1 + n2;
  const all = [
    ...xs.map((value) => ({ value, x: true })),
    ...ys.map((value) => ({ value, x: false })),
  ];
  all.sort((left, right) => left.value - right.value);
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.value === all[i]!.value) j++;
    const rank = (i + j) / 2 + 1; // ranks i+1 … j+1 share their average
    for (let k = i; k <= j; k++) if (all[k]!.x) rankSumX += rank;
    const tied = j - i + 1;
    tieTerm += tied ** 3 - tied;
    i = j + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance === 0) return 1;
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * (1 - normalCdf(z)));
}

/** Φ(z) for z ≥ 0, from erf (Abramowitz & Stegun 7.1.26, absolute error below 1.5e-7). */
function normalCdf(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return 0.5 * (1 + (1 - poly * Math.exp(-x * x)));
}
