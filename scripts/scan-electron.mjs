// The Electron scan: electronegativity (pinned in devDependencies) over main/ and renderer/, offline.
// Fails (exit 1) on any HIGH or MEDIUM finding that .electronegativity-exclusions.json does not list with its
// reason, on an exclusion that no longer matches anything (so the file stays a reviewed list, not a
// blanket), and on a file the scanner could not parse (a file not scanned is not a file found clean).
//
//   node scripts/scan-electron.mjs [--root DIR] [--exclusions FILE] [--json FILE]
//
// --root scans DIR/main and DIR/renderer instead of this checkout's, --exclusions reads another list (the
// test plants flaws that way); --json writes the result as JSON (the scan's test writes its reliability section from it).
//
// Offline: every network connection from this process is refused before the scanner loads. Two parts of
// electronegativity reach out: its translations (it falls back to the English it ships, at once, when the
// connection is refused) and AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK (Electron's release list), which is not
// run: the exclusions file says why. So the result depends on the code only, never on the network.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { root: { type: 'string' }, exclusions: { type: 'string' }, json: { type: 'string' } },
});
const scanned = resolve(values.root ?? ROOT);

let refusedConnections = 0;
net.Socket.prototype.connect = function refuseNetwork() {
  refusedConnections++;
  process.nextTick(() =>
    this.destroy(Object.assign(new Error('the Electron scan runs offline'), { code: 'ECONNREFUSED' })),
  );
  return this;
};

const require = createRequire(import.meta.url);
const scan = require('@doyensec/electronegativity');
const scannerVersion = require('@doyensec/electronegativity/package.json').version;
const electronVersion = require('electron/package.json').version;

const exclusions = JSON.parse(
  await readFile(resolve(values.exclusions ?? join(ROOT, '.electronegativity-exclusions.json')), 'utf8'),
);
const problems = [];
for (const entry of [...exclusions.checksNotRun, ...exclusions.findings]) {
  if (typeof entry.reason !== 'string' || entry.reason.trim().length < 20)
    problems.push(`exclusion ${JSON.stringify(entry)} has no reason a reviewer can check`);
}

// One scan over both folders together: the global checks (CSP, navigation limits, permission handler) look
// for their counterpart anywhere in the app, which is split between main/ (the settings) and renderer/ (the
// page and its CSP). Nothing else of the repository is scanned (tests and their stand-ins are not the app).
const work = await mkdtemp(join(tmpdir(), 'pairbar-scan-'));
let result;
try {
  for (const dir of ['main', 'renderer']) await cp(join(scanned, dir), join(work, dir), { recursive: true });
  result = await scan({
    input: work,
    isRelative: true,
    electronVersionOverride: electronVersion,
    excludeFromScan: exclusions.checksNotRun.map((entry) => entry.check),
  });
} finally {
  await rm(work, { recursive: true, force: true });
}

const FAILING = new Set(['HIGH', 'MEDIUM']);
const findings = result.issues.map((issue) => {
  const finding = {
    id: issue.id,
    severity: issue.severity.name,
    confidence: issue.confidence.name,
    file: issue.file,
    line: issue.location.line,
    manualReview: Boolean(issue.manualReview),
    description: issue.description,
  };
  const exclusion = exclusions.findings.find((entry) => entry.id === finding.id && entry.file === finding.file);
  return exclusion ? { ...finding, excluded: exclusion.reason } : finding;
});
for (const entry of exclusions.findings) {
  if (!findings.some((finding) => finding.id === entry.id && finding.file === entry.file))
    problems.push(`exclusion of ${entry.id} in ${entry.file} matches no finding: remove it`);
}
for (const error of result.errors) {
  if (!error.tolerable) problems.push(`${error.file} could not be scanned: ${error.message}`);
}
const failing = findings.filter((finding) => FAILING.has(finding.severity) && !finding.excluded);
for (const finding of failing)
  problems.push(`${finding.severity} ${finding.id} at ${finding.file}:${finding.line}: ${finding.description}`);

const summary = {
  scanner: `@doyensec/electronegativity ${scannerVersion}`,
  electronVersion,
  checks: { global: result.globalChecks, atomic: result.atomicChecks },
  checksNotRun: exclusions.checksNotRun,
  refusedConnections,
  findings,
  problems,
};
if (values.json) await writeFile(values.json, JSON.stringify(summary, null, 2) + '\n');

const counts = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL']
  .map((severity) => `${findings.filter((finding) => finding.severity === severity).length} ${severity}`)
  .join(', ');
console.error(
  `Electron scan (${summary.scanner}, Electron ${electronVersion}, ${result.globalChecks + result.atomicChecks} checks, offline): ${counts}.`,
);
for (const finding of findings.filter((finding) => !FAILING.has(finding.severity) || finding.excluded)) {
  console.error(
    `  ${finding.severity} ${finding.id} at ${finding.file}:${finding.line}${finding.excluded ? ` (excluded: ${finding.excluded})` : finding.manualReview ? ' (for review; does not fail the scan)' : ''}`,
  );
}
if (problems.length > 0) {
  console.error(`Electron scan FAILED:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exitCode = 1;
}
