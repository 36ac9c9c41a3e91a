/**
 * tmate servers as named profiles: what one is, how it is validated, how it is written, and how a server
 * operator's hand-out (tmate.conf lines, or HOST[:PORT]) is read into one. Pure: no files, no processes.
 * Choosing which profile a share uses is not the core's business; it is handed a validated one.
 */
import { errors } from './errors.ts';

export const KEY_TYPES = ['ed25519', 'rsa', 'ecdsa'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export type FingerprintField = `${KeyType}Fingerprint`;

export interface ServerSettings {
  host: string;
  port: number;
  rsaFingerprint: string;
  ed25519Fingerprint: string;
  ecdsaFingerprint: string;
}

export interface ServerProfile extends ServerSettings {
  name: string;
}

export const PROFILE_FIELDS = [
  'name',
  'host',
  'port',
  'rsaFingerprint',
  'ed25519Fingerprint',
  'ecdsaFingerprint',
] as const;

export function fingerprintField(type: KeyType): FingerprintField {
  return `${type}Fingerprint`;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
export const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** tmate.io's public servers, shut down in 2025: kept only for someone who names them on purpose. */
export const TMATE_IO_HOST = 'ssh.tmate.io';
export const SHUT_DOWN_LABEL = 'shut down since 2025';

export function isShutDown(server: Pick<ServerSettings, 'host'>): boolean {
  return /(^|\.)tmate\.io\.?$/i.test(server.host);
}

/**
 * The profile `pairbar server add tmate.io` makes. No fingerprints: tmate's built-in ones are tmate.io's.
 * For every other server an empty fingerprint would leave tmate checking against those built-in ones,
 * which is why validation demands at least one there.
 */
export const TMATE_IO_PROFILE: ServerProfile = {
  name: 'tmate.io',
  host: TMATE_IO_HOST,
  port: 22,
  rsaFingerprint: '',
  ed25519Fingerprint: '',
  ecdsaFingerprint: '',
};

export function checkName(name: unknown): string | undefined {
  if (typeof name !== 'string' || !NAME.test(name))
    return 'a name is 1 to 63 letters, digits, dots, dashes or underscores, starting with a letter or digit';
  return undefined;
}

const IPV4_PART = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${IPV4_PART}(?:\\.${IPV4_PART}){3}$`);

/**
 * 4 or 6 for an IPv4 or IPv6 address, else 0: node:net's isIP without loading node:net (and the streams it
 * brings), which would cost `pairbar status` more than the rest of its work. IPv6 is left to the URL parser,
 * which is in Node already; unlike isIP it refuses a zone (`fe80::1%eth0`), which no tmate server address
 * needs.
 */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (IPV4.test(text)) return 4;
  if (!text.includes(':') || /[^0-9a-fA-F:.]/.test(text)) return 0;
  try {
    new URL(`http://[${text}]/`);
    return 6;
  } catch {
    return 0;
  }
}

/** A host name or IP address (IPv6 without brackets); undefined when valid, else why not. */
export function checkHost(host: unknown): string | undefined {
  if (typeof host !== 'string' || host === '') return 'expected a host name or IP address such as tmate.example.com';
  if (ipVersion(host) !== 0 || DNS_NAME.test(host)) return undefined;
  return `${shownText(host)} is not a host name or IP address (such as tmate.example.com)`;
}

export function checkPort(port: unknown): string | undefined {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    return 'expected a port, a whole number from 1 to 65535';
  return undefined;
}

export function checkFingerprint(value: unknown): string | undefined {
  if (value === '') return undefined;
  if (typeof value !== 'string' || !FINGERPRINT.test(value))
    return 'expected SHA256: followed by 43 base64 characters, as `ssh-keygen -l -E sha256 -f KEY.pub` prints it';
  return undefined;
}

