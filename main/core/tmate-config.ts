/**
 * The config tmate starts with for one share: out of the pair's way, its one pane attached to the shared
 * tmux session, pointed at the chosen server. Pure text; nothing here runs a process.
 */
import type { ServerSettings } from './servers.ts';

/** How tmate's tmux client attaches. */
export interface AttachOptions {
  /**
   * `-f ignore-size` (tmux 3.2 and later): tmux leaves this client out when it sizes windows, so the pair's
   * terminal never resizes the user's (tmux's default `window-size latest` follows whoever typed last).
   */
  ignoreSize: boolean;
  /**
   * The attached session was made for this share alone (the independent view): it is marked
   * destroy-unattached once tmate's client is in, so tmux removes it the moment that client goes, even when
   * Pairbar is not there to (a crash). Set after attaching: on a session nobody is attached to yet, tmux
   * would destroy it at once.
   */
  ownSession: boolean;
  /**
   * When the share ends by itself (epoch ms), or null. Enforced inside tmate's own process tree by the
   * watchdog of endWatchdog(), so no Pairbar process needs to outlive the share for it to end on time.
   */
  endsAt?: number | null;
}

/**
 * How often, at most, the watchdog looks at the clock (seconds). `sleep` counts time awake only (a monotonic
 * clock), so after the machine slept past the end the watchdog ends the share within this long of waking.
 */
export const WATCHDOG_STEP_SECONDS = 5;

/**
 * The watchdog of a share that ends by itself, started in the background by tmate's pane shell before it
 * becomes the tmux client: a child of tmate, so killing the Pairbar process that started or follows the share
 * (or quitting the app) leaves it running. It compares the wall clock (`date +%s`) with the end, an absolute
 * time, every few seconds; at the end it asks exactly this share's tmate (its own socket) to end, as `pairbar
 * stop` does, never the user's tmux server or clients. It stops by itself as soon as tmate is gone (tmate's
 * pid is the shell's parent), and dies with the pane when the share ends otherwise (the hang-up of its
 * terminal). The end, tmate's path and its socket reach it through the environment; its output goes nowhere,
 * so the pair never sees it.
 */
function endWatchdog(): string {
  return (
    'if [ -n "$PAIRBAR_ENDS_AT" ]; then t=$PPID; (' +
    // A clock it cannot read ends the share now rather than never (fail closed).
    'while :; do n=$(date +%s); case $n in ""|*[!0-9]*) break;; esac; [ "$n" -ge "$PAIRBAR_ENDS_AT" ] && break; kill -0 "$t" || exit 0; ' +
    `w=$((PAIRBAR_ENDS_AT - n)); [ "$w" -gt ${WATCHDOG_STEP_SECONDS} ] && w=${WATCHDOG_STEP_SECONDS}; sleep "$w"; done; ` +
    'exec "$PAIRBAR_TMATE" -S "$PAIRBAR_TMATE_SOCKET" kill-server' +
    ') </dev/null >/dev/null 2>&1 & fi; '
  );
}

/**
 * The shell command tmate runs in its only pane. It is built from constants only: what varies (tmux's
 * path, socket and the session id) reaches it through the environment, so nothing the user named is ever
 * parsed by a shell. TMUX is unset because tmate sets it to its own socket, and tmux refuses to attach while
 * it is set. `-u`: the pane is tmate's, whatever the locale of the app that started it, so tell tmux it may
 * send UTF-8. `\;` reaches tmux as its command separator.
 */
export function attachCommand(options: AttachOptions): string {
  const flags = options.ignoreSize ? ' -f ignore-size' : '';
  const own = options.ownSession ? ' \\; set-option -t "$PAIRBAR_TMUX_SESSION" destroy-unattached on' : '';
  const watchdog = options.endsAt ? endWatchdog() : '';
  return `unset TMUX TMUX_PANE; ${watchdog}exec "$PAIRBAR_TMUX" -u -S "$PAIRBAR_TMUX_SOCKET" attach-session${flags} -t "$PAIRBAR_TMUX_SESSION"${own}`;
}

/** tmux config strings: validated values only reach here, but quote them anyway. */
function quote(value: string): string {
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** Who may join a share, as tmate is told. */
export interface TmateAccess {
  /** A file of public keys: only those may join (the server then gives no web links). */
  authorizedKeys?: string;
}

/**
 * The config tmate starts with: out of the pair's way, pointed at the chosen server. The host is always
 * written, so tmate never falls back to its built-in one. A fingerprint left empty keeps tmate's built-in
 * (tmate.io's) value, which another server can never match: an unpinned key type fails closed.
 */
export function tmateConfig(server: ServerSettings, options: Partial<AttachOptions> & TmateAccess = {}): string {
  const attach: AttachOptions = {
    ignoreSize: options.ignoreSize ?? false,
    ownSession: options.ownSession ?? false,
    endsAt: options.endsAt ?? null,
  };
  const lines = [
    '# Written by Pairbar for one share; rewritten on every share.',
    // The pair must see exactly the user's tmux session: no second status bar, and no tmate prefix key
    // stealing the C-b the inner tmux is waiting for.
    'set -g status off',
    'set -g prefix None',
    'set -g prefix2 None',
    'unbind-key -a',
    'set -g escape-time 0',
    'set -g tmate-foreground-restart 0',
    // The pane's command is POSIX sh, whatever the user's login shell is (fish and csh read it otherwise).
    "set -g default-shell '/bin/sh'",
    // Single quotes: tmux takes the text literally, so the shell sees the "$PAIRBAR_…" expansions.
    `set -g default-command '${attachCommand(attach)}'`,
  ];
  lines.push(`set -g tmate-server-host ${quote(server.host)}`, `set -g tmate-server-port ${server.port}`);
  if (server.rsaFingerprint) lines.push(`set -g tmate-server-rsa-fingerprint ${quote(server.rsaFingerprint)}`);
  if (server.ed25519Fingerprint)
    lines.push(`set -g tmate-server-ed25519-fingerprint ${quote(server.ed25519Fingerprint)}`);
  if (server.ecdsaFingerprint) lines.push(`set -g tmate-server-ecdsa-fingerprint ${quote(server.ecdsaFingerprint)}`);
  lines.push(...accessLines(options));
  return lines.join('\n') + '\n';
}

function accessLines(access: TmateAccess): string[] {
  return access.authorizedKeys ? [`set -g tmate-authorized-keys ${quote(access.authorizedKeys)}`] : [];
}
