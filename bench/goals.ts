/**
 * The goals `npm run bench` judges against: every judged figure of every bench, in one table. A figure over
 * its goal is FAIL in the table and in docs/benchmarks.md, and makes the run exit 1.
 *
 * A goal is a promise to users, not a description of today's code: it moves only with a reason written in
 * its `why` (what was measured, where it was decided), never to make a run pass. A bar that moves with the
 * code cannot show a regression (issue 21: the bars had drifted to share ≤ 1.25×, ≤ 6 processes, 60 KB).
 *
 * To add a goal: a row here (id `BENCH/FIGURE`), then `judge('BENCH/FIGURE', value)` in the bench that
 * measures it, which gives the figure its target and its PASS/FAIL.
 */

export interface Goal {
  /** What is judged, as the docs' goals table names it. */
  measure: string;
  /** The figure must be at most this, or exactly this. */
  limit: { atMost: number } | { exactly: number };
  unit: 'ratio' | 'ms' | 'count' | 'bytes';
  /** Why this value: where it comes from, and the reason of every change. */
  why: string;
}

export const GOALS = {
  'share-latency/ratio': {
    measure: 'share() → links / the raw tmate sequence, ratio of medians (same run)',
    limit: { atMost: 1.1 },
    unit: 'ratio',
    why: 'Issue 21: 1.07× on 2026-12-01; what Pairbar adds to what tmate itself costs (a record, a socket check) must stay a tenth of it.',
  },
  'share-spawns/warm': {
    measure: 'processes per share() → links, from a runtime that knows its binaries (the app)',
    limit: { atMost: 3 },
    unit: 'count',
    why: 'Issue 21: 3 on 2026-12-01, as many as the raw sequence: resolve the session (tmux), start tmate, wait for ready and read the links (one call).',
  },
  'share-spawns/cold': {
    measure: 'processes per share() → links, from a new process (`pairbar share`), versions known from an earlier run',
    limit: { atMost: 4 },
    unit: 'count',
    why: 'Issue 21: the warm share plus finding tmux and tmate. The first run on a machine also checks each with `-V` once (fail closed: it must be tmux, tmate ≥ 2.4), then keeps the versions (known-versions.ts): that run is shown beside, not judged (2026-12-04: 5).',
  },
  'ui-bundle-size/code': {
    measure: 'renderer JS + CSS as built (minified), raw bytes',
    limit: { atMost: 30_000 },
    unit: 'bytes',
    why: 'Issue 21: 25.9 KB on 2026-12-01; a view library chosen for patching in place counts inside it. KB read as 1000 bytes.',
  },
  'cli-start/help': {
    measure: '`pairbar --help` / `node -e 0`, wall time, ratio of medians (same run)',
    limit: { atMost: 1.3 },
    unit: 'ratio',
    why: "Issue 8 item 9, kept by issue 21: the command adds under a third to Node's own start-up.",
  },
  'cli-start/status': {
    measure: '`pairbar status` with nothing shared / `node -e 0`, wall time, ratio of medians',
    limit: { atMost: 1.3 },
    unit: 'ratio',
    why: 'Issue 8 item 9, kept by issue 21: reads one empty directory, starts no process.',
  },
  'cli-start/status1': {
    measure: '`pairbar status` with one share / `node -e 0`, wall time, ratio of medians',
    limit: { atMost: 1.5 },
    unit: 'ratio',
    why: 'Issue 21: one share record, one tmate socket check and one `tmux list-clients` (issue 12) on top of the nothing-shared case.',
  },
  'cli-start/sessions': {
    measure: '`pairbar sessions` / `node -e 0`, wall time, ratio of medians',
    limit: { atMost: 1.5 },
    unit: 'ratio',
    why: "Issue 21: one `tmux list-sessions` per server on top of Node's start-up.",
  },
  'cli-start/packages': {
    measure: 'npm packages the command loads (each run: --help, status, sessions)',
    limit: { exactly: 0 },
    unit: 'count',
    why: 'Issue 8 item 9: neither execa nor conf at start-up; the bench lists the files each run loads.',
  },
  'sessions-listing/at-100': {
    measure: 'listServers() with 100 sessions, median',
    limit: { atMost: 30 },
    unit: 'ms',
    why: 'Issue 21 "keep": 15.2 ms on 2026-12-01, 10.9 ms on 2026-12-04; 30 ms leaves the popover\'s open well under 100 ms.',
  },
  'sessions-listing/growth': {
    measure: 'listServers() time(1000 sessions) / time(100 sessions)',
    limit: { atMost: 10 },
    unit: 'ratio',
    why: 'Linear growth at worst: ten times the sessions may cost ten times the time, not more.',
  },
  'sessions-listing/calls': {
    measure: 'tmux calls per server per listing',
    limit: { exactly: 1 },
    unit: 'count',
    why: 'One `list-sessions` per server carries every field the list shows.',
  },
  'ui-popover-warm/reshow': {
    measure: 'popover shown again → new session painted, median',
    limit: { atMost: 100 },
    unit: 'ms',
    why: 'Issue 21 "keep": 33 ms on 2026-12-01; 100 ms is where an open stops feeling immediate.',
  },
  'idle/spawns': {
    measure: 'processes the idle app spawns in 60 s, nothing shared, popover hidden',
    limit: { exactly: 0 },
    unit: 'count',
    why: 'Issue 21 "keep": an app in the menu bar costs nothing while nobody looks at it.',
  },
  'idle/timers': {
    measure: 'timer callbacks in the idle app in 60 s',
    limit: { exactly: 0 },
    unit: 'count',
    why: 'Issue 21 "keep": no polling; changes arrive as events.',
  },
  'idle/page': {
    measure: 'timer, animation-frame and idle callbacks in the hidden popover page in 60 s',
    limit: { exactly: 0 },
    unit: 'count',
    why: 'Issue 21 "keep": a hidden page does no work.',
  },
  'idle/tmate-left': {
    measure: 'tmate processes left after Stop Sharing',
    limit: { exactly: 0 },
    unit: 'count',
    why: 'Stopping a share ends its tmate, always.',
  },
} as const satisfies Record<string, Goal>;

