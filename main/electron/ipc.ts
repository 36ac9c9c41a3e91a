/**
 * Registers every contract channel. Each handler first checks that the call comes from the popover, then
 * validates every argument (type, length, known session, known key) before the core sees it. Electron's
 * objects come in as parameters: the app passes the real ones, the ui tests the stand-in.
 */
import { CHANNELS, COMMAND_PROBLEMS, type InvokeChannel, type InvokeMap, type Result, type ServerInput, type ShareTargetArg, type ShareView } from '../contract.ts';
import { errors, type ErrorInfo } from '../core/errors.ts';
import { validateShareOptions } from '../core/share-options.ts';
import { isLinkKind, LINK_KINDS } from '../core/links.ts';
import { checkHost, checkPort, hasFingerprint, isShutDown, PROFILE_FIELDS, validateProfile, type ServerProfile } from '../core/servers.ts';
import { isShareId } from '../core/runtime-dir.ts';
import { isPrefKey, parsePref } from '../prefs/schema.ts';
import { linkToCopyOnShare, type AppState } from '../app/app-state.ts';

/** What ipc.ts needs of an IPC event: who sent it. */
export interface IpcEventLike {
  sender: unknown;
  /** parent is null for a top frame. */
  senderFrame?: { url: string; parent?: unknown } | null;
}

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcDeps {
  ipcMain: IpcMainLike;
  state: AppState;
  /** True only for the popover's own page. */
  isTrustedSender(event: IpcEventLike): boolean;
  /** Electron 45's clipboard.writeText resolves once the text is on the clipboard. */
  writeClipboard(text: string): Promise<void> | void;
  hidePopover(): void;
}

const MAX_NAME = 256;
const MAX_PATH = 4096;

function invalid(what: string, reason: string): { ok: false; error: ErrorInfo } {
  return { ok: false, error: errors.invalidArgument(what, reason).toJSON() };
}

function isText(value: unknown, max: number): value is string {
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
const MAX_PASTE = 16_384;

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
    return isText(record.paste, MAX_PASTE) ? { paste: record.paste } : `paste must be text of 1 to ${MAX_PASTE} characters`;
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
  if (!isShutDown(profile) && !hasFingerprint(profile)) return `${profile.name} has no host key fingerprint: read and confirm the server's keys first`;
  return profile;
}

