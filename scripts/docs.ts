/**
 * `npm run docs`: writes docs/benchmarks.md and docs/reliability.md from the figures the last runs left in
 * test-output/ — `npm run bench` (test-output/bench/run.json) and the tests (test-output/reliability/*.md,
 * one per section, each left by a test that passed). `npm test` and `npm run bench` themselves never write
 * into the tree; this is the one step that does, when someone means to publish the figures. The hand-written
 * text of both files (outside their markers) is kept as it is.
 *
 *   npm run docs                 both files, from what test-output/ holds
 *   npm run docs -- --bench      docs/benchmarks.md only
 *   npm run docs -- --reliability docs/reliability.md only
 */
import { fileURLToPath } from 'node:url';
import { readRunRecord, RUN_RECORD, writeBenchDocs } from '../bench/lib/report.ts';
import { RELIABILITY_OUTPUT, writeReliabilityDocs } from '../test/support/reliability.ts';

const BENCH_DOCS = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--bench' && arg !== '--reliability');
if (unknown.length) {
  console.error(
    `npm run docs: unknown argument ${unknown.join(' ')} (use --bench, --reliability, or neither for both)`,
  );
  process.exit(2);
}
const both = args.length === 0;
let failed = false;

if (both || args.includes('--bench')) {
  const record = await readRunRecord();
  if (!record) {
    console.error(
      `docs/benchmarks.md: left as it was: no bench figures in ${RUN_RECORD}; run \`npm run bench\` first.`,
    );
    failed = true;
  } else {
    try {
      console.log(`docs/benchmarks.md: written from ${await writeBenchDocs(BENCH_DOCS, record)}.`);
    } catch (error) {
      console.error(`docs/benchmarks.md: ${error instanceof Error ? error.message : String(error)}`);
      failed = true;
    }
  }
}

if (both || args.includes('--reliability')) {
  const { written, missing } = writeReliabilityDocs();
  const when = (at: Date) => at.toISOString().replace(/:\d\d\.\d+Z$/, 'Z');
  console.log(
    written.length
      ? `docs/reliability.md: ${written.map(({ section, at }) => `${section} (${when(at)})`).join(', ')} written from ${RELIABILITY_OUTPUT}.`
      : `docs/reliability.md: left as it was: no test left a section in ${RELIABILITY_OUTPUT}; run \`npm test\` (or the test files that write them) first.`,
  );
  if (written.length && missing.length)
    console.log(
      `  Not in test-output, kept as they were: ${missing.join(', ')} (their tests did not run or did not pass).`,
    );
}

process.exit(failed ? 1 : 0);
