/**
 * Sharing a session that is already shared: the running share is given back only when it is what the caller
 * asked for. Each option the caller named is compared with the share; any that differs refuses, saying what
 * the share has, what was asked, and how to get it — never the old share handed back as if it were the new.
 *
 * One rule per ShareOptions field, in a table typed over the whole options object: a new option does not
 * compile until it says here how a running share is compared with it.
 *
 * The end time is the one option with a safer side: a share that ends no later than asked is given back (it
 * lets the pair in for less time than the caller was ready to allow, and restarting it would drop the pair).
 * One that would outlast the request is refused.
 */
import { clockTime, formatTimeLeft } from '../duration.ts';
import { formatSpan } from '../time-left.ts';
import { errors } from '../errors.ts';
import { formatKeySource } from '../keys.ts';
import type { Share, ShareOptions } from './model.ts';

/** What the share has against what was asked, in words; undefined when they agree. */
type Compare<K extends keyof ShareOptions> = (
  share: Share,
  asked: Exclude<ShareOptions[K], undefined>,
  now: number,
) => string | undefined;

function whoMayJoin(sources: readonly string[] | null): string {
  return sources && sources.length > 0 ? `only ${sources.join(', ')} may join it` : 'anyone with a link may join it';
}

function endWords(endsAt: number | null, now: number): string {
  return endsAt === null
    ? 'it never ends by itself'
    : `it ends at ${clockTime(endsAt)} (${formatTimeLeft(endsAt - now)})`;
}

const COMPARE: { [K in keyof Required<ShareOptions>]: Compare<K> } = {
  server: (share, asked) =>
    share.serverName === asked
      ? undefined
      : `it goes to the server ${JSON.stringify(share.serverName)} (asked: ${JSON.stringify(asked)})`,
  allowed: (share, asked) => {
    const wanted = asked && asked.length > 0 ? asked.map(formatKeySource) : null;
    const has = share.allowed?.map((entry) => entry.source) ?? null;
    return JSON.stringify(wanted) === JSON.stringify(has)
      ? undefined
      : `${whoMayJoin(has)} (asked: ${whoMayJoin(wanted).replace(/ may join it$/, '')})`;
  },
  endAfterMs: (share, asked, now) => {
    const wanted = asked === null ? null : now + asked;
    const safeEnough = share.endsAt !== null && (wanted === null || share.endsAt <= wanted);
    if (safeEnough || (share.endsAt === null && wanted === null)) return undefined;
    return `${endWords(share.endsAt, now)} (asked: ${wanted === null ? 'no end' : `to end by ${clockTime(wanted)}`})`;
  },
  endWhenEmptyMs: (share, asked) => {
    if (share.endWhenEmptyMs === asked) return undefined;
    const words = (ms: number | null) =>
      ms === null ? 'never once nobody is in' : `${formatSpan(ms)} after the last pair leaves`;
    return `it ends ${words(share.endWhenEmptyMs)} (asked: ${words(asked)})`;
  },
  size: (share, asked) => (share.size === asked ? undefined : `its window size is ${share.size} (asked: ${asked})`),
  view: (share, asked) => (share.view === asked ? undefined : `the pair's view is ${share.view} (asked: ${asked})`),
};

/** The running share, when it is what `options` asks for; else the refusal naming every difference. */
export function sameOptions(share: Share, options: ShareOptions, now = Date.now()): Share {
  const differences: string[] = [];
  for (const key of Object.keys(COMPARE) as (keyof ShareOptions)[]) {
    const asked = options[key];
    if (asked === undefined) continue; // Not named: the running share's value is as good as the default.
    const compare = COMPARE[key] as Compare<typeof key>;
    const difference = compare(share, asked, now);
    if (difference) differences.push(difference);
  }
  if (differences.length > 0) throw errors.sharedOtherwise(share.session, differences);
  return structuredClone(share);
}
