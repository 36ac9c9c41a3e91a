/**
 * The `pairbar` command: the same core as the app, no Electron.
 * Exit codes: 0 success, 1 failure (the error and its fix on stderr), 2 usage.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { copyToClipboard } from './core/clipboard.ts';
import { formatTimeLeft, parseDuration } from './core/duration.ts';
import { errors, isPairbarError, toErrorInfo } from './core/errors.ts';
import { describeAllowed, parseKeySource, type KeySource } from './core/keys.ts';
import { LINKS, linkInfo, linkKindFor, type LinkKind } from './core/links.ts';
import { spawnDetached } from './core/process.ts';
import { targetKey } from './core/share-rules.ts';
import type { Share, ShareOptions } from './core/shares.ts';
import { defaultSocket, listServers } from './core/tmux.ts';
import { isPrefKey, legacyServerKey, PREF_KEYS, PREF_SPECS, writePref } from './prefs.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import { UsageError } from './cli/usage.ts';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** All of standard input; default: this process's. */
  readAll?: () => Promise<string>;
  /** One line of standard input, or null at its end; default: this process's. */
  readLine?: () => Promise<string | null>;
  /**
   * The script that runs this command, for a share that ends by itself: a detached `pairbar` process
   * follows it until its end, since this one exits at once. Unset (in-process callers): nobody follows.
   */
  script?: string;
}

const USAGE = `Usage: pairbar <command> [options]

Share a tmux session you already have with a pair, through tmate.

Commands:
  sessions [--json]                          list your tmux sessions
  share [SESSION] [--json] [--copy] [--read-only] [WHO] [--for DURATION] [--server NAME]
                                             share SESSION (exact name); without one, a new blank terminal
  url [SESSION] [--socket PATH] [--read-only] [--web] [--copy]
                                             print a share link (default: the share.copyLink preference)
  rotate SESSION [--socket PATH] [--json] [--copy]
                                             new links: everyone connected is dropped, the old links stop
                                             working, your own terminal stays attached
  status [--json]                            list what is shared
  stop SESSION [--socket PATH] | --all       end a share; your own terminal and session stay as they are
  config get [KEY]                           show preferences
  config set KEY VALUE                       change a preference (an empty VALUE restores the default)
  server list [--json]                       your tmate servers; * marks the one new shares use
  server add NAME [HOST[:PORT]] [--paste] [--trust]
                                             add a server: from HOST[:PORT], or its tmate.conf lines on
                                             stdin (--paste); without fingerprints it reads the server's
                                             keys and asks you to confirm them (--trust: no question)
  server use NAME                            new shares go to NAME
  server remove NAME
  server test [NAME] [--json]                one throwaway session against NAME (default: the one in use)

Who may join (share; repeatable, combined; default: the access.default preference, else anyone with a link):
  --github NAME   --gitlab NAME   --codeberg NAME
                  that forge user's public keys (fetched from the access.*Url address)
  --authorized-keys FILE
                  the public keys in FILE (one per line, as in ~/.ssh/authorized_keys)
  --anyone        anyone holding a link, whatever access.default says

Options:
  --for DURATION  with share: end the share by itself after 90s, 30m, 2h or 1h30m
                  (default: share.endAfterMinutes; 0 = never)
  --read-only     with share: the read-only link first, and the one --copy copies; with url: that link
  --socket PATH   with share/url/stop/rotate: SESSION on the tmux server at PATH only (tells apart
                  sessions of one name on two tmux servers)
  --server NAME   with share: go to that tmate server instead of the one in use
  -h, --help      this help
  -v, --version   the version
`;


/** The fields of a share the command's --json output gives (a stable, documented shape). */
const JSON_FIELDS = ['id', 'session', 'socket', 'state', 'links', 'clients', 'server', 'serverName', 'reportsPairs', 'linksChangedAt', 'allowed', 'endsAt', 'pairClient', 'pairClientSession'] as const;
export type ShareJson = Pick<Share, (typeof JSON_FIELDS)[number]> & Partial<Pick<Share, 'error'>>;

export function shareJson(share: Share): ShareJson {
  const json = Object.fromEntries(JSON_FIELDS.map((field) => [field, share[field]])) as ShareJson;
  if (share.error) json.error = share.error;
  return json;
}

