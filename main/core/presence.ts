/**
 * Who is in a share, from tmate itself, on any server. A bare tmate-ssh-server never says who joins, but it
 * does tell tmate the smallest terminal of the pairs in (RESIZE), and nothing when the last one leaves
 * (tmate keeps its size then). A control-mode client of our own attached to the share's tmate
 * (`tmate -S SOCKET -C attach`) and sized to SENTINEL makes the difference visible: tmate's window is then
 * exactly SENTINEL while nobody is in, and the smallest pair's size while anyone is, and each change arrives
 * on that client as a `%layout-change` line, with no polling (measured against the upstream server: see
 * ../../README.md, "Who is in").
 *
 * The watcher is a process of its own for each share (`pairbar __presence`, main/cli/presence-watch.ts),
 * started with the share, and it ends by itself when tmate does (its control client exits). What it sees
 * goes into the share's presence.log, one JSON object a line, which any Pairbar process follows the way it
 * follows tmate.log. This file holds the parsing, the model and the watcher's loop; the lines it writes are
 * the only thing other processes read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { CellSize } from './share-rules.ts';
import { spawnStreaming } from './process.ts';

/**
 * The size the watcher's client asks for. tmate's window is the smallest of its clients, so it stays at this
 * size only while no pair's terminal is smaller in either direction: a pair is missed only with a terminal of
 * at least 500 columns AND 201 rows at once (the server tells one row less), more than a full-screen window
 * on a 4K display shows at a 8 px-wide font. Larger costs more: while nobody is in, the user's tmux draws
 * their window inside a terminal of this size and fills the rest, and each full redraw (about one byte a
 * cell: 100 KB here, 400 KB at 1000x400) goes to the tmate server; the cost is in docs/benchmarks.md.
 */
export const SENTINEL: CellSize = { cols: 500, rows: 200 };

/** What the watcher writes to presence.log, one a line. `at`: epoch ms. */
export type PresenceEvent =
  /** A watcher started for this share (its pid): adoption starts another only when this one is gone. */
  | { at: number; kind: 'watching'; pid: number }
  /** Someone is in; tmate's window (the smallest pair's terminal, as the server told it) is cols × rows. */
  | { at: number; kind: 'in'; cols: number; rows: number }
  /** Nobody is in. */
  | { at: number; kind: 'out' };

/**
 * What is known of who is in: present or not, since when, and the smallest pair's size while someone is.
 * `since` while nobody is in: when the last one left, or when the share started if nobody ever joined.
 */
export interface Presence {
  present: boolean;
  since: number;
  size: CellSize | null;
}

/** The token the watcher's own size query prints in front of tmate's answer. */
const SIZE_REPLY = 'pairbar-size ';
const LAYOUT = /^%layout-change @\d+ [0-9a-f]+,(\d+)x(\d+),/;
const REPLY = /^pairbar-size (\d+)x(\d+)$/;

/** tmate's window size from one control-mode line: a `%layout-change` or the answer to our size query. */
export function windowSizeOf(line: string): CellSize | undefined {
  const match = LAYOUT.exec(line) ?? REPLY.exec(line);
  if (!match) return undefined;
  return { cols: Number(match[1]), rows: Number(match[2]) };
}

/** What tmate's window size says about who is in. */
export function presenceOfWindow(
  window: CellSize,
  sentinel: CellSize = SENTINEL,
): { present: boolean; size: CellSize | null } {
  const present = window.cols < sentinel.cols || window.rows < sentinel.rows;
  return { present, size: present ? { ...window } : null };
}

/** The commands the watcher's client runs first: take the sentinel size, then say the window's size now. */
export function watcherCommands(sentinel: CellSize = SENTINEL): string {
  return `refresh-client -C ${sentinel.cols},${sentinel.rows}\ndisplay-message -p '${SIZE_REPLY}#{window_width}x#{window_height}'\n`;
}

/**
 * Finds the lines that matter in a control client's output without decoding the rest: `%output` lines carry
 * everything the shared pane prints (octal-escaped, so a raw newline only ever ends a line), and only lines
 * that begin with `%layout-change` or our reply token are turned into strings.
 */
export class ControlScanner {
  private carry: Buffer = Buffer.alloc(0);

  /**
   * `sizedFirst`: no size counts until the answer to the watcher's own size query. The client attaches at
   * tmate's default 80x24 and takes the sentinel size only with its first command, so a `%layout-change`
   * before that answer is the client's own passing size, not a pair's (it read as a pair of 80x24 joining).
   */
  constructor(private sizedFirst = false) {}

