/**
 * The checks the IPC handlers make of what the page sends: every argument is untrusted (a flaw in the page,
 * a hostile frame), so each is checked for type, length and shape, and what it names (a session, a share,
 * a server) is looked up in what the main process itself knows.
 */
import type { ServerInput, ShareTargetArg, ShareView } from '../../contract.ts';
import { errors, type ErrorInfo } from '../../core/errors.ts';
import { isShareId } from '../../core/runtime-dir.ts';
import {
  checkHost,
  checkPort,
  hasFingerprint,
  isShutDown,
  MAX_PASTE_BYTES,
  PROFILE_FIELDS,
  validateProfile,
  type ServerProfile,
} from '../../core/servers.ts';
import type { IpcContext } from './handler.ts';

const MAX_NAME = 256;
const MAX_PATH = 4096;

/** The refusal of an argument: what it is, and why. */
export function invalid(what: string, reason: string): { ok: false; error: ErrorInfo } {
  return { ok: false, error: errors.invalidArgument(what, reason).toJSON() };
}

export function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max && !value.includes('\0');
}

export function validateShareTarget(value: unknown): ShareTargetArg | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort().join(',');
  if (keys === 'blank') return record.blank === true ? { blank: true } : 'blank must be true';
  if (keys !== 'session,socket') return 'expected { session, socket } or { blank: true }';
  if (!isText(record.session, MAX_NAME)) return `session must be text of 1 to ${MAX_NAME} characters`;
  if (!isText(record.socket, MAX_PATH) || !record.socket.startsWith('/')) return 'socket must be an absolute path';
  return { session: record.session, socket: record.socket };
}

/** The longest paste the server screen takes: a tmate.conf's server lines are a few hundred characters. */
/** The same limit as `server add --paste`'s standard input (counted in characters here, as the page sends text). */
const MAX_PASTE = MAX_PASTE_BYTES;

/** A plain object with exactly `keys` (any order), or why not. */
function exactObject(value: unknown, keys: readonly string[]): Record<string, unknown> | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
  const record = value as Record<string, unknown>;
  const found = Object.keys(record).sort().join(',');
  if (found !== [...keys].sort().join(',')) return `expected exactly the fields ${keys.join(', ')}`;
  return record;
}

export function validateServerInput(value: unknown): ServerInput | string {
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, 'paste')) {
    const record = exactObject(value, ['paste']);
    if (typeof record === 'string') return record;
    return isText(record.paste, MAX_PASTE)
      ? { paste: record.paste }
      : `paste must be text of 1 to ${MAX_PASTE} characters`;
  }
  const record = exactObject(value, ['host', 'port']);
  if (typeof record === 'string') return 'expected { paste } or { host, port }';
  const problem = checkHost(record.host) ?? checkPort(record.port);
  return problem ?? { host: record.host as string, port: record.port as number };
}

/** A whole profile, every field present, with a fingerprint to pin (unless it is tmate.io's, which pins tmate's own). */
export function validateProfileArg(value: unknown): ServerProfile | string {
  const record = exactObject(value, PROFILE_FIELDS);
  if (typeof record === 'string') return record;
  const profile = validateProfile(record);
  if ('error' in profile) return profile.error;
  if (!isShutDown(profile) && !hasFingerprint(profile))
    return `${profile.name} has no host key fingerprint: read and confirm the server's keys first`;
  return profile;
}

/** The share in the current snapshot with this id, or why there is none. */
export function knownShare({ state }: IpcContext, shareId: unknown): ShareView | string {
  if (!isShareId(shareId)) return 'expected a share id (8 hexadecimal digits)';
  return (
    state.snapshot().shares.find((share) => share.id === shareId) ??
    `no share has the id ${shareId}; refresh and pick again`
  );
}

/** A saved server's name, or why it is not one. */
export function knownServer({ state }: IpcContext, name: unknown): string | { error: string } {
  if (!isText(name, MAX_NAME)) return { error: 'expected a server name' };
  const names = state.runtime.prefs().prefs.servers.map((profile) => profile.name);
  return names.includes(name)
    ? name
    : { error: `there is no server named ${JSON.stringify(name)}; yours: ${names.join(', ') || 'none'}` };
}
