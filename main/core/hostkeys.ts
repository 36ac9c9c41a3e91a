/**
 * What a tmate server presents: whether anything answers at HOST:PORT, and the SSH host keys it offers,
 * as the `SHA256:` fingerprints tmate pins. Used for trust on first use (the user compares them with what
 * the server's operator gave out before anything is saved) and to name what a server presented when tmate
 * only says "Cannot authenticate server".
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { errors, PairbarError } from './errors.ts';
import { CommandError, run } from './process.ts';
import { findProgram } from './programs.ts';
import {
  fingerprintField,
  KEY_TYPES,
  serverLabel,
  type KeyType,
  type ServerProfile,
  type ServerSettings,
} from './servers.ts';

export interface HostKey {
  type: KeyType;
  /** The SSH algorithm name, e.g. ssh-ed25519. */
  algorithm: string;
  /** `SHA256:` + unpadded base64 of the SHA-256 of the key blob, as `ssh-keygen -l -E sha256` prints it. */
  fingerprint: string;
}

/** The fingerprint of a public key blob given as base64 (the middle field of a known_hosts line). */
export function fingerprintOf(blobBase64: string): string {
  return 'SHA256:' + createHash('sha256').update(Buffer.from(blobBase64, 'base64')).digest('base64').replace(/=+$/, '');
}

function keyType(algorithm: string): KeyType | undefined {
  if (algorithm === 'ssh-ed25519') return 'ed25519';
  if (algorithm === 'ssh-rsa') return 'rsa';
  if (algorithm.startsWith('ecdsa-sha2-')) return 'ecdsa';
  return undefined;
}

/** Reads ssh-keyscan's output: `HOST ALGORITHM BASE64` per key ('#' lines are its banner comments). */
export function parseKeyscan(stdout: string): HostKey[] {
  const keys: HostKey[] = [];
  for (const line of stdout.split('\n')) {
    const [, algorithm = '', blob = ''] = line.trim().split(/\s+/);
    const type = keyType(algorithm);
    if (!type || !/^[A-Za-z0-9+/]+=*$/.test(blob) || line.startsWith('#')) continue;
    if (!keys.some((key) => key.type === type)) keys.push({ type, algorithm, fingerprint: fingerprintOf(blob) });
  }
  return keys.sort((a, b) => KEY_TYPES.indexOf(a.type) - KEY_TYPES.indexOf(b.type));
}

/**
 * Whether a TCP connection to HOST:PORT opens within the time limit. Resolves when it does; rejects with
 * the typed error a person can act on: the name not found, the port refused, or no answer in time.
 */
export function probeServer(server: Pick<ServerSettings, 'host' | 'port'>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(errors.serverUnreachable(server.host, server.port, Math.ceil(timeoutMs / 1000), 'no answer'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      if (error.code === 'ENOTFOUND' || error.code === 'EAI_NONAME' || error.code === 'EAI_NODATA')
        reject(errors.serverNameNotFound(server.host, server.port));
      else if (error.code === 'ECONNREFUSED') reject(errors.serverRefused(server.host, server.port));
      else
        reject(
          errors.serverUnreachable(server.host, server.port, Math.ceil(timeoutMs / 1000), error.code ?? error.message),
        );
    });
  });
}

/** Where openssh-client puts ssh-keyscan, for an app started with a PATH that lacks it. */
const KEYSCAN_DIRS = ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin'];

export interface ScanOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Default: ssh-keyscan in an absolute PATH entry or a system directory (openssh-client). */
  keyscan?: string;
}

/**
 * The host keys HOST:PORT presents, one per type it offers, within the time limit. Rejects with the
 * reason when nothing answers, and when it answers without a key Pairbar can read.
 */
export async function scanHostKeys(
  server: Pick<ServerSettings, 'host' | 'port'>,
  options: ScanOptions = {},
): Promise<HostKey[]> {
  const timeoutMs = options.timeoutMs ?? 8_000;
  const started = Date.now();
  await probeServer(server, timeoutMs);
  const left = Math.max(1_000, timeoutMs - (Date.now() - started));
  // Found by absolute path only (programs.ts): a planted ssh-keyscan would get to say which key the server has.
  const keyscan = options.keyscan ?? (await findProgram('ssh-keyscan', options.env ?? process.env, KEYSCAN_DIRS));
  if (keyscan === undefined) throw errors.keyscanMissing();
  let stdout: string;
  try {
    ({ stdout } = await run(
      keyscan,
      ['-T', String(Math.ceil(left / 1000)), '-p', String(server.port), '-t', KEY_TYPES.join(','), server.host],
      {
        env: options.env,
        timeoutMs: left + 1_000,
      },
    ));
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (error.notFound) throw errors.keyscanMissing();
    // ssh-keyscan exits 1 when it read no key at all: that is judged below, like an empty answer.
    stdout = '';
  }
  const keys = parseKeyscan(stdout);
  if (keys.length === 0) {
    throw new PairbarError(
      'SERVER_UNREACHABLE',
      `${serverLabel(server)} answered, but presented no SSH host key Pairbar could read within ${Math.ceil(timeoutMs / 1000)} s.`,
      'Check that this is the port of tmate-ssh-server (not a web server or another service), then try again.',
    );
  }
  return keys;
}

/**
 * The error for "Cannot authenticate server": names the configured fingerprints and what the server
 * presents now (read again, since tmate does not say). A scan that fails leaves "unknown" in the message.
 */
export async function fingerprintMismatch(server: ServerSettings, options: ScanOptions = {}): Promise<PairbarError> {
  let presented: string[] = [];
  try {
    presented = (await scanHostKeys(server, { timeoutMs: 4_000, ...options })).map(
      (key) => `${key.type} ${key.fingerprint}`,
    );
  } catch {
    // Named as unknown in the message.
  }
  const configured = KEY_TYPES.filter((type) => server[fingerprintField(type)] !== '').map(
    (type) => `${type} ${server[fingerprintField(type)]}`,
  );
  return errors.fingerprintMismatch(server.host, server.port, configured, presented);
}

/** A profile that pins exactly the keys read (for the user to confirm before it is saved). */
export function profileFromKeys(
  name: string,
  server: Pick<ServerSettings, 'host' | 'port'>,
  keys: readonly HostKey[],
): ServerProfile {
  const profile: ServerProfile = {
    name,
    host: server.host,
    port: server.port,
    rsaFingerprint: '',
    ed25519Fingerprint: '',
    ecdsaFingerprint: '',
  };
  for (const key of keys) profile[fingerprintField(key.type)] = key.fingerprint;
  return profile;
}