  /** The window sizes in this chunk, in order. */
  feed(chunk: Buffer): CellSize[] {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = data.lastIndexOf(10);
    if (end < 0) {
      this.carry = Buffer.from(data);
      return [];
    }
    const found: { at: number; size: CellSize; reply: boolean }[] = [];
    for (const needle of NEEDLES) {
      for (let at = data.indexOf(needle); at >= 0 && at < end; at = data.indexOf(needle, at + 1)) {
        if (at > 0 && data[at - 1] !== 10) continue;
        const size = windowSizeOf(data.toString('latin1', at, data.indexOf(10, at)));
        if (size) found.push({ at, size, reply: needle === REPLY_NEEDLE });
      }
    }
    // Keep only what follows the last newline (usually nothing, at most one line's start).
    this.carry = Buffer.from(data.subarray(end + 1));
    found.sort((x, y) => x.at - y.at);
    if (this.sizedFirst) {
      const answer = found.findIndex((entry) => entry.reply);
      if (answer < 0) return [];
      found.splice(0, answer);
      this.sizedFirst = false;
    }
    return found.map((entry) => entry.size);
  }
}
const REPLY_NEEDLE = Buffer.from(SIZE_REPLY);
const NEEDLES = [Buffer.from('%layout-change '), REPLY_NEEDLE];

/** One line of presence.log, or undefined for anything else (a torn last line, another version's event). */
export function parsePresenceLine(line: string): PresenceEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  const at = event.at;
  if (typeof at !== 'number' || !Number.isFinite(at)) return undefined;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
  if (event.kind === 'watching' && whole(event.pid)) return { at, kind: 'watching', pid: event.pid };
  if (event.kind === 'in' && whole(event.cols) && whole(event.rows))
    return { at, kind: 'in', cols: event.cols, rows: event.rows };
  if (event.kind === 'out') return { at, kind: 'out' };
  return undefined;
}

/** The presence before the watcher said anything: nobody in, since the share started. */
export function initialPresence(startedAt: number): Presence {
  return { present: false, since: startedAt, size: null };
}

/**
 * Folds one event into the presence. `since` changes only when presence does: a size change while someone
 * is in keeps the time they came, and a restarted watcher saying "nobody" again keeps the time the last left.
 */
export function foldPresence(presence: Presence, event: PresenceEvent): Presence {
  switch (event.kind) {
    case 'in':
      return {
        present: true,
        since: presence.present ? presence.since : event.at,
        size: { cols: event.cols, rows: event.rows },
      };
    case 'out':
      return presence.present ? { present: false, since: event.at, size: null } : presence;
    default:
      return presence;
  }
}

/**
 * When a share set to end once nobody is in should end: that long after the last pair left, or after it
 * started if nobody ever joined; null while someone is in, or when it never ends so.
 */
export function emptyDeadline(presence: Presence, endWhenEmptyMs: number | null): number | null {
  if (endWhenEmptyMs === null || presence.present) return null;
  return presence.since + endWhenEmptyMs;
}

/** The watcher's event for a window size, or none when it says what the last one said. */
export function eventFor(
  window: CellSize,
  last: PresenceEvent | undefined,
  at: number,
  sentinel: CellSize = SENTINEL,
): PresenceEvent | undefined {
  const { present, size } = presenceOfWindow(window, sentinel);
  if (present && size) {
    if (last?.kind === 'in' && last.cols === size.cols && last.rows === size.rows) return undefined;
    return { at, kind: 'in', cols: size.cols, rows: size.rows };
  }
  return last?.kind === 'out' ? undefined : { at, kind: 'out' };
}

export interface WatchOptions {
  tmate: string;
  /** tmate's environment (without TMUX). */
  env: NodeJS.ProcessEnv;
  /** The share's tmate socket. */
  socket: string;
  /** The share's presence.log. */
  log: string;
  sentinel?: CellSize;
  /** Each event, after it is written. */
  onEvent?: (event: PresenceEvent) => void;
  now?: () => number;
}

/**
 * The watcher's loop: attaches the control client, sizes it, and appends an event to the log each time who
 * is in changes. Resolves when the client exits, which it does by itself when the share's tmate ends.
 */
export async function watchPresence(options: WatchOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const sentinel = options.sentinel ?? SENTINEL;
  let log: FileHandle | undefined = await open(options.log, 'a', 0o600);
  let writes = Promise.resolve();
  const write = (event: PresenceEvent): void => {
    const text = JSON.stringify(event) + '\n';
    writes = writes.then(async () => {
      // The share's directory may be gone already (the share ended): the line has nowhere to go.
      await log?.appendFile(text).catch(() => undefined);
      options.onEvent?.(event);
    });
  };
  write({ at: now(), kind: 'watching', pid: process.pid });
  const child = await spawnStreaming(options.tmate, ['-S', options.socket, '-C', 'attach'], { env: options.env });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdin.on('error', () => undefined);
  // Kept open for the client's whole life: a control client exits when its stdin ends.
  child.stdin.write(watcherCommands(sentinel));
  const scanner = new ControlScanner(true);
  let last: PresenceEvent | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    for (const window of scanner.feed(chunk)) {
      const event = eventFor(window, last, now(), sentinel);
      if (!event) continue;
      last = event;
      write(event);
    }
  });
  await exited;
  await writes;
  await log.close().catch(() => undefined);
  log = undefined;
}
