/**
 * The config tmate starts with for one share: out of the pair's way, its one pane attached to the shared
 * tmux session, pointed at the chosen server. Pure text; nothing here runs a process.
 */
import type { ServerSettings } from './servers.ts';

/**
 * The shell command tmate runs in its only pane. It is a constant: what varies (tmux's path, socket and
 * the session id) reaches it through the environment, so nothing the user named is ever parsed by a shell.
 * TMUX is unset because tmate sets it to its own socket, and tmux refuses to attach while it is set.
 * `-u`: the pane is tmate's, whatever the locale of the app that started it, so tell tmux it may send UTF-8.
 */
const ATTACH_COMMAND = 'unset TMUX TMUX_PANE; exec "$PAIRBAR_TMUX" -u -S "$PAIRBAR_TMUX_SOCKET" attach-session -t "$PAIRBAR_TMUX_SESSION"';

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
export function tmateConfig(server: ServerSettings, access: TmateAccess = {}): string {
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
    // Single quotes: tmux takes the text literally, so the shell sees the "$PAIRBAR_…" expansions.
    `set -g default-command '${ATTACH_COMMAND}'`,
  ];
  lines.push(`set -g tmate-server-host ${quote(server.host)}`, `set -g tmate-server-port ${server.port}`);
  if (server.rsaFingerprint) lines.push(`set -g tmate-server-rsa-fingerprint ${quote(server.rsaFingerprint)}`);
  if (server.ed25519Fingerprint) lines.push(`set -g tmate-server-ed25519-fingerprint ${quote(server.ed25519Fingerprint)}`);
  if (server.ecdsaFingerprint) lines.push(`set -g tmate-server-ecdsa-fingerprint ${quote(server.ecdsaFingerprint)}`);
  lines.push(...accessLines(access));
  return lines.join('\n') + '\n';
}


function accessLines(access: TmateAccess): string[] {
  return access.authorizedKeys ? [`set -g tmate-authorized-keys ${quote(access.authorizedKeys)}`] : [];
}