/** The links, each with what it grants; `first` (the one --copy copies) at the top. */
function describeShare(share: Share, first?: LinkKind, now = Date.now()): string {
  const lines = [`${JSON.stringify(share.session)}: ${share.state} via ${share.server}${share.clients === null ? '' : `, ${share.clients} pair${share.clients === 1 ? '' : 's'} connected`}`];
  const ordered = [...LINKS].sort((a, b) => Number(b.kind === first) - Number(a.kind === first));
  for (const { kind, cliLabel, grants } of ordered) {
    const link = share.links[kind];
    if (link) lines.push(`  ${cliLabel.padEnd(14)} ${link}   (${grants})`);
  }
  if (share.allowed) {
    lines.push(`  may join       ${share.allowed.map(describeAllowed).join(', ')} — nobody else, whoever has a link`);
    if (!share.links.web && !share.links.webReadOnly) lines.push('  no web links:  a browser cannot prove who is joining, so the server gives none when keys are required');
  }
  if (share.endsAt !== null) lines.push(`  ends           at ${new Date(share.endsAt).toLocaleTimeString()} (${formatTimeLeft(share.endsAt - now)})`);
  if (share.error) lines.push(`  error: ${share.error.message}`, `  fix:   ${share.error.fix}`);
  const where = pairClientWarning(share);
  if (where) lines.push(`  warning: ${where}`, `  End the pair with: pairbar stop ${shellWord(share.session)}`);
  return lines.join('\n');
}

/** What to tell the user when the pair's terminal is not on the shared session (see core/pair-client.ts). */
function pairClientWarning(share: Share): string | undefined {
  if (share.pairClient === 'elsewhere') return `the pair's terminal is on another session, ${JSON.stringify(share.pairClientSession)}, that was never shared.`;
  if (share.pairClient === 'gone') return "the pair's terminal has left tmux: it may be running a command outside your session.";
  return undefined;
}

