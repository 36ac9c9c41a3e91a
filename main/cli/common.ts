/** What several subcommands share: the runtime's lifetime, how a share is printed, and following it to its end. */
import { shellWord } from '../core/shell-word.ts';
import { join } from 'node:path';
import { copyToClipboard } from '../core/clipboard.ts';
import { clockTime, formatTimeLeft } from '../core/duration.ts';
import { errors } from '../core/errors.ts';
import { describeAllowed } from '../core/keys.ts';
import { LINKS, linkInfo, type LinkKind } from '../core/links.ts';
import { spawnDetached, useNodeSpawn } from '../core/process.ts';
import { emptyEndText, pairSizeText, presenceOf, presenceText, type CellSize } from '../core/share-rules.ts';
import { formatSpan } from '../core/time-left.ts';
import type { Share } from '../core/shares.ts';
import { checkedSocket, defaultSocket } from '../core/tmux.ts';
import type { PrefsStore } from '../prefs/file.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import type { Io } from './context.ts';
import { UsageError } from './usage-error.ts';

/** The runtime a subcommand works with: spawning through node:child_process (see useNodeSpawn). */
export function commandRuntime(io: Io, store?: PrefsStore): Runtime {
  useNodeSpawn();
  // A share's presence watcher is this same command, run detached (`pairbar __presence`).
  const watcher = io.script ? { command: process.execPath, args: [io.script] } : undefined;
  return createRuntime(io.env, store, 'cli', watcher);
}

/** Runs `fn` with a runtime, then stops following the shares' logs: the shares go on, the command exits. */
export async function withRuntime<T>(io: Io, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = commandRuntime(io);
  try {
    return await fn(runtime);
  } finally {
    runtime.shares.close();
  }
}

/** The fields of a share the command's --json output gives (a stable, documented shape). */
const JSON_FIELDS = [
  'id',
  'session',
  'socket',
  'state',
  'links',
  'clients',
  'server',
  'serverName',
  'reportsPairs',
  'linksChangedAt',
  'allowed',
  'endsAt',
  'endWhenEmptyMs',
  'pairClient',
  'pairClientSession',
  'pairCanType',
] as const;
export type ShareJson = Pick<Share, (typeof JSON_FIELDS)[number]> &
  Partial<Pick<Share, 'error'>> & {
    /** Who is in, by the one rule (share-rules.ts presenceOf): null where nobody can know. */
    present: boolean | null;
    /** Since when someone is in (ISO time); null while nobody is or where nobody can know. */
    presentSince: string | null;
    /** The smallest pair's terminal as the server told it, while someone is in. */
    pairSize: CellSize | null;
    /** How that terminal fits the shared window (room, window, smaller), once looked at. */
    pairFit: Share['pairSize'];
  };

export function shareJson(share: Share): ShareJson {
  const picked = Object.fromEntries(JSON_FIELDS.map((field) => [field, share[field]])) as Pick<
    Share,
    (typeof JSON_FIELDS)[number]
  >;
  const presence = presenceOf(share);
  const json: ShareJson = {
    ...picked,
    clients: presence.clients,
    present: presence.present,
    presentSince: presence.present && presence.since !== null ? new Date(presence.since).toISOString() : null,
    pairSize: presence.pairSize,
    pairFit: share.pairSize,
  };
  if (share.error) json.error = share.error;
  return json;
}

/** The links, each with what it grants; `first` (the one --copy copies) at the top. */
export function describeShare(share: Share, first?: LinkKind, now = Date.now()): string {
  const lines = [
    `${JSON.stringify(share.session)}: ${share.state} via ${share.server}${share.clients === null ? '' : `, ${share.clients} pair${share.clients === 1 ? '' : 's'} connected`}`,
  ];
  const ordered = [...LINKS].sort((a, b) => Number(b.kind === first) - Number(a.kind === first));
  for (const { kind, cliLabel, grants } of ordered) {
    const link = share.links[kind];
    if (link) lines.push(`  ${cliLabel.padEnd(14)} ${link}   (${grants})`);
  }
  if (share.allowed) {
    lines.push(`  may join       ${share.allowed.map(describeAllowed).join(', ')} — nobody else, whoever has a link`);
    if (!share.links.web && !share.links.webReadOnly)
      lines.push(
        '  no web links:  a browser cannot prove who is joining, so the server gives none when keys are required',
      );
  }
  if (share.endsAt !== null)
    lines.push(
      `  ends           at ${new Date(share.endsAt).toLocaleTimeString()} (${formatTimeLeft(share.endsAt - now)})`,
    );
  if (share.linksChangedAt !== null)
    lines.push(
      `  new links      since ${new Date(share.linksChangedAt).toLocaleTimeString()}: the server handed out new ones, the old ones no longer work`,
    );
  const emptyEnd = emptyEndText(share, clockTime, formatSpan);
  if (emptyEnd) lines.push(`  ends           ${emptyEnd}`);
  const who = share.state === 'sharing' ? presenceText(share, clockTime) : null;
  if (who)
    lines.push(`  who is in      ${who}${share.clients === null ? " (this server doesn't say who or how many)" : ''}`);
  else if (!share.reportsPairs && share.state !== 'failed')
    lines.push("  pairs          this server doesn't report who joins");
  if (share.view === 'independent')
    lines.push('  view:          independent (the pair switches windows without moving yours)');
  if (share.sizeNote) lines.push(`  note:          ${share.sizeNote}`);
  if (share.pairCanType === false)
    lines.push(
      `  keyboard:      yours: the pair watches, their typing does nothing (pairbar keyboard ${shellWord(share.session)} give hands it back)`,
    );
  const cut = pairSizeText(share);
  if (cut) lines.push(`  pair's size:   ${cut.message}`, `                 ${cut.fix}`);
  if (share.error) lines.push(`  error: ${share.error.message}`, `  fix:   ${share.error.fix}`);
  const where = pairClientWarning(share);
  if (where) lines.push(`  warning: ${where}`, `  End the pair with: pairbar stop ${shellWord(share.session)}`);
  return lines.join('\n');
}

