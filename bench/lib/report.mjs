// @ts-check
// The report: medians over rounds, the targets, and the printed tables.

/** @typedef {import('./scenarios.mjs').Figures & { cpuMsPerRequest?: { main: number, all: number }, verifyMs?: number, limitPerSecond?: number, parallelPerSecond?: number }} Round */
/** @typedef {{ label: string, rounds: Round[], rssPeakMb: number, summary?: any, loginSummary?: any }} Result */
/** @typedef {{ name: string, figure: number | undefined, shown: string, pass: boolean | undefined }} Target */

/** @param {number[]} values */
export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((x, y) => x - y);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** @param {number[]} values */
const spread = (values) => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
});

/** Median, min and max over the rounds of each figure, and the failure counts summed. @param {Round[]} rounds */
export function summarize(rounds) {
  /** @param {'requests' | 'errors' | 'timeouts' | 'non2xx'} key */
  const sum = (key) => rounds.reduce((total, r) => total + r[key], 0);
  return {
    rps: spread(rounds.map((r) => r.rps)),
    p50: spread(rounds.map((r) => r.p50)),
    p99: spread(rounds.map((r) => r.p99)),
    cpuMsPerRequest: {
      main: median(rounds.map((r) => r.cpuMsPerRequest?.main)),
      all: median(rounds.map((r) => r.cpuMsPerRequest?.all)),
    },
    requests: sum('requests'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    non2xx: sum('non2xx'),
  };
}

/**
 * Per-round ratio of two scenarios' throughput, so both figures come from the same moment.
 * @param {Record<string, Result>} results @param {string} top @param {string} bottom
 */
function roundRatio(results, top, bottom) {
  const a = results[top]?.rounds;
  const b = results[bottom]?.rounds;
  if (!a || !b) return undefined;
  return median(a.map((r, i) => r.rps / b[i].rps));
}

/**
 * The targets, each with its figure and whether it holds (undefined: not measured).
 * @param {{ results: Record<string, Result>, coldStart: any, memory: any }} build @returns {Target[]}
 */
export function targets({ results, coldStart, memory }) {
  /** @type {Target[]} */
  const list = [];
  /** @param {string} name @param {number | undefined} figure @param {string} shown @param {boolean | undefined} pass */
  const add = (name, figure, shown, pass) => list.push({ name, figure, shown, pass });
  /** @param {number | undefined} ratio */
  const percent = (ratio) => (ratio === undefined ? 'n/a' : `${(ratio * 100).toFixed(0)}%`);

  // The cost of a request: throughput as a fraction of the bare Nest + Fastify app's, same round.
  for (const [name, label, floor] of /** @type {const} */ ([
    ['health', '/health', 0.7],
    ['me', '/auth/me', 0.4],
  ])) {
    const ratio = roundRatio(results, name, 'floor');
    add(
      `${label} throughput >= ${floor * 100}% of the bare app`,
      ratio,
      percent(ratio),
      ratio === undefined ? undefined : ratio >= floor,
    );
  }

  const me = roundRatio(results, 'me', 'health');
  add(
    '/auth/me throughput >= 60% of /health',
    me,
    percent(me),
    me === undefined ? undefined : me >= 0.6,
  );

  // Each round's logins/s against cores ÷ one verify timed just before, in that round.
  const rounds = results.login?.rounds;
  const login = rounds && median(rounds.map((r) => r.rps / r.limitPerSecond));
  const limit = rounds && median(rounds.map((r) => r.limitPerSecond));
  add(
    'login throughput >= 90% of the argon2 limit',
    login,
    login === undefined ? 'n/a' : `${(login * 100).toFixed(0)}% of ${limit.toFixed(1)}/s`,
    login === undefined ? undefined : login >= 0.9,
  );

  const storm = results.storm?.summary.p99.median;
  add(
    '/health p99 < 50 ms during the login storm',
    storm,
    storm === undefined ? 'n/a' : `${storm.toFixed(1)} ms`,
    storm === undefined ? undefined : storm < 50,
  );

  for (const kind of ['list', 'search']) {
    const ratio = roundRatio(results, `${kind}-small`, `${kind}-large`);
    add(
      `${kind} at the large dataset within 3x of the small one`,
      ratio,
      ratio === undefined ? 'n/a' : `${ratio.toFixed(1)}x slower`,
      ratio === undefined ? undefined : ratio <= 3,
    );
  }

  add(
    'cold start < 1.5 s',
    coldStart.median,
    `${coldStart.median.toFixed(0)} ms`,
    coldStart.median < 1500,
  );
  add('RSS idle < 150 MB', memory.idleMb, `${memory.idleMb.toFixed(0)} MB`, memory.idleMb < 150);

  const failures = Object.values(results).reduce(
    (total, r) =>
      total +
      r.summary.errors +
      r.summary.non2xx +
      (r.loginSummary ? r.loginSummary.errors + r.loginSummary.non2xx : 0),
    0,
  );
  add('no errors or non-2xx answers', failures, `${failures}`, failures === 0);
  return list;
}

/** @param {number | undefined} n @param {number} [digits] */
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
/** @param {{ median: number, min: number, max: number }} s @param {number} [digits] */
const range = (s, digits) =>
  `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

/** @param {string[]} header @param {(string | number)[][]} rows */
function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  /** @param {(string | number)[]} cells */
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

/** The results as Markdown tables (printed, and pasted into docs/performance.md). @param {any} build */
export function render({ results, argon2, coldStart, memory, goals, machine, config }) {
  const rows = Object.values(results).map((r) => [
    r.label,
    range(r.summary.rps, 0),
    range(r.summary.p50, 1),
    range(r.summary.p99, 1),
    r.summary.errors + r.summary.timeouts,
    r.summary.non2xx,
    `${fmt(r.summary.cpuMsPerRequest.main, 2)} / ${fmt(r.summary.cpuMsPerRequest.all, 2)}`,
  ]);
  const scenarioTable = table(
    [
      'scenario',
      'req/s median (min–max)',
      'p50 ms',
      'p99 ms',
      'errors',
      'non-2xx',
      'server CPU ms/req: loop / all',
    ],
    rows,
  );
  const login = results.storm?.loginSummary;
  const extra = table(
    ['measure', 'value'],
    [
      [
        'argon2id verify (one, this machine)',
        `${fmt(argon2.verifyMs.median, 1)} ms median (${fmt(argon2.verifyMs.min, 1)}–${fmt(argon2.verifyMs.max, 1)}), m=${argon2.params.memoryCost} KiB t=${argon2.params.timeCost} p=${argon2.params.parallelism}`,
      ],
      [
        'argon2 limit (cores ÷ one verify)',
        `${fmt(argon2.limitPerSecond, 1)} logins/s (${argon2.cores} cores); ${fmt(argon2.parallelPerSecond, 1)}/s measured with ${argon2.cores} verifies at once`,
      ],
      [
        'argon2id in each login round: one verify; all cores at once',
        results.login
          ? results.login.rounds
              .map(
                (r) =>
                  `${fmt(r.verifyMs, 1)} ms (limit ${fmt(r.limitPerSecond, 0)}/s); ${fmt(r.parallelPerSecond, 0)}/s`,
              )
              .join(' · ')
          : '-',
      ],
      [
        'logins/s against all cores hashing at once',
        results.login
          ? `${fmt(median(results.login.rounds.map((r) => (r.rps / r.parallelPerSecond) * 100)), 0)}% (median of rounds)`
          : '-',
      ],
      ['logins/s during the storm', login ? range(login.rps, 1) : '-'],
      [
        'cold start to first 200 on /health',
        `${fmt(coldStart.median, 0)} ms median (${fmt(coldStart.min, 0)}–${fmt(coldStart.max, 0)}), ${coldStart.samples.length} starts; first start with migrations ${fmt(coldStart.firstBootMs, 0)} ms`,
      ],
      [
        'RSS idle (small / large dataset server)',
        `${fmt(memory.idleMb, 0)} MB / ${fmt(memory.idleLargeMb, 0)} MB`,
      ],
      [
        'RSS peak under load (small / large)',
        `${fmt(memory.peakMb, 0)} MB / ${fmt(memory.peakLargeMb, 0)} MB`,
      ],
      [
        'RSS idle after the run (small / large)',
        `${fmt(memory.idleAfterMb, 0)} MB / ${fmt(memory.idleAfterLargeMb, 0)} MB`,
      ],
    ],
  );
  const goalTable = table(
    ['target', 'measured', 'result'],
    goals.map((g) => [
      g.name,
      g.shown,
      g.pass === undefined ? 'not run' : g.pass ? 'pass' : 'FAIL',
    ]),
  );
  const load = machine.loadAtStart?.loadavg?.[0];
  const about =
    `${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.os}, ${machine.date.slice(0, 10)}; ` +
    `${config.database}, ${config.rounds} rounds × ${config.duration} s, ${config.connections} connections` +
    (load === undefined ? '' : `; load average ${load} at the start`);
  return `${about}\n\n${scenarioTable}\n\n${extra}\n\n${goalTable}\n`;
}

/**
 * Current against baseline, scenario by scenario and target by target (the same run, same noise).
 * @param {any} current @param {any} baseline
 */
export function compare(current, baseline) {
  /** @param {number} now @param {number} before */
  const change = (now, before) =>
    Number.isFinite(now / before)
      ? `${now >= before ? '+' : ''}${(((now - before) / before) * 100).toFixed(0)}%`
      : '-';
  const rows = Object.entries(current.results).map(([name, r]) => {
    const b = baseline.results[name];
    return [
      r.label,
      `${fmt(b.summary.rps.median, 0)} → ${fmt(r.summary.rps.median, 0)}`,
      change(r.summary.rps.median, b.summary.rps.median),
      `${fmt(b.summary.p99.median, 1)} → ${fmt(r.summary.p99.median, 1)}`,
      `${fmt(b.summary.cpuMsPerRequest.main, 2)} → ${fmt(r.summary.cpuMsPerRequest.main, 2)}`,
    ];
  });
  const goals = current.goals.map((g, i) => {
    const b = baseline.goals[i];
    const verdict = (goal) => (goal.pass === undefined ? 'not run' : goal.pass ? 'pass' : 'FAIL');
    return [g.name, `${b.shown} (${verdict(b)})`, `${g.shown} (${verdict(g)})`];
  });
  return `${table(['scenario', 'req/s baseline → current', 'change', 'p99 ms', 'server CPU ms/req (loop)'], rows)}\n\n${table(['target', 'baseline', 'current'], goals)}\n`;
}
