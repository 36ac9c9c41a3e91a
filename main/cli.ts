/**
 * The `pairbar` command: the same core as the app, no Electron.
 * Exit codes: 0 success, 1 failure (the error and its fix on stderr), 2 usage.
 */
import { parseArgs } from 'node:util';
import { copyToClipboard } from './core/clipboard.ts';
import { errors, isPairbarError, toErrorInfo } from './core/errors.ts';
import { LINKS, linkInfo, linkKindFor } from './core/links.ts';
import { targetKey } from './core/share-rules.ts';
import type { Share } from './core/shares.ts';
import { defaultSocket, listServers } from './core/tmux.ts';
import { isPrefKey, parsePref, PREF_KEYS, PREF_SPECS, writePref } from './prefs.ts';
import { createRuntime, type Runtime } from './runtime.ts';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: pairbar <command> [options]

Share a tmux session you already have with a pair, through tmate.

Commands:
  sessions [--json]                          list your tmux sessions
  share [SESSION] [--json] [--copy] [--view follow|independent] [--size mine|follow]
                                             share SESSION (exact name); without one, a new blank terminal
  url [SESSION] [--socket PATH] [--read-only] [--web] [--copy]
                                             print a share link (default: the read-write ssh link)
  status [--json]                            list what is shared
  stop SESSION [--socket PATH] | --all       end a share; your own terminal and session stay as they are
  config get [KEY]                           show preferences
  config set KEY VALUE                       change a preference (an empty VALUE restores the default)

Options:
  --socket PATH   with share/url/stop: SESSION on the tmux server at PATH only (tells apart
                  sessions of one name on two tmux servers)
  --view V        with share: independent = the pair switches windows without moving yours
                  (default: the pair.view preference)
  --size S        with share: mine = the pair's terminal never resizes your windows
                  (default: the pair.size preference)
  -h, --help      this help
  -v, --version   the version
`;

class UsageError extends Error {}

/** The fields of a share the command's --json output gives (a stable, documented shape). */
const JSON_FIELDS = ['id', 'session', 'socket', 'state', 'links', 'clients', 'server'] as const;
export type ShareJson = Pick<Share, (typeof JSON_FIELDS)[number]> & Partial<Pick<Share, 'error'>>;

export function shareJson(share: Share): ShareJson {
  const json = Object.fromEntries(JSON_FIELDS.map((field) => [field, share[field]])) as ShareJson;
  if (share.error) json.error = share.error;
  return json;
}

function describeShare(share: Share): string {
  const lines = [`${JSON.stringify(share.session)}: ${share.state} via ${share.server}${share.clients === null ? '' : `, ${share.clients} pair${share.clients === 1 ? '' : 's'} connected`}`];
  for (const { kind, cliLabel } of LINKS) {
    const link = share.links[kind];
    if (link) lines.push(`  ${cliLabel.padEnd(14)} ${link}`);
  }
  if (share.view === 'independent') lines.push('  view:          independent (the pair switches windows without moving yours)');
  if (share.sizeNote) lines.push(`  note:          ${share.sizeNote}`);
  if (share.error) lines.push(`  error: ${share.error.message}`, `  fix:   ${share.error.fix}`);
  return lines.join('\n');
}

function pickLink(share: Share, readOnly: boolean, web: boolean): string {
  const key = linkKindFor(readOnly, web);
  const link = share.links[key];
  if (!link) {
    throw errors.invalidArgument(
      'link',
      web ? `the server ${share.server} gives no web links (a self-hosted tmate server without its web back end); use the ssh link` : `the server gave no ${linkInfo(key).cliLabel} link`,
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
        all: { type: 'boolean' },
        socket: { type: 'string' },
        view: { type: 'string' },
        size: { type: 'string' },
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
        const options = {
          ...(values.view === undefined ? {} : { view: parsePref('pair.view', values.view) }),
          ...(values.size === undefined ? {} : { size: parsePref('pair.size', values.size) }),
        };
        const share = await runtime.shares.share({ session: rest[0], socket: values.socket }, options);
        if (values.copy) await copyToClipboard(pickLink(share, false, false), io.env);
        if (values.json) io.stdout(JSON.stringify(shareJson(share), null, 2) + '\n');
        else {
          io.stdout(describeShare(share) + '\n');
          if (values.copy) io.stdout('The ssh link is on the clipboard.\n');
          io.stdout(`End it with: pairbar stop ${shellWord(share.session)}${share.socket === defaultSocket(io.env) ? '' : ` --socket ${shellWord(share.socket)}`}\n`);
        }
        return 0;
      }
      case 'url': {
        expectArgs(1);
        const share = chooseShare(runtime, await runtime.shares.adopt(), rest[0], values.socket);
        const link = pickLink(share, Boolean(values['read-only']), Boolean(values.web));
        if (values.copy) await copyToClipboard(link, io.env);
        io.stdout(link + '\n');
        return 0;
      }
      case 'status': {
        expectArgs(0);
        const shares = await runtime.shares.adopt();
        if (values.json) io.stdout(JSON.stringify(shares.map(shareJson), null, 2) + '\n');
        else io.stdout(shares.length === 0 ? 'Nothing is shared.\n' : shares.map(describeShare).join('\n') + '\n');
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
    if (key !== undefined && !isPrefKey(key)) throw new UsageError(`unknown preference ${JSON.stringify(key)}; known: ${PREF_KEYS.join(', ')}`);
    if (key !== undefined) {
      io.stdout(json ? JSON.stringify(prefs[key]) + '\n' : `${prefs[key]}\n`);
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
    if (!isPrefKey(key)) throw new UsageError(`unknown preference ${JSON.stringify(key)}; known: ${PREF_KEYS.join(', ')}`);
    if (!runtime.store) throw errors.invalidPreference(key, problems[0]?.message ?? 'the preferences file cannot be opened');
    const value = writePref(runtime.store, key, values[0]);
    io.stdout(`${key} = ${JSON.stringify(value)}\n`);
    return 0;
  }
  throw new UsageError('config needs get or set');
}

/** A session name as the user would type it back into a shell. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./+-]+$/.test(value) && !value.startsWith('-') ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

declare const PAIRBAR_VERSION: string | undefined;
const VERSION = typeof PAIRBAR_VERSION === 'string' ? PAIRBAR_VERSION : 'dev';

/** Runs the command with this process's arguments and streams, and sets the exit code. */
export function run(): void {
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`pairbar: ${toErrorInfo(error).message}\n`);
      process.exitCode = 1;
    },
  );
}
