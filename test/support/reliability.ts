/**
 * docs/reliability.md's figures come from the tests that measure them, as docs/benchmarks.md's come from the
 * benches. A test that passed what it asserts leaves its section's Markdown in test-output/reliability/NAME.md
 * (recordReliability): `npm test` writes nothing into the tree. `npm run docs` (scripts/docs.ts) then puts
 * each file between its section's markers (`<!-- reliability:NAME -->`) in docs/reliability.md
 * (writeReliabilityDocs); everything outside the markers is written by hand and kept as it is.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DOC = join(import.meta.dirname, '../../docs/reliability.md');
/** Where the tests leave their sections (test-output/ is not tracked). */
export const RELIABILITY_OUTPUT = join(import.meta.dirname, '../../test-output/reliability');

export const SECTIONS = {
  scan: 'Electron scan',
  names: 'Hostile session names, shared for real',
  'names-ui': 'Hostile session names in the popover',
  ipc: 'Hostile IPC',
  faults: 'Faults',
  soak: 'Soak',
} as const;
export type Section = keyof typeof SECTIONS;

const marker = (section: Section, end = false) => `<!-- ${end ? '/' : ''}reliability:${section} -->`;

function skeleton(): string {
  const parts = [
    '# Reliability',
    '',
    'What the tests tried against Pairbar and what it survived. Between the `reliability:` markers: the figures',
    'the tests left when they passed, written here by `npm run docs`. Everything else is written by hand.',
    '',
  ];
  for (const [section, title] of Object.entries(SECTIONS) as Array<[Section, string]>) {
    parts.push(`## ${title}`, '', marker(section), '_Not measured yet._', marker(section, true), '');
  }
  return parts.join('\n');
}

/** Keeps the section's Markdown, as this run's test saw it, for `npm run docs`. */
export function recordReliability(section: Section, markdown: string, into = RELIABILITY_OUTPUT): void {
  mkdirSync(into, { recursive: true });
  writeFileSync(join(into, `${section}.md`), `${markdown.trim()}\n`);
}

/** `text` with the section's body between its markers replaced by `markdown` (the section added at the end when missing). */
export function replaceSection(text: string, section: Section, markdown: string): string {
  const start = text.indexOf(marker(section));
  const end = text.indexOf(marker(section, true));
  if (start < 0 || end < start)
    text = `${text.trimEnd()}\n\n## ${SECTIONS[section]}\n\n${marker(section)}\n${marker(section, true)}\n`;
  const from = text.indexOf(marker(section)) + marker(section).length;
  const to = text.indexOf(marker(section, true));
  return `${text.slice(0, from)}\n${markdown.trim()}\n${text.slice(to)}`;
}

/**
 * docs/reliability.md with every section the tests left in RELIABILITY_OUTPUT; the others, and all the
 * hand-written text, as they were. Returns what was written and what was not there, for the console.
 */
export function writeReliabilityDocs(
  doc = DOC,
  from = RELIABILITY_OUTPUT,
): { written: Array<{ section: Section; at: Date }>; missing: Section[] } {
  const before = existsSync(doc) ? readFileSync(doc, 'utf8') : skeleton();
  let text = before;
  const written: Array<{ section: Section; at: Date }> = [];
  const missing: Section[] = [];
  for (const section of Object.keys(SECTIONS) as Section[]) {
    const file = join(from, `${section}.md`);
    if (!existsSync(file)) {
      missing.push(section);
      continue;
    }
    text = replaceSection(text, section, readFileSync(file, 'utf8'));
    written.push({ section, at: statSync(file).mtime });
  }
  if (text !== before || !existsSync(doc)) writeFileSync(doc, text);
  return { written, missing };
}

/** A name as the page shows it: in a code span, control characters made visible, long ones cut. */
export function shown(name: string, max = 60): string {
  const visible = [...name].map((char) => {
    const code = char.codePointAt(0)!;
    return code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : char;
  });
  const cut =
    visible.length > max ? `${visible.slice(0, max).join('')}… (${visible.length} characters)` : visible.join('');
  return `\`${cut.replaceAll('`', 'ˋ')}\``;
}