function pickLink(share: Share, key: LinkKind): string {
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

/** The share SESSION names (on the server at `socket`, where given); with no SESSION, the only share there is. */
function chooseShare(runtime: Runtime, shares: Share[], session: string | undefined, socket: string | undefined): Share {
  if (session !== undefined) return runtime.shares.resolve(session, socket);
  const live = shares.filter((share) => share.state !== 'failed' && (socket === undefined || share.socket === socket));
  if (live.length === 1 && live[0]) return live[0];
  if (live.length === 0) throw errors.invalidArgument('command', 'nothing is shared; share a session first with `pairbar share SESSION`');
  throw new UsageError(`Several sessions are shared; name one: ${live.map((share) => JSON.stringify(share.session)).join(', ')}`);
}

async function sessionsCommand(runtime: Runtime, io: Io, json: boolean): Promise<void> {
  const tmux = await runtime.tmux();
  const servers = await listServers(tmux);
  const shared = new Set((await runtime.shares.adopt()).map((share) => targetKey(share.socket, share.sessionId)));
  const rows = servers.flatMap((server) =>
    server.sessions.map((session) => ({
      name: session.name,
      server: server.label,
      socket: server.socket,
      windows: session.windows,
      attached: session.attached,
      created: new Date(session.created).toISOString(),
      shared: shared.has(targetKey(session.socket, session.id)),
    })),
  );
  if (json) {
    io.stdout(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  if (servers.length === 0) throw errors.noTmuxServer();
  for (const row of rows) {
    const where = row.server === 'default' ? '' : `  [server ${row.server}]`;
    const flags = [`${row.windows} window${row.windows === 1 ? '' : 's'}`, row.attached ? `${row.attached} attached` : 'detached', ...(row.shared ? ['shared'] : [])];
    io.stdout(`${row.name}  (${flags.join(', ')})${where}\n`);
  }
}

export async function main(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        copy: { type: 'boolean' },
        'read-only': { type: 'boolean' },
        web: { type: 'boolean' },
        github: { type: 'string', multiple: true },
        gitlab: { type: 'string', multiple: true },
        codeberg: { type: 'string', multiple: true },
        'authorized-keys': { type: 'string', multiple: true },
        anyone: { type: 'boolean' },
        for: { type: 'string' },
        all: { type: 'boolean' },
        socket: { type: 'string' },
        server: { type: 'string' },
        paste: { type: 'boolean' },
        trust: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    io.stderr(`pairbar: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (values.version) {
    io.stdout(`pairbar ${VERSION}\n`);
    return 0;
  }
  const runtime = createRuntime(io.env);
  const expectArgs = (max: number) => {
    if (rest.length > max) throw new UsageError(`too many arguments for ${command}: ${rest.slice(max).join(' ')}`);
  };
  try {
    switch (command) {
      case 'sessions':
        expectArgs(0);
        await sessionsCommand(runtime, io, Boolean(values.json));
        return 0;
      case 'share': {
        expectArgs(1);
        const options = shareOptions(values);
        const share = await runtime.shares.share({ session: rest[0], socket: values.socket }, options);
        await followToEnd(runtime, io, share);
        const kind: LinkKind = values['read-only'] ? 'sshReadOnly' : runtime.prefs().prefs['share.copyLink'];
        await reportShare(io, share, kind, Boolean(values.copy), Boolean(values.json));
        if (!values.json) io.stdout(`End it with: pairbar stop ${sessionArgs(io, share)}\n`);
        return 0;
      }
      case 'rotate': {
        expectArgs(1);
        const session = rest[0];
        if (session === undefined) throw new UsageError('rotate needs a SESSION');
        await runtime.shares.adopt();
        const share = await runtime.shares.rotate(runtime.shares.resolve(session, values.socket).id);
        await followToEnd(runtime, io, share);
        await reportShare(io, share, runtime.prefs().prefs['share.copyLink'], Boolean(values.copy), Boolean(values.json));
        if (!values.json) io.stdout('New links: the old ones no longer work, and whoever was connected has been dropped.\n');
        return 0;
      }
      case '__follow': {
        // Internal: the detached process that ends a command's share on time (see followToEnd).
        expectArgs(1);
        const id = rest[0];
        if (id === undefined) throw new UsageError('__follow needs a share id');
        await runtime.shares.adopt();
        await runtime.shares.untilEnded(id);
        return 0;
      }
      case 'url': {
        expectArgs(1);
        const share = chooseShare(runtime, await runtime.shares.adopt(), rest[0], values.socket);
        const flagged = values['read-only'] || values.web;
        const link = pickLink(share, flagged ? linkKindFor(Boolean(values['read-only']), Boolean(values.web)) : runtime.prefs().prefs['share.copyLink']);
        if (values.copy) await copyToClipboard(link, io.env);
        io.stdout(link + '\n');
        return 0;
      }
      case 'status': {
        expectArgs(0);
        await runtime.shares.adopt();
        const shares = await runtime.shares.checkPairClients();
        if (values.json) io.stdout(JSON.stringify(shares.map(shareJson), null, 2) + '\n');
        else io.stdout(shares.length === 0 ? 'Nothing is shared.\n' : shares.map((share) => describeShare(share)).join('\n') + '\n');
        for (const problem of runtime.prefs().problems) io.stderr(`pairbar: warning: ${problem.message}\n`);
        return 0;
      }
      case 'stop': {
        expectArgs(1);
        await runtime.shares.adopt();
        if (values.all) {
          if (rest.length > 0 || values.socket !== undefined) throw new UsageError('give a SESSION (and --socket) or --all, not both');
          const count = await runtime.shares.stopAll();
          io.stdout(count === 0 ? 'Nothing was shared.\n' : `Stopped ${count} share${count === 1 ? '' : 's'}.\n`);
          return 0;
        }
        const session = rest[0];
        if (session === undefined) throw new UsageError('stop needs a SESSION, or --all');
        await runtime.shares.stop(runtime.shares.resolve(session, values.socket).id);
        io.stdout(`Stopped sharing ${JSON.stringify(session)}. Your session and terminal are untouched.\n`);
        return 0;
      }
      case 'config':
        return configCommand(runtime, io, rest, Boolean(values.json));
      case 'server': {
        // Loaded only for this command, so the others start without it.
        const { serverCommand } = await import('./cli/server.ts');
        return await serverCommand(runtime, { stdout: io.stdout, stderr: io.stderr, readAll: io.readAll ?? readAllStdin, readLine: io.readLine ?? readStdinLine }, rest, {
          json: Boolean(values.json),
          paste: Boolean(values.paste),
          trust: Boolean(values.trust),
        });
      }
      case undefined:
        io.stderr(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`pairbar: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    const info = toErrorInfo(error);
    io.stderr(`pairbar: ${info.message}\n${info.fix}\n`);
    if (!isPairbarError(error) && io.env.PAIRBAR_DEBUG) io.stderr(String((error as Error)?.stack ?? error) + '\n');
    return 1;
  } finally {
    runtime.shares.close();
  }
}

function configCommand(runtime: Runtime, io: Io, args: string[], json: boolean): number {
  const [action, key, ...values] = args;
  const { prefs, problems } = runtime.prefs();
  if (action === 'get') {
    if (values.length > 0) throw new UsageError('config get takes at most one KEY');
    if (key !== undefined && legacyServerKey(key)) throw legacyServerKey(key)!;
    if (key !== undefined && !isPrefKey(key)) throw new UsageError(`unknown preference ${JSON.stringify(key)}; known: ${PREF_KEYS.join(', ')}`);
    if (key !== undefined) {
      const value = prefs[key];
      io.stdout(json || typeof value === 'object' ? JSON.stringify(value) + '\n' : `${value}\n`);
    } else if (json) {
      io.stdout(JSON.stringify(prefs, null, 2) + '\n');
    } else {
      for (const name of PREF_KEYS) io.stdout(`${name} = ${JSON.stringify(prefs[name])}    # ${PREF_SPECS[name].description}\n`);
    }
    for (const problem of problems) io.stderr(`pairbar: warning: ${problem.message}\n`);
    return 0;
  }
  if (action === 'set') {
    if (key === undefined || values.length !== 1) throw new UsageError('config set needs KEY and VALUE');
    if (legacyServerKey(key)) throw legacyServerKey(key)!;
    if (!isPrefKey(key)) throw new UsageError(`unknown preference ${JSON.stringify(key)}; known: ${PREF_KEYS.join(', ')}`);
    if (!runtime.store) throw errors.invalidPreference(key, problems[0]?.message ?? 'the preferences file cannot be opened');
    const value = writePref(runtime.store, key, values[0]);
    io.stdout(`${key} = ${JSON.stringify(value)}\n`);
    return 0;
  }
  throw new UsageError('config needs get or set');
}

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The share's options from the flags; what no flag names is left to the preferences' defaults. */
function shareOptions(values: Values): ShareOptions {
  const options: ShareOptions = {};
  const allowed: KeySource[] = [
    ...(['github', 'gitlab', 'codeberg'] as const).flatMap((forge) => strings(values[forge]).map((name) => parseKeySource(`${forge}:${name}`))),
    ...strings(values['authorized-keys']).map((file) => parseKeySource(`file:${resolve(file)}`)),
  ];
  if (values.anyone && allowed.length > 0) throw new UsageError('--anyone cannot be combined with --github, --gitlab, --codeberg or --authorized-keys');
  if (values.anyone) options.allowed = null;
  else if (allowed.length > 0) options.allowed = allowed;
  if (typeof values.for === 'string') options.endAfterMs = parseDuration(values.for);
  if (typeof values.server === 'string') options.server = values.server;
  return options;
}

/** A share that ends by itself needs a process to end it; this command exits now, so start one. */
async function followToEnd(runtime: Runtime, io: Io, share: Share): Promise<void> {
  if (share.endsAt === null || !io.script) return;
  await spawnDetached(process.execPath, [io.script, '__follow', share.id], {
    env: io.env,
    logFile: join(runtime.shares.runtimeDir, share.id, 'follow.log'),
  });
}

async function reportShare(io: Io, share: Share, kind: LinkKind, copy: boolean, json: boolean): Promise<void> {
  if (copy) await copyToClipboard(pickLink(share, kind), io.env);
  if (json) {
    io.stdout(JSON.stringify(shareJson(share), null, 2) + '\n');
    return;
  }
  io.stdout(describeShare(share, kind) + '\n');
  const { cliLabel, grants } = linkInfo(kind);
  if (copy) io.stdout(`The ${cliLabel} link is on the clipboard: whoever uses it ${grants}.\n`);
}

function sessionArgs(io: Io, share: Share): string {
  return `${shellWord(share.session)}${share.socket === defaultSocket(io.env) ? '' : ` --socket ${shellWord(share.socket)}`}`;
}

/** A session name as the user would type it back into a shell. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./+-]+$/.test(value) && !value.startsWith('-') ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readStdinLine(): Promise<string | null> {
  const { createInterface } = await import('node:readline');
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) return line;
    return null;
  } finally {
    lines.close();
  }
}

declare const PAIRBAR_VERSION: string | undefined;
const VERSION = typeof PAIRBAR_VERSION === 'string' ? PAIRBAR_VERSION : 'dev';

/**
 * A standard stream that stops writing once its reader has gone (`pairbar sessions | head -1`, a pager that
 * was quit): the write fails with EPIPE, which Node raises as an 'error' event that would crash the command
 * with a stack trace. The command finishes its work (a share it started goes on) and exits as it would have.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): (text: string) => void {
  let gone = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    gone = true;
  });
  return (text) => {
    if (!gone) stream.write(text);
  };
}

/** Runs the command with this process's arguments and streams, and sets the exit code. */
export function run(): void {
  const stdout = quietOnClosedPipe(process.stdout);
  const stderr = quietOnClosedPipe(process.stderr);
  main(process.argv.slice(2), { stdout, stderr, env: process.env, script: process.argv[1] }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      stderr(`pairbar: ${toErrorInfo(error).message}\n`);
      process.exitCode = 1;
    },
  );
}