/** Checks a profile as found in the file (hand-edited or not); returns it or the first thing wrong. */
export function validateProfile(value: unknown): ServerProfile | { error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { error: 'a server is an object { name, host, port, …Fingerprint }' };
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !(PROFILE_FIELDS as readonly string[]).includes(key));
  const label = typeof record.name === 'string' ? `server ${JSON.stringify(record.name)}` : 'a server';
  if (unknown.length > 0) return { error: `${label} has fields Pairbar does not know: ${unknown.join(', ')}` };
  const profile = {
    name: record.name,
    host: record.host,
    port: record.port ?? 22,
    rsaFingerprint: record.rsaFingerprint ?? '',
    ed25519Fingerprint: record.ed25519Fingerprint ?? '',
    ecdsaFingerprint: record.ecdsaFingerprint ?? '',
  };
  const problem =
    checkName(profile.name) ??
    prefixed('host', checkHost(profile.host)) ??
    prefixed('port', checkPort(profile.port)) ??
    KEY_TYPES.map((type) => prefixed(fingerprintField(type), checkFingerprint(profile[fingerprintField(type)]))).find(
      Boolean,
    );
  if (problem) return { error: `${label}: ${problem}` };
  // No fingerprint is valid at rest (the migration keeps a host that had none); resolving one for a share
  // refuses it until its keys are confirmed.
  return profile as ServerProfile;
}

function prefixed(field: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${field}: ${problem}`;
}

export function hasFingerprint(server: ServerSettings): boolean {
  return KEY_TYPES.some((type) => server[fingerprintField(type)] !== '');
}

/** The `servers` list as found in the file: every profile valid, no name twice. */
export function validateServers(value: unknown): ServerProfile[] | { error: string } {
  if (!Array.isArray(value)) return { error: 'expected a list of servers' };
  const seen = new Set<string>();
  const profiles: ServerProfile[] = [];
  for (const entry of value) {
    const profile = validateProfile(entry);
    if ('error' in profile) return profile;
    if (seen.has(profile.name)) return { error: `two servers are named ${JSON.stringify(profile.name)}` };
    seen.add(profile.name);
    profiles.push(profile);
  }
  return profiles;
}

/** host:port as a person writes it, with brackets around an IPv6 address. */
export function serverLabel(server: Pick<ServerSettings, 'host' | 'port'>): string {
  return `${ipVersion(server.host) === 6 ? `[${server.host}]` : server.host}:${server.port}`;
}

/** A profile name made from a host name (the migration names a profile after the host it had). */
export function nameFromHost(host: string, taken: ReadonlySet<string> = new Set()): string {
  const base =
    host
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 56) || 'server';
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}

// ---------------------------------------------------------------------------------------------------------
// What a server's operator hands out.

/** What a paste gave: the host is always there; the rest only where the paste said so. */
export interface PastedServer {
  host: string;
  port?: number;
  rsaFingerprint?: string;
  ed25519Fingerprint?: string;
  ecdsaFingerprint?: string;
}

/** `HOST`, `HOST:PORT`, `[IPv6]:PORT`, `[IPv6]` or a bare IPv6 address; throws naming what is wrong. */
export function parseHostPort(text: string): { host: string; port?: number } {
  const value = text.trim();
  if (value.includes('/'))
    throw errors.invalidArgument('server address', `${shownText(value)}: expected HOST[:PORT], not a URL`);
  let host = value;
  let portText: string | undefined;
  const bracketed = value.match(/^\[([^\]]*)\](?::(.*))?$/);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
    if (ipVersion(host) !== 6)
      throw errors.invalidArgument('server address', `${shownText(value)}: only an IPv6 address goes in brackets`);
  } else if (ipVersion(value) === 6) {
    host = value;
  } else {
    const colon = value.lastIndexOf(':');
    if (colon !== -1) {
      host = value.slice(0, colon);
      portText = value.slice(colon + 1);
    }
  }
  const hostProblem = checkHost(host);
  if (hostProblem) throw errors.invalidArgument('server address', `${shownText(value)}: ${hostProblem}`);
  if (portText === undefined) return { host };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  const portProblem = checkPort(port);
  if (portProblem) throw errors.invalidArgument('server address', `${shownText(value)}: ${portProblem}`);
  return { host, port };
}

const OPTION_FIELDS: Record<string, keyof PastedServer> = {
  'tmate-server-host': 'host',
  'tmate-server-port': 'port',
  'tmate-server-rsa-fingerprint': 'rsaFingerprint',
  'tmate-server-ed25519-fingerprint': 'ed25519Fingerprint',
  'tmate-server-ecdsa-fingerprint': 'ecdsaFingerprint',
};

/**
 * Splits one tmux config line into words the way tmux reads the simple cases an operator hands out:
 * single or double quotes, backslash escapes in double quotes, `#` outside quotes starts a comment.
 * Returns undefined for a quote left open.
 */
function words(line: string): string[] | undefined {
  const out: string[] = [];
  let current: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (current !== undefined) out.push(current);
      current = undefined;
    } else if (c === '#' && current === undefined) {
      break;
    } else if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end === -1) return undefined;
      let text = line.slice(i + 1, end);
      if (c === '"') text = text.replace(/\\(.)/g, '$1');
      current = (current ?? '') + text;
      i = end;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}

