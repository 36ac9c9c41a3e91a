/**
 * docs/reliability.md is written by the tests themselves: each test file owns named sections and replaces
 * only the text between its markers, so files that run in any order (or alone) never erase each other's
 * figures.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const RELIABILITY_FILE = join(import.meta.dirname, '../../docs/reliability.md');

const HEADER = `# Reliability

Written by the tests (\`npm test\`), not by hand: each section is replaced by the test file that measured
it, on the machine that ran it. Times are upper bounds observed in that run, not targets.
`;

/** Replaces (or appends) the section NAME of docs/reliability.md with `markdown`. */
export async function writeReliabilitySection(name: string, markdown: string, file = RELIABILITY_FILE): Promise<void> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`section name ${JSON.stringify(name)}: use lower-case letters, digits and -`);
  const open = `<!-- section:${name} -->`;
  const close = `<!-- /section:${name} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const text = existsSync(file) ? await readFile(file, 'utf8') : HEADER;
  const start = text.indexOf(open);
  const end = text.indexOf(close, start);
  const next = start >= 0 && end >= 0 ? text.slice(0, start) + block + text.slice(end + close.length) : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, next);
}
