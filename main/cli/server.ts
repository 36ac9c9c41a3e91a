/**
 * `pairbar server …`: list, add (from HOST[:PORT] or a pasted tmate.conf, with trust on first use), use,
 * remove and test the tmate servers. Loaded only when the command is `server`, so the other commands
 * start without it.
 */
import { errors, PairbarError } from '../core/errors.ts';
import type { HostKey } from '../core/hostkeys.ts';
import { profileFromKeys } from '../core/hostkeys.ts';
import type { ServerTestResult } from '../core/server-test.ts';
import {
  checkName,
  fingerprintField,
  hasFingerprint,
  isShutDown,
  KEY_TYPES,
  MAX_PASTE_BYTES,
  parseHostPort,
  parsePaste,
  serverLabel,
  SHUT_DOWN_LABEL,
  TMATE_IO_PROFILE,
  type ServerProfile,
} from '../core/servers.ts';
import type { PrefsStore } from '../prefs/file.ts';
import { readPrefs } from '../prefs/load.ts';
import { addServer, removeServer, useServer } from '../prefs/servers.ts';
import type { Runtime } from '../runtime.ts';
import type { CommandContext } from './context.ts';
import { commandRuntime } from './common.ts';
import { UsageError } from './usage-error.ts';

export interface ServerIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** All of standard input (for --paste). */
  readAll: () => Promise<string>;
  /** One line of standard input, or null at its end (for the trust question). */
  readLine: () => Promise<string | null>;
}

export interface ServerFlags {
  json: boolean;
  paste: boolean;
  trust: boolean;
}

function store(runtime: Runtime): PrefsStore {
  if (!runtime.store)
    throw new PairbarError(
      'INVALID_PREFERENCE',
      runtime.prefs().problems[0]?.message ?? 'The preferences file cannot be opened.',
      'Fix or remove that file, then try again.',
    );
  return runtime.store;
}

function describe(profile: ServerProfile, active: boolean): string {
  const pinned = KEY_TYPES.filter((type) => profile[fingerprintField(type)] !== '');
  const keys =
    pinned.length > 0
      ? `keys: ${pinned.join(', ')}`
      : isShutDown(profile)
        ? "tmate's built-in keys"
        : 'no confirmed key (run: pairbar server add ' + profile.name + ' ' + serverLabel(profile) + ')';
  return `${active ? '*' : ' '} ${profile.name}  ${serverLabel(profile)}  (${keys})${isShutDown(profile) ? `  [${SHUT_DOWN_LABEL}]` : ''}`;
}

function keyLines(keys: readonly HostKey[]): string {
  return keys.map((key) => `  ${key.type.padEnd(8)} ${key.fingerprint}`).join('\n');
}

export async function serverCommand(
  runtime: Runtime,
  io: ServerIo,
  args: string[],
  flags: ServerFlags,
): Promise<number> {
  const [action, ...rest] = args;
  const takes = (max: number) => {
    if (rest.length > max)
      throw new UsageError(`too many arguments for server ${action}: ${rest.slice(max).join(' ')}`);
  };
  switch (action) {
    case 'list': {
      takes(0);
      const { prefs, problems } = runtime.prefs();
      for (const problem of problems) io.stderr(`pairbar: warning: ${problem.message}\n`);
      const active = prefs['server.active'];
      if (flags.json) {
        io.stdout(
          JSON.stringify(
            prefs.servers.map((profile) => ({
              ...profile,
              active: profile.name === active,
              shutDown: isShutDown(profile),
            })),
            null,
            2,
          ) + '\n',
        );
      } else if (prefs.servers.length === 0) {
        io.stdout('No tmate server yet. Add yours: pairbar server add NAME HOST[:PORT]\n');
      } else {
        for (const profile of prefs.servers) io.stdout(describe(profile, profile.name === active) + '\n');
        if (active === '') io.stdout('None is in use: pairbar server use NAME\n');
      }
      return 0;
    }
    case 'add':
      takes(2);
      return add(runtime, io, rest[0], rest[1], flags);
    case 'use': {
      takes(1);
      const name = required(rest[0], 'server use needs a NAME');
      const profile = useServer(store(runtime), name);
      io.stdout(`New shares go to ${profile.name} (${serverLabel(profile)}).\n`);
      if (isShutDown(profile))
        io.stderr(
          `pairbar: warning: ${profile.name} is tmate.io, ${SHUT_DOWN_LABEL}: shares there will most likely fail.\n`,
        );
      return 0;
    }
    case 'remove': {
      takes(1);
      const name = required(rest[0], 'server remove needs a NAME');
      const { wasActive } = removeServer(store(runtime), name);
      io.stdout(`Removed ${name}.\n`);
      if (wasActive) io.stdout('No server is in use now; choose one with: pairbar server use NAME\n');
      return 0;
    }
    case 'test': {
      takes(1);
      const result = await runtime.testServer(rest[0]);
      io.stdout(flags.json ? JSON.stringify(result, null, 2) + '\n' : describeTest(result));
      return result.ok ? 0 : 1;
    }
    case undefined:
      throw new UsageError('server needs list, add, use, remove or test');
    default:
      throw new UsageError(`unknown server command ${JSON.stringify(action)}`);
  }
}

