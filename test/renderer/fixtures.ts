/** Snapshot parts as the main process sends them, for the renderer's table tests: each field as in a real one. */
import type { Problem, ServerView, SessionView, ShareView, Snapshot } from '../../main/contract.ts';
import { NO_LINKS } from '../../main/core/links.ts';
import { DEFAULT_PREFS } from '../../main/prefs/schema.ts';
import { QUIET_SHARE } from '../support/share-fixture.ts';

export const SOCKET = '/tmp/tmux-1000/default';
export const OTHER_SOCKET = '/tmp/tmux-1000/second';

export function session(name: string, fields: Partial<SessionView> = {}): SessionView {
  return {
    id: `$${name.length}`,
    name,
    socket: SOCKET,
    server: 'default',
    windows: 1,
    attached: 0,
    created: 1_700_000_000,
    ...fields,
  };
}

/** A share of `of` (a session above, or a name), Live with all four links unless `fields` says otherwise. */
export function share(of: SessionView | string, fields: Partial<ShareView> = {}): ShareView {
  const target = typeof of === 'string' ? session(of) : of;
  return {
    ...QUIET_SHARE,
    id: `share-${target.name}`,
    session: target.name,
    sessionId: target.id,
    socket: target.socket,
    origin: 'app',
    links: {
      ssh: 'ssh AbC@127.0.0.1',
      sshReadOnly: 'ssh ro-XyZ@127.0.0.1',
      web: 'https://127.0.0.1/t/AbC',
      webReadOnly: 'https://127.0.0.1/t/ro-XyZ',
    },
    server: '127.0.0.1:2200',
    reportsPairs: true,
    startedAt: 1_700_000_000_000,
    pairClient: 'on-session',
    pairClientSession: target.name,
    ...fields,
  };
}

export const STARTING: Partial<ShareView> = { state: 'starting', links: NO_LINKS, clients: null };

/** The server the shares above went to, chosen for new shares. */
export const OURS: ServerView = { name: 'ours', address: '127.0.0.1:2200', shutDown: false, active: true };

export function snapshot(fields: Partial<Snapshot> = {}): Snapshot {
  return { sessions: [], shares: [], problems: [], prefs: DEFAULT_PREFS, servers: [OURS], version: 1, ...fields };
}

export function problem(code: Problem['code'], fields: Partial<Problem> = {}): Problem {
  return { code, message: `${code} message`, fix: `${code} fix`, ...fields };
}
