/**
 * How long a share lasts, as typed (`--for 90s`, `30m`, `2h`, `1h30m`), and the clock time it ends at. The
 * time left, as the card, the tray tooltip and `status` say it, is time-left.ts's (re-exported here).
 */
import { errors } from './errors.ts';

export { formatTimeLeft } from './time-left.ts';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
/** A week: longer than any pairing session, and far inside what a timer can wait for. */
export const MAX_DURATION_MS = 7 * 24 * UNIT_MS.h;

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+)([smh])/g)];
  const joined = parts.map((part) => part[0]).join('');
  if (trimmed === '' || joined !== trimmed) {
    throw errors.invalidArgument('duration', `${JSON.stringify(text)} is not a duration such as 90s, 30m, 2h or 1h30m`);
  }
  const ms = parts.reduce((total, part) => total + Number(part[1]) * UNIT_MS[part[2] as keyof typeof UNIT_MS], 0);
  if (ms <= 0) throw errors.invalidArgument('duration', 'a share has to last longer than 0 s');
  if (ms > MAX_DURATION_MS) throw errors.invalidArgument('duration', 'at most 7 days (168h)');
  return ms;
}

/** "14:05", local time: when a share ends, as the tray and notifications say it. */
export function clockTime(epochMs: number): string {
  const at = new Date(epochMs);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}