function required(value: string | undefined, message: string): string {
  if (value === undefined) throw new UsageError(message);
  return value;
}

function describeTest(result: ServerTestResult): string {
  const yes = (value: boolean) => (value ? 'yes' : 'no');
  if (!result.ok)
    return `${result.name} (${result.server}): FAILED after ${(result.ms / 1000).toFixed(1)} s\n  ${result.error.message}\n  ${result.error.fix}\n`;
  const { offers } = result;
  return [
    `${result.name} (${result.server}): OK, links in ${(result.msToLinks / 1000).toFixed(1)} s`,
    `  ssh link:             ${yes(offers.ssh)}`,
    `  read-only ssh link:   ${yes(offers.sshReadOnly)}`,
    `  web links:            ${yes(offers.web && offers.webReadOnly)}`,
    `  reports who joins:    ${yes(offers.reportsPairs)}`,
    '',
  ].join('\n');
}

async function add(
  runtime: Runtime,
  io: ServerIo,
  name: string | undefined,
  address: string | undefined,
  flags: ServerFlags,
): Promise<number> {
  if (name === undefined) throw new UsageError('server add needs a NAME');
  const nameProblem = checkName(name);
  if (nameProblem) throw errors.invalidArgument('server name', nameProblem);
  if (address !== undefined && flags.paste) throw new UsageError('give HOST[:PORT] or --paste, not both');
  let profile: ServerProfile;
  if (flags.paste) {
    const pasted = parsePaste(await io.readAll());
    profile = { name, port: 22, rsaFingerprint: '', ed25519Fingerprint: '', ecdsaFingerprint: '', ...pasted };
  } else if (address !== undefined) {
    const { host, port } = parseHostPort(address);
    profile = { name, host, port: port ?? 22, rsaFingerprint: '', ed25519Fingerprint: '', ecdsaFingerprint: '' };
  } else if (name === TMATE_IO_PROFILE.name) {
    profile = { ...TMATE_IO_PROFILE };
  } else {
    throw new UsageError('server add needs HOST[:PORT], or --paste with the tmate.conf lines on stdin');
  }
  if (isShutDown(profile))
    io.stderr(
      `pairbar: warning: ${serverLabel(profile)} is tmate.io, ${SHUT_DOWN_LABEL}: shares there will most likely fail.\n`,
    );
  if (!isShutDown(profile) && !hasFingerprint(profile)) {
    const keys = await runtime.scanHostKeys(profile);
    io.stdout(`${serverLabel(profile)} presents these host keys:\n${keyLines(keys)}\n`);
    io.stdout(
      "Compare them with what your server's operator gave you (on the server: ssh-keygen -l -E sha256 -f KEY.pub).\n",
    );
    if (flags.trust) {
      io.stdout('Trusted without asking (--trust).\n');
    } else {
      io.stdout(`Trust them and save ${name}? [y/N] `);
      const answer = (await io.readLine())?.trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') {
        io.stdout('\n');
        io.stderr(
          `pairbar: not saved: the keys were not confirmed.\nRun it again and answer y once they match, or pass --trust in a script that has checked them.\n`,
        );
        return 1;
      }
    }
    profile = profileFromKeys(name, profile, keys);
  }
  const { replaced, active } = addServer(store(runtime), profile);
  const pinned = KEY_TYPES.filter((type) => profile[fingerprintField(type)] !== '').map(
    (type) => `${type} ${profile[fingerprintField(type)]}`,
  );
  io.stdout(
    `${replaced ? 'Replaced' : 'Saved'} ${name} (${serverLabel(profile)})${pinned.length > 0 ? `, pinning ${pinned.join(', ')}` : ''}.\n`,
  );
  io.stdout(
    active
      ? `New shares go to ${name}.\n`
      : `New shares still go to ${readPrefs(store(runtime)).prefs['server.active']}; to use this one: pairbar server use ${name}\n`,
  );
  return 0;
}

/** The subcommand's entry: `pairbar server ACTION …`. */
export async function run({ args, values, io }: CommandContext): Promise<number> {
  // add, use and remove write the preferences: open the file as `config set` does (the other commands only read it).
  const { openPrefsStore } = await import('../prefs/prefs-store.ts');
  const runtime = commandRuntime(io, openPrefsStore(io.env));
  try {
    return await serverCommand(
      runtime,
      {
        stdout: io.stdout,
        stderr: io.stderr,
        readAll: io.readAll ?? readAllStdin,
        readLine: io.readLine ?? readStdinLine,
      },
      args,
      {
        json: Boolean(values.json),
        paste: Boolean(values.paste),
        trust: Boolean(values.trust),
      },
    );
  } finally {
    runtime.shares.close();
  }
}

/** Standard input for --paste, refused past MAX_PASTE_BYTES (as the popover's paste is) without reading on. */
async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    total += (chunk as Buffer).length;
    if (total > MAX_PASTE_BYTES) {
      process.stdin.destroy();
      throw errors.invalidArgument(
        'server lines',
        `standard input holds more than ${MAX_PASTE_BYTES / 1024} KiB; the tmate-server lines of a tmate.conf are a few hundred bytes`,
      );
    }
    chunks.push(chunk as Buffer);
  }
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
