/**
 * ShareOptions from an untrusted caller (the popover, through IPC): the shape checked strictly, each key
 * source parsed as the command parses it, the duration bounded. Returns the options, or why not.
 */
import { MAX_DURATION_MS } from './duration.ts';
import { isPairbarError } from './errors.ts';
import { parseKeySource, type KeySource } from './keys.ts';
import type { ShareOptions } from './shares.ts';

/** More sources than anyone pairs with at once; a cap so a caller cannot make us fetch without end. */
export const MAX_KEY_SOURCES = 16;
const MAX_SOURCE_LENGTH = 1024;

/**
 * `{ allowed?: string[] | null, endAfterMs?: number | null }`: `allowed` as "github:NAME", "gitlab:NAME",
 * "codeberg:NAME" or "file:/path" (an empty list or null: anyone with a link); a key left out takes the
 * preference's default.
 */
export function validateShareOptions(value: unknown): ShareOptions | string {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'allowed' && key !== 'endAfterMs');
  if (unknown.length > 0) return `unknown option ${JSON.stringify(unknown[0])}`;
  const options: ShareOptions = {};
  if (Object.hasOwn(record, 'allowed')) {
    const allowed = record.allowed;
    if (allowed === null) options.allowed = null;
    else if (!Array.isArray(allowed)) return 'allowed must be a list of key sources, or null';
    else if (allowed.length > MAX_KEY_SOURCES) return `at most ${MAX_KEY_SOURCES} key sources`;
    else {
      const sources: KeySource[] = [];
      for (const item of allowed) {
        if (typeof item !== 'string' || item.length > MAX_SOURCE_LENGTH)
          return 'each key source must be text such as github:NAME';
        try {
          sources.push(parseKeySource(item));
        } catch (error) {
          return isPairbarError(error) ? error.message : String(error);
        }
      }
      options.allowed = sources.length > 0 ? sources : null;
    }
  }
  if (Object.hasOwn(record, 'endAfterMs')) {
    const ms = record.endAfterMs;
    if (ms === null) options.endAfterMs = null;
    else if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1000 || ms > MAX_DURATION_MS) {
      return `endAfterMs must be a whole number of milliseconds from 1000 to ${MAX_DURATION_MS}, or null`;
    } else options.endAfterMs = ms;
  }
  return options;
}
