/**
 * The way figures reach the docs: the tests and the bench leave them in test-output/, `npm run docs` puts
 * them into docs/reliability.md and docs/benchmarks.md, keeping the hand-written text; a bench figure over
 * its goal (bench/goals.ts) is FAIL there, and a run in which a bench crashed is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GOALS, goalsTable, judge, type GoalId } from '../../bench/goals.ts';
import { mergeRecord, writeBenchDocs, type Outcome, type RunInfo, type RunRecord } from '../../bench/lib/report.ts';
import { recordReliability, writeReliabilityDocs } from '../support/reliability.ts';

const dir = mkdtempSync(join(tmpdir(), 'pairbar-figures-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('npm run docs puts what the tests left into docs/reliability.md, keeping every hand-written line', () => {
  const doc = join(dir, 'reliability.md');
  const output = join(dir, 'reliability-output');
  const handWritten = [
    '# Reliability',
    '',
    'Written by hand: the attacks we thought of.',
    '',
    '## Attacks',
    '',
    '- a session named `$(rm -rf ~)`',
    '',
  ];
  writeFileSync(
    doc,
    [
      ...handWritten,
      '## Faults',
      '',
      '<!-- reliability:faults -->',
      'old faults table',
      '<!-- /reliability:faults -->',
      '',
      '## Soak',
      '',
      '<!-- reliability:soak -->',
      'old soak table',
      '<!-- /reliability:soak -->',
      '',
      'A note after the figures, by hand.',
      '',
    ].join('\n'),
  );
  recordReliability('faults', '| fault | time |\n|---|---|\n| tmate killed | 0.2 s |', output);

  const { written, missing } = writeReliabilityDocs(doc, output);
  const text = readFileSync(doc, 'utf8');
  assert.deepEqual(
    written.map((entry) => entry.section),
    ['faults'],
  );
  assert.ok(missing.includes('soak'), 'the soak section, not run, is reported as kept');
  assert.ok(text.startsWith(handWritten.join('\n')), 'the hand-written part before the figures is unchanged');
  assert.ok(
    text.endsWith('A note after the figures, by hand.\n'),
    'the hand-written part after the figures is unchanged',
  );
  assert.match(
    text,
    /<!-- reliability:faults -->\n\| fault \| time \|\n\|---\|---\|\n\| tmate killed \| 0\.2 s \|\n<!-- \/reliability:faults -->/,
  );
  assert.doesNotMatch(text, /old faults table/);
  assert.match(
    text,
    /<!-- reliability:soak -->\nold soak table\n<!-- \/reliability:soak -->/,
    'a section no test left is kept as it was',
  );
});

test('every bench goal has its reason beside it, and a figure over its goal is FAIL', () => {
  for (const [id, goal] of Object.entries(GOALS))
    assert.ok(goal.why.length >= 30, `${id} says why its value is what it is`);
  assert.deepEqual(judge('share-latency/ratio', 1.1), { goal: 'share-latency/ratio', target: '≤ 1.10×', pass: true });
  assert.equal(judge('share-latency/ratio', 1.11).pass, false);
  assert.equal(judge('share-spawns/warm', 4).pass, false);
  assert.equal(judge('idle/spawns', 1).pass, false);
  assert.equal(judge('idle/spawns', 0).pass, true);
});

const info = (date: string, load: [number, number] = [0.4, 0.6]): RunInfo => ({
  date,
  node: 'v20.0.0',
  tmux: 'tmux 3.3a',
  tmate: 'tmate 2.4.0',
  cpus: '2 CPUs (test)',
  seconds: 170,
  load,
});
const outcome = (id: string, figure: string, value: number, goal: GoalId): Outcome => ({
  entry: { id, title: `${id} title`, method: `How ${id} measures.` },
  result: { figures: [{ name: figure, value: String(value), ...judge(goal, value) }] },
  seconds: 1,
});

test('npm run docs writes docs/benchmarks.md from the kept run: FAIL shown, the load printed, the goals with their reasons, hand-written text kept', async () => {
  const doc = join(dir, 'benchmarks.md');
  writeFileSync(
    doc,
    '# Benchmarks\n\nBy hand.\n\n<!-- bench:results:start -->\nold\n<!-- bench:results:end -->\n\nAlso by hand.\n',
  );
  const record: RunRecord = {
    info: info('2026-12-04T21:40:00.000Z', [1.6, 0.5]),
    outcomes: [
      outcome('share-latency', 'share() / raw', 1.2, 'share-latency/ratio'),
      outcome('share-spawns', 'warm', 3, 'share-spawns/warm'),
    ],
    goals: goalsTable(),
  };
  await writeBenchDocs(doc, record);
  const text = readFileSync(doc, 'utf8');
  assert.ok(text.startsWith('# Benchmarks\n\nBy hand.\n\n<!-- bench:results:start -->'));
  assert.ok(text.endsWith('<!-- bench:results:end -->\n\nAlso by hand.\n'));
  assert.match(text, /\| share-latency \| share\(\) \/ raw \| 1\.2 \| ≤ 1\.10× \| \*\*FAIL\*\* \|/);
  assert.match(text, /\| share-spawns \| warm \| 3 \| ≤ 3 \| PASS \|/);
  assert.match(text, /load average 1\.6 at the start, 0\.5 at the end · 1 PASS · 1 FAIL/);
  assert.ok(
    text.includes(
      `| \`share-latency/ratio\` | ${GOALS['share-latency/ratio'].measure} | ≤ 1.10× | ${GOALS['share-latency/ratio'].why} |`,
    ),
  );
});

test('a bench run again on its own replaces only its figures in the kept run; a run that crashed is refused', async () => {
  const full: RunRecord = {
    info: info('2026-12-04T21:40:00.000Z'),
    outcomes: [
      outcome('share-latency', 'share() / raw', 1.2, 'share-latency/ratio'),
      outcome('share-spawns', 'warm', 3, 'share-spawns/warm'),
    ],
    goals: goalsTable(),
  };
  const again: RunRecord = {
    info: info('2026-12-04T21:50:00.000Z', [2.5, 2.1]),
    only: ['share-latency'],
    outcomes: [outcome('share-latency', 'share() / raw', 1.05, 'share-latency/ratio')],
    goals: goalsTable(),
  };
  const merged = mergeRecord(full, again);
  assert.equal(merged.only, undefined, 'still a full run');
  assert.equal(merged.info.date, full.info.date);
  assert.deepEqual(
    merged.outcomes.map((kept) => [kept.entry.id, kept.result?.figures[0]?.value, kept.rerun?.date]),
    [
      ['share-latency', '1.05', again.info.date],
      ['share-spawns', '3', undefined],
    ],
  );
  const doc = join(dir, 'benchmarks-merged.md');
  await writeBenchDocs(doc, merged);
  assert.match(
    readFileSync(doc, 'utf8'),
    /Run on its own \(`--only share-latency`\) at 2026-12-04T21:50:00Z · Node v20\.0\.0 · load average 2\.5 at the start, 2\.1 at the end\./,
  );

  const before = readFileSync(doc, 'utf8');
  const crashed: RunRecord = {
    ...full,
    outcomes: [
      ...full.outcomes,
      { entry: { id: 'idle', title: 'Idle', method: 'Counts.' }, error: 'tmux died', seconds: 2 },
    ],
  };
  await assert.rejects(
    writeBenchDocs(doc, crashed),
    /crashed in idle: docs\/benchmarks\.md left as it was; run `npm run bench` again/,
  );
  assert.equal(readFileSync(doc, 'utf8'), before);
});
