/**
 * Where the pair's terminal is. tmate's one pane runs a plain `tmux attach` to the shared session: a
 * read-write pair can move that tmux client to another session (`switch-client`) or replace it with a
 * command outside tmux (`detach-client -E`). Pairbar cannot prevent it (a read-write pair has a shell
 * anyway); it finds it out, when asked, from the user's tmux server's own list of clients: the pair's client
 * is the one whose pid is the pid of tmate's pane (the pane execs tmux, so the two are the same process).
 * The same list, in the same call, gives that client's size, which is the pair's terminal as the tmate
 * server told it, and the size of the window it shows.
 */
import type { CellSize, PairSize } from './share-rules.ts';

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
  /** The client's terminal, in cells. */
  size: CellSize;
  /** The window the client shows. */
  window: CellSize;
  /** Lines of the client's terminal that tmux's status bar takes (its session's `status` option). */
  statusLines: number;
  /** tmux's name for the client (its tty), the target of commands that act on one client. */
  name: string;
  /** Keys typed through this client do nothing (tmux's read-only flag). */
  readOnly: boolean;
}

const FIELD = '\x1f';
/** The client list format parseClients reads; the session name last, as it may hold anything. */
export const CLIENT_FORMAT = [
  '#{client_pid}',
  '#{session_id}',
  '#{client_width}',
  '#{client_height}',
  '#{window_width}',
  '#{window_height}',
  '#{status}',
  '#{client_readonly}',
  '#{client_name}',
  '#{session_name}',
].join(FIELD);

const CELLS = /^\d+$/;

/** tmux's `status` option: `off`, `on` (one line) or a number of lines. */
function statusLinesOf(status: string): number | undefined {
  if (status === 'off') return 0;
  if (status === 'on') return 1;
  return CELLS.test(status) ? Number(status) : undefined;
}

export function parseClients(stdout: string): ClientInfo[] {
  const clients: ClientInfo[] = [];
  for (const line of stdout.split('\n')) {
    const [
      pid = '',
      sessionId = '',
      cols = '',
      rows = '',
      windowCols = '',
      windowRows = '',
      status = '',
      readOnly = '',
      clientName = '',
      ...name
    ] = line.split(FIELD);
    const statusLines = statusLinesOf(status);
    if (
      !CELLS.test(pid) ||
      !/^\$\d+$/.test(sessionId) ||
      statusLines === undefined ||
      ![cols, rows, windowCols, windowRows].every((cells) => CELLS.test(cells))
    )
      continue;
    if ((readOnly !== '0' && readOnly !== '1') || clientName === '') continue;
    clients.push({
      pid: Number(pid),
      sessionId,
      sessionName: name.join(FIELD),
      size: { cols: Number(cols), rows: Number(rows) },
      window: { cols: Number(windowCols), rows: Number(windowRows) },
      statusLines,
      name: clientName,
      readOnly: readOnly === '1',
    });
  }
  return clients;
}

/**
 * tmate's window before its server tells a pair's size: a detached session's default, and the pair's client
 * has it too (Pairbar's tmate has no status line). It says nothing about a pair, so it is never reported as
 * theirs; a pair whose size the server tells as exactly this is missed, rather than a size made up.
 */
const TMATE_UNTOLD_SIZE: CellSize = { cols: 80, rows: 24 };

/**
 * How the pair's terminal fits the window its client shows, or null where the server has not told its size.
 * `told`: the pair's size as the presence watcher saw it, where it did.
 * tmate takes the size its server tells (the pairs' smallest terminal, less the server's own status line) and
 * keeps it after the last pair leaves; the pair's client inside it has that size, less tmux's status lines.
 */
export function pairSizeOf(client: ClientInfo, told?: CellSize): PairSize | null {
  // The size the presence watcher saw is the pair's for certain; the client's own takes it a moment later.
  const size = told ?? client.size;
  if (!told && size.cols === TMATE_UNTOLD_SIZE.cols && size.rows === TMATE_UNTOLD_SIZE.rows) return null;
  const room = { cols: size.cols, rows: Math.max(0, size.rows - client.statusLines) };
  return { room, window: client.window, smaller: room.cols < client.window.cols || room.rows < client.window.rows };
}

/** The pair's client among the server's clients: the one whose pid is tmate's pane's. */
export function findPairClient(clients: readonly ClientInfo[], panePid: number | undefined): ClientInfo | undefined {
  return panePid === undefined ? undefined : clients.find((candidate) => candidate.pid === panePid);
}

export interface PairWhereabouts {
  pairClient: PairClient;
  pairClientSession: string | null;
  pairSize: PairSize | null;
  /** Whether keys typed on the read-write link reach the session; null when the pair's client is gone. */
  pairCanType: boolean | null;
}

/** Where the client with pid `panePid` is, given the server's clients and the shared session's id; its size while on the session. */
export function pairClientOf(
  clients: readonly ClientInfo[],
  panePid: number | undefined,
  sessionId: string,
  told?: CellSize,
): PairWhereabouts {
  const client = findPairClient(clients, panePid);
  if (!client) return { pairClient: 'gone', pairClientSession: null, pairSize: null, pairCanType: null };
  const pairCanType = !client.readOnly;
  // On another session the pair sees a window that was never shared: its size is not the shared window's.
  if (client.sessionId !== sessionId)
    return { pairClient: 'elsewhere', pairClientSession: client.sessionName, pairSize: null, pairCanType };
  return {
    pairClient: 'on-session',
    pairClientSession: client.sessionName,
    pairSize: pairSizeOf(client, told),
    pairCanType,
  };
}
