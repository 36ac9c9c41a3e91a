/**
 * Where the pair's terminal is. tmate's one pane runs a plain `tmux attach` to the shared session: a
 * read-write pair can move that tmux client to another session (`switch-client`) or replace it with a
 * command outside tmux (`detach-client -E`). Pairbar cannot prevent it (a read-write pair has a shell
 * anyway); it finds it out, when asked, from the user's tmux server's own list of clients: the pair's client
 * is the one whose pid is the pid of tmate's pane (the pane execs tmux, so the two are the same process).
 */

/**
 * - 'on-session': the pair's client is attached to the shared session;
 * - 'elsewhere': it is attached to another session of the same server, which was never shared;
 * - 'gone': it is no longer a client of that server (detached, replaced by a command, the server gone).
 */
export type PairClient = 'on-session' | 'elsewhere' | 'gone';

export interface ClientInfo {
  pid: number;
  sessionId: string;
  sessionName: string;
}

const FIELD = '\x1f';
/** The client list format parseClients reads; the session name last, as it may hold anything. */
export const CLIENT_FORMAT = ['#{client_pid}', '#{session_id}', '#{session_name}'].join(FIELD);

export function parseClients(stdout: string): ClientInfo[] {
  const clients: ClientInfo[] = [];
  for (const line of stdout.split('\n')) {
    const [pid = '', sessionId = '', ...name] = line.split(FIELD);
    if (!/^\d+$/.test(pid) || !/^\$\d+$/.test(sessionId)) continue;
    clients.push({ pid: Number(pid), sessionId, sessionName: name.join(FIELD) });
  }
  return clients;
}

/** Where the client with pid `panePid` is, given the server's clients and the shared session's id. */
export function pairClientOf(clients: readonly ClientInfo[], panePid: number | undefined, sessionId: string): { pairClient: PairClient; pairClientSession: string | null } {
  const client = panePid === undefined ? undefined : clients.find((candidate) => candidate.pid === panePid);
  if (!client) return { pairClient: 'gone', pairClientSession: null };
  return { pairClient: client.sessionId === sessionId ? 'on-session' : 'elsewhere', pairClientSession: client.sessionName };
}
