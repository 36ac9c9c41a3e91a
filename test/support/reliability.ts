/**
 * docs/reliability.md is written by the tests that measure it, as docs/benchmarks.md is by the benches:
 * each test replaces its own section (between `<!-- reliability:NAME -->` markers) with what it saw in this
 * run, and leaves the others as the last run of their tests wrote them. A section is written only when its
 * test passed what it asserts, so the page never shows a result the tests did not check.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DOC = join(import.meta.dirname, '../../docs/reliability.md');

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
    'What the tests tried against Pairbar and what it survived, written by those tests when they pass',
    '(`npm test` refreshes every section; a test run alone refreshes its own). Nothing here is typed by hand.',
    '',
  ];
  for (const [section, title] of Object.entries(SECTIONS) as Array<[Section, string]>) {
    parts.push(`## ${title}`, '', marker(section), '_Not measured yet._', marker(section, true), '');
  }
  return parts.join('\n');
}

/** Replaces the section's body in docs/reliability.md with `markdown`. */
export function recordReliability(section: Section, markdown: string): void {
  let text = existsSync(DOC) ? readFileSync(DOC, 'utf8') : skeleton();
  const start = text.indexOf(marker(section));
  const end = text.indexOf(marker(section, true));
  if (start < 0 || end < start) text = `${text.trimEnd()}\n\n## ${SECTIONS[section]}\n\n${marker(section)}\n${marker(section, true)}\n`;
  const from = text.indexOf(marker(section)) + marker(section).length;
  const to = text.indexOf(marker(section, true));
  writeFileSync(DOC, `${text.slice(0, from)}\n${markdown.trim()}\n${text.slice(to)}`);
}

/** A name as the page shows it: in a code span, control characters made visible, long ones cut. */
export function shown(name: string, max = 60): string {
  const visible = [...name].map((char) => {
    const code = char.codePointAt(0)!;
    return code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  });
  const cut = visible.length > max ? `${visible.slice(0, max).join('')}… (${visible.length} characters)` : visible.join('');
  return `\`${cut.replaceAll('`', 'ˋ')}\``;
}