/** Registers every handler (replacing any earlier registration, so a reload can't double them). */
export function registerIpc(deps: IpcDeps): () => void {
  const { ipcMain, state } = deps;
  const registered: string[] = [];

  /** A share or New links that worked, with its link copied where Copy on share is on. */
  const copiedOnShare = async (result: Result<ShareView>): Promise<Result<ShareView>> => {
    const link = result.ok ? linkToCopyOnShare(result.value, state.runtime.prefs().prefs) : null;
    if (link) await deps.writeClipboard(link);
    return result;
  };

  /** The share in the current snapshot with this id, or why there is none. */
  const knownShare = (shareId: unknown): ShareView | string => {
    if (!isShareId(shareId)) return 'expected a share id (8 hexadecimal digits)';
    return state.snapshot().shares.find((share) => share.id === shareId) ?? `no share has the id ${shareId}; refresh and pick again`;
  };

  /** A saved server's name, or why it is not one. */
  const knownServer = (name: unknown): string | { error: string } => {
    if (!isText(name, MAX_NAME)) return { error: 'expected a server name' };
    const names = state.runtime.prefs().prefs.servers.map((profile) => profile.name);
    return names.includes(name) ? name : { error: `there is no server named ${JSON.stringify(name)}; yours: ${names.join(', ') || 'none'}` };
  };

  /** `maxArgs`: a call with more arguments than the channel takes is refused (Result channels only). */
  function handle<C extends InvokeChannel>(channel: C, listener: (...args: unknown[]) => Promise<InvokeMap[C][1]> | InvokeMap[C][1], refused: () => InvokeMap[C][1], maxArgs?: number): void {
    ipcMain.removeHandler(channel);
    ipcMain.handle(channel, (event, ...args) => {
      if (!deps.isTrustedSender(event)) return refused();
      if (maxArgs !== undefined && args.length > maxArgs) return invalid('arguments', `${channel} takes at most ${maxArgs}`);
      return listener(...args);
    });
    registered.push(channel);
  }

  const refusedResult = (): Result<never> => ({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Refused: the request did not come from the Pairbar popover.', fix: 'Use the popover.' } });
  const refusedSnapshot = () => {
    throw new Error('Refused: the request did not come from the Pairbar popover.');
  };

  handle(CHANNELS.getState, () => state.snapshot(), refusedSnapshot);
  handle(CHANNELS.refresh, () => state.refresh(), refusedSnapshot);

  handle(
    CHANNELS.share,
    async (target, options) => {
      const checked = validateShareTarget(target);
      if (typeof checked === 'string') return invalid('share target', checked);
      const chosen = validateShareOptions(options);
      if (typeof chosen === 'string') return invalid('share options', chosen);
      if (!('blank' in checked)) {
        const known = state.snapshot().sessions.some((session) => session.name === checked.session && session.socket === checked.socket);
        if (!known) return invalid('session', `${JSON.stringify(checked.session)} is not one of the listed tmux sessions; refresh and pick again`);
      }
      return copiedOnShare(await state.share(checked, chosen));
    },
    refusedResult,
    2,
  );

  handle(
    CHANNELS.rotate,
    async (shareId) => {
      const share = knownShare(shareId);
      if (typeof share === 'string') return invalid('share', share);
      if (share.state !== 'sharing' && share.state !== 'reconnecting') return invalid('share', `${share.session} is not live; only a live share gets new links`);
      return copiedOnShare(await state.rotate(share.id));
    },
    refusedResult,
    1,
  );

  handle(
    CHANNELS.keyboard,
    async (shareId, canType) => {
      const share = knownShare(shareId);
      if (typeof share === 'string') return invalid('share', share);
      if (typeof canType !== 'boolean') return invalid('keyboard', 'expected true (give it back) or false (take it)');
      if (share.state !== 'sharing' && share.state !== 'reconnecting') return invalid('share', `${share.session} is not live; only a live share has a keyboard to take`);
      return state.setPairKeyboard(share.id, canType);
    },
    refusedResult,
    2,
  );

  handle(
    CHANNELS.readServer,
    async (input) => {
      const checked = validateServerInput(input);
      if (typeof checked === 'string') return invalid('server', checked);
      return state.readServer(checked);
    },
    refusedResult,
    1,
  );

  handle(
    CHANNELS.testServer,
    async (server) => {
      if (typeof server === 'string') {
        const name = knownServer(server);
        return typeof name === 'string' ? state.testServer(name) : invalid('server', name.error);
      }
      const profile = validateProfileArg(server);
      if (typeof profile === 'string') return invalid('server', profile);
      return state.testServer(profile);
    },
    refusedResult,
    1,
  );

  handle(
    CHANNELS.saveServer,
    async (profile) => {
      const checked = validateProfileArg(profile);
      if (typeof checked === 'string') return invalid('server', checked);
      return state.saveServer(checked);
    },
    refusedResult,
    1,
  );

  for (const [channel, change] of [
    [CHANNELS.useServer, (name: string) => state.useServer(name)],
    [CHANNELS.removeServer, (name: string) => state.removeServer(name)],
  ] as const) {
    handle(
      channel,
      async (name) => {
        const known = knownServer(name);
        return typeof known === 'string' ? change(known) : invalid('server', known.error);
      },
      refusedResult,
      1,
    );
  }

  handle(
    CHANNELS.stop,
    async (shareId) => {
      const share = knownShare(shareId);
      if (typeof share === 'string') return invalid('share', share);
      return state.stop(share.id);
    },
    refusedResult,
  );

  handle(
    CHANNELS.copy,
    async (kind, shareId) => {
      if (!isLinkKind(kind)) return invalid('link kind', `expected one of ${LINK_KINDS.join(', ')}`);
      const share = knownShare(shareId);
      if (typeof share === 'string') return invalid('share', share);
      const link = share.links[kind];
      if (!link) return invalid('link', `this server gives no ${kind} link`);
      await deps.writeClipboard(link);
      return { ok: true, value: null };
    },
    refusedResult,
  );

  handle(
    CHANNELS.copyCommand,
    async (code) => {
      if (typeof code !== 'string' || !(COMMAND_PROBLEMS as readonly string[]).includes(code)) return invalid('problem', `expected one of ${COMMAND_PROBLEMS.join(', ')}`);
      // Only a command the main process itself put in the snapshot can reach the clipboard.
      const command = state.snapshot().problems.find((problem) => problem.code === code)?.command;
      if (!command) return invalid('problem', `${code} is not a current problem; check again`);
      await deps.writeClipboard(command);
      return { ok: true, value: null };
    },
    refusedResult,
  );

  handle(
    CHANNELS.setPref,
    async (key, value) => {
      if (typeof key !== 'string' || !isPrefKey(key)) return invalid('preference', 'unknown key');
      try {
        parsePref(key, value);
      } catch (error) {
        return { ok: false, error: (error as { toJSON(): ErrorInfo }).toJSON() };
      }
      return state.setPref(key, value);
    },
    refusedResult,
  );

  handle(
    CHANNELS.hide,
    () => {
      deps.hidePopover();
    },
    () => undefined,
  );

  return () => {
    for (const channel of registered) ipcMain.removeHandler(channel);
  };
}