/** What to tell the user when the pair's terminal is not on the shared session (see core/pair-client.ts). */
function pairClientWarning(share: Share): string | undefined {
  if (share.pairClient === 'elsewhere')
    return `the pair's terminal is on another session, ${JSON.stringify(share.pairClientSession)}, that was never shared.`;
  if (share.pairClient === 'gone')
    return "the pair's terminal has left tmux: it may be running a command outside your session.";
  return undefined;
}

export function pickLink(share: Share, key: LinkKind): string {
  const web = linkInfo(key).web;
  const link = share.links[key];
  if (!link) {
    throw errors.invalidArgument(
      'link',
      !web
        ? `the server gave no ${linkInfo(key).cliLabel} link`
        : share.allowed
          ? `the server ${share.server} gives no web links for a share that requires keys; use an ssh link`
          : `the server ${share.server} gives no web links (a self-hosted tmate server without its web back end); use the ssh link`,
    );
  }
  return link;
}

/** What `share` and `rotate` print: the share as JSON, or its links with `kind` first (and on the clipboard with --copy). */
export async function reportShare(io: Io, share: Share, kind: LinkKind, copy: boolean, json: boolean): Promise<void> {
  if (copy) await copyToClipboard(pickLink(share, kind), io.env);
  if (json) {
    io.stdout(JSON.stringify(shareJson(share), null, 2) + '\n');
    return;
  }
  io.stdout(describeShare(share, kind) + '\n');
  const { cliLabel, grants } = linkInfo(kind);
  if (copy) io.stdout(`The ${cliLabel} link is on the clipboard: whoever uses it ${grants}.\n`);
}

/** A share that ends by itself needs a process to end it; this command exits now, so start one. */
export async function followToEnd(runtime: Runtime, io: Io, share: Share): Promise<void> {
  if (share.endsAt === null || !io.script) return;
  await spawnDetached(process.execPath, [io.script, '__follow', share.id], {
    env: io.env,
    logFile: join(runtime.shares.runtimeDir, share.id, 'follow.log'),
  });
}

export /** The share SESSION names (on the server at `socket`, where given); with no SESSION, the only share there is. */
function chooseShare(
  runtime: Runtime,
  shares: Share[],
  session: string | undefined,
  socket: string | undefined,
): Share {
  if (session !== undefined) return runtime.shares.resolve(session, socket);
  const live = shares.filter((share) => share.state !== 'failed' && (socket === undefined || share.socket === socket));
  if (live.length === 1 && live[0]) return live[0];
  if (live.length === 0)
    throw errors.invalidArgument('command', 'nothing is shared; share a session first with `pairbar share SESSION`');
  throw new UsageError(
    `Several sessions are shared; name one: ${live.map((share) => JSON.stringify(share.session)).join(', ')}`,
  );
}

/** The SESSION (and --socket) arguments that name this share again. */
export function sessionArgs(io: Io, share: Share): string {
  return `${shellWord(share.session)}${share.socket === defaultSocket(io.env) ? '' : ` --socket ${shellWord(share.socket)}`}`;
}

/**
 * --socket as shares record it: its real path, checked each time (checkedSocket), so `DIR/./default` names
 * the share of `DIR/default`. A socket that is gone is kept as typed: there is no server left to check.
 */
export async function socketOption(io: Io, socket: string | undefined): Promise<string | undefined> {
  return socket === undefined ? undefined : ((await checkedSocket(io.env, socket)) ?? socket);
}

export { shellWord };
