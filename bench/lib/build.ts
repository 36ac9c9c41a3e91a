/**
 * Whether a built file is older than its sources. The benches that run dist/ refuse a stale one rather than
 * measure code that is no longer there, and do not rebuild: a build empties dist/ under whatever else is
 * using it. `npm run bench` builds first.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Why `built` cannot be measured (older than anything in `sources`), or undefined; a missing build is left to the caller. */
export function staleBuild(built: string, sources: string): string | undefined {
  if (!existsSync(built)) return undefined;
  if (newestMtime(sources) <= statSync(built).mtimeMs) return undefined;
  return `${relative(ROOT, built)} is older than ${relative(ROOT, sources)}/: run \`node scripts/build.mjs\` first`;
}
