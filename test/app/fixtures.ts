/** Snapshots as the app sees them, for the tests of the tray, the popover and the notifications. */
import type { SessionView, ShareView, Snapshot } from '../../main/contract.ts';
import { DEFAULT_PREFS } from '../../main/prefs/schema.ts';
import { QUIET_SHARE } from '../support/share-fixture.ts';

export const SOCKET = '/tmp/tmux-1000/default';
export const SECOND_SOCKET = '/tmp/tmux-1000/second';

/** A stable tmux session id per name, as tmux would give each session one. */
function sessionIdOf(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)!) % 10_000;
  return `$${hash}`;
}

/** A stable 8-hex-digit share id per session name and socket. */
export function shareIdOf(name: string, socket = SOCKET): string {
  let hash = 7;
  for (const char of `${socket}\0${name}`) hash = (hash * 33 + char.codePointAt(0)!) >>> 0;
  return hash.toString(16).padStart(8, '0').slice(-8);
}

export function session(name: string, extra: Partial<SessionView> = {}): SessionView {
  return {
    id: sessionIdOf(name),
    name,
    socket: SOCKET,
    server: 'default',
    windows: 2,
    attached: 1,
    created: 1_700_000_000,
    ...extra,
  };
}

export const TMATE_IO_LINKS = {
  ssh: 'ssh Ab3dEf6hJk9mNp2qRs5tUv8wX@127.0.0.1 -p 2222',
  sshReadOnly: 'ssh ro-Zy3xWv6uTs9rQp2nMk5jHg8fE@127.0.0.1 -p 2222',
  web: 'https://tmate.example/t/Ab3dEf6hJk9mNp2qRs5tUv8wX',
  webReadOnly: 'https://tmate.example/t/ro-Zy3xWv6uTs9rQp2nMk5jHg8fE',
};

export const SELF_HOSTED_LINKS = {
  ssh: TMATE_IO_LINKS.ssh,
  sshReadOnly: TMATE_IO_LINKS.sshReadOnly,
  web: null,
  webReadOnly: null,
};

export function share(name: string, extra: Partial<ShareView> = {}): ShareView {
  return {
    ...QUIET_SHARE,
    id: shareIdOf(name, extra.socket),
    session: name,
    sessionId: sessionIdOf(name),
    socket: SOCKET,
    origin: 'app',
    links: { ...TMATE_IO_LINKS },
    server: '127.0.0.1:2222',
    reportsPairs: true,
    startedAt: 1_700_000_100_000,
    pairClient: 'on-session',
    pairClientSession: name,
    ...extra,
  };
}

export function snapshot(extra: Partial<Snapshot> = {}): Snapshot {
  return { sessions: [], shares: [], problems: [], prefs: { ...DEFAULT_PREFS }, servers: [], version: 1, ...extra };
}