/**
 * Reads what a server's operator hands out: the `set -g tmate-server-…` lines of a tmate.conf (quoted or
 * not, `set-option` too, comments, CRLF), or one `HOST[:PORT]` line. Every value is validated; a line it
 * does not understand is named in the error, and nothing partial is returned.
 */
/** The most a paste may hold, in the popover and on `server add --paste`'s standard input: a tmate.conf's server lines are a few hundred bytes. */
export const MAX_PASTE_BYTES = 16 * 1024;

/** How much of a line or value an error repeats: enough to recognise it, never a whole pasted file. */
const SHOWN_CHARS = 80;

/** `text` as an error shows it: quoted, and cut to SHOWN_CHARS with the length said when longer. */
export function shownText(text: string): string {
  return text.length <= SHOWN_CHARS
    ? JSON.stringify(text)
    : `${JSON.stringify(text.slice(0, SHOWN_CHARS))}… (${text.length} characters)`;
}

export function parsePaste(text: string): PastedServer {
  const lines = text.split(/\r?\n|\r/).map((raw, index) => ({ raw, number: index + 1, text: raw.trim() }));
  const meaningful = lines.filter((line) => line.text !== '' && !line.text.startsWith('#'));
  if (meaningful.length === 0)
    throw errors.invalidArgument(
      'server',
      'nothing to read: paste the tmate-server lines of a tmate.conf, or HOST[:PORT]',
    );
  const first = meaningful[0]!;
  if (meaningful.length === 1 && !/^set(-option)?\s/.test(first.text)) {
    const only = words(first.text);
    if (only && only.length === 1) return parseHostPort(only[0]!);
  }
  const found: Partial<Record<keyof PastedServer, string | number>> = {};
  const where: Record<string, number> = {};
  for (const line of meaningful) {
    const bad = (why: string) =>
      errors.invalidArgument('server lines', `line ${line.number} (${shownText(line.raw.trim())}): ${why}`);
    const parts = words(line.text);
    if (!parts) throw bad('a quote is not closed');
    const [command, ...args] = parts;
    if (command !== 'set' && command !== 'set-option')
      throw bad('expected `set -g tmate-server-…` lines, or HOST[:PORT] alone');
    const flags = args.filter((arg) => arg.startsWith('-'));
    const rest = args.filter((arg) => !arg.startsWith('-'));
    if (flags.some((flag) => !/^-[gq]+$/.test(flag)))
      throw bad(`the flag ${flags.find((flag) => !/^-[gq]+$/.test(flag))} is not one Pairbar reads (only -g)`);
    const [option, value, ...extra] = rest;
    const field = option === undefined ? undefined : OPTION_FIELDS[option];
    if (!field)
      throw bad(
        `${option === undefined ? 'no option' : `the option ${option}`} is not a tmate-server one Pairbar reads (host, port, rsa/ed25519/ecdsa fingerprint)`,
      );
    if (value === undefined || extra.length > 0) throw bad(`expected one value for ${option}`);
    let parsed: string | number = value;
    const problem =
      field === 'host'
        ? checkHost(value)
        : field === 'port'
          ? checkPort((parsed = /^\d{1,5}$/.test(value) ? Number(value) : NaN))
          : value === ''
            ? 'the fingerprint is empty'
            : checkFingerprint(value);
    if (problem) throw bad(problem);
    if (field in where && found[field] !== parsed)
      throw bad(`${option} was already set to a different value on line ${where[field]}`);
    found[field] = parsed;
    where[field] = line.number;
  }
  if (typeof found.host !== 'string') throw errors.invalidArgument('server lines', 'they set no tmate-server-host');
  return found as PastedServer;
}