export type GoalId = keyof typeof GOALS;

/** `value` in the goal's unit, as the tables print it. */
export function formatGoalValue(unit: Goal['unit'], value: number): string {
  if (unit === 'ratio') return `${Number.isInteger(value) ? value : value.toFixed(2)}×`;
  if (unit === 'ms') return `${value} ms`;
  if (unit === 'bytes') return `${value} bytes (${(value / 1000).toFixed(1)} KB)`;
  return String(value);
}

/** The goal as the results table's target column shows it: "≤ 1.10×", "= 0". */
export function targetText(id: GoalId): string {
  const goal: Goal = GOALS[id];
  return 'atMost' in goal.limit
    ? `≤ ${formatGoalValue(goal.unit, goal.limit.atMost)}`
    : `= ${formatGoalValue(goal.unit, goal.limit.exactly)}`;
}

/** The target and the PASS/FAIL of a figure measured as `value` (in the goal's unit), for a Figure. */
export function judge(id: GoalId, value: number): { goal: GoalId; target: string; pass: boolean } {
  const goal: Goal = GOALS[id];
  const pass = 'atMost' in goal.limit ? value <= goal.limit.atMost : value === goal.limit.exactly;
  return { goal: id, target: targetText(id), pass };
}

/** The goals as a Markdown table, with their reasons, for docs/benchmarks.md. */
export function goalsTable(): string[] {
  return [
    '| goal | measure | target | why |',
    '|---|---|---|---|',
    ...(Object.entries(GOALS) as Array<[GoalId, Goal]>).map(
      ([id, goal]) =>
        `| \`${id}\` | ${goal.measure.replaceAll('|', '\\|')} | ${targetText(id)} | ${goal.why.replaceAll('|', '\\|')} |`,
    ),
  ];
}
