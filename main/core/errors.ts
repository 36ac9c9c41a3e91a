/**
 * Every failure Pairbar reports is a PairbarError: a code a program can branch on, a sentence saying what
 * went wrong, and a `fix` saying what the person can do about it. The CLI prints both; the popover shows
 * both with a Retry.
 */
import { shellWord } from './shell-word.ts';

export type ErrorCode =
  | 'TMUX_MISSING'
  | 'TMATE_MISSING'
  | 'TMATE_TOO_OLD'
  | 'NO_TMUX_SERVER'
  | 'NO_SESSIONS'
  | 'SESSION_NOT_FOUND'
  | 'NO_SERVER_CHOSEN'
  | 'UNKNOWN_SERVER'
  | 'SERVER_UNTRUSTED'
  | 'SERVER_UNREACHABLE'
  | 'SERVER_NAME_NOT_FOUND'
  | 'SERVER_REFUSED'
  | 'SERVER_NOT_READY'
  | 'FINGERPRINT_MISMATCH'
  | 'SSH_KEYS_MISSING'
  | 'TMATE_FAILED'
  | 'TMUX_SERVER_GONE'
  | 'SHARED_SESSION_CLOSED'
  | 'SHARE_STOPPED'
  | 'PREFS_NOT_SAVED'
  | 'SHARE_NOT_FOUND'
  | 'INVALID_PREFERENCE'
  | 'INVALID_ARGUMENT'
  | 'CLIPBOARD_MISSING'
  | 'KEYSCAN_MISSING'
  | 'UNSAFE_DIRECTORY'
  | 'SHORTCUT_TAKEN'
  | 'COMMAND_FAILED'
  | 'KEYS_NOT_FOUND'
  | 'KEYS_FETCH_FAILED'
  | 'KEYS_INVALID'
  | 'KEYS_EMPTY'
  | 'PAIR_CLIENT_GONE';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  fix: string;
}

/**
 * Marks Pairbar's errors whichever copy of this module made them: the command's entry and its subcommand
 * files each bundle their own (scripts/build.mjs), and an error crosses from one to the other.
 */
const PAIRBAR_ERROR = Symbol.for('pairbar.PairbarError');

export class PairbarError extends Error implements ErrorInfo {
  readonly code: ErrorCode;
  readonly fix: string;

  get [PAIRBAR_ERROR](): true {
    return true;
  }

  constructor(code: ErrorCode, message: string, fix: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PairbarError';
    this.code = code;
    this.fix = fix;
  }

  toJSON(): ErrorInfo {
    return { code: this.code, message: this.message, fix: this.fix };
  }
}

export function isPairbarError(error: unknown): error is PairbarError {
  return error instanceof Error && (error as Partial<Record<typeof PAIRBAR_ERROR, true>>)[PAIRBAR_ERROR] === true;
}

/** The command that installs a Debian/Homebrew/... package on this platform, for messages. */
export function installCommand(pkg: 'tmux' | 'tmate', platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return `brew install ${pkg}`;
    case 'linux':
      return `sudo apt install ${pkg}   (Fedora: sudo dnf install ${pkg}; Arch: sudo pacman -S ${pkg})`;
    case 'freebsd':
      return `sudo pkg install ${pkg}`;
    default:
      return `install ${pkg} with your package manager`;
  }
}

/** The command that upgrades an installed package on this platform, for messages. */
export function upgradeCommand(pkg: 'tmux' | 'tmate', platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return `brew upgrade ${pkg}`;
    case 'linux':
      return `sudo apt install --only-upgrade ${pkg}   (Fedora: sudo dnf upgrade ${pkg}; Arch: sudo pacman -S ${pkg})`;
    default:
      return installCommand(pkg, platform);
  }
}

/** The command a person types to create the SSH key tmate needs. */
export const SSH_KEYGEN_COMMAND = 'ssh-keygen -t ed25519';

export const errors = {
  tmuxMissing: (platform?: NodeJS.Platform) =>
    new PairbarError(
      'TMUX_MISSING',
      'tmux is not installed, or Pairbar cannot find it.',
      `Install it: ${installCommand('tmux', platform)}. If it is installed somewhere unusual, set its path: pairbar config set tmux.path /path/to/tmux`,
    ),
  tmateMissing: (platform?: NodeJS.Platform) =>
    new PairbarError(
      'TMATE_MISSING',
      'tmate is not installed, or Pairbar cannot find it.',
      `Install it: ${installCommand('tmate', platform)}. If it is installed somewhere unusual, set its path: pairbar config set tmate.path /path/to/tmate`,
    ),
  tmateTooOld: (version: string, path: string, platform?: NodeJS.Platform) =>
    new PairbarError(
      'TMATE_TOO_OLD',
      `The tmate at ${path} is version ${version}; Pairbar needs tmate 2.4 or later: it relies on the options and messages of that version.`,
      `Upgrade it: ${upgradeCommand('tmate', platform)}. If a newer tmate is installed elsewhere, set its path: pairbar config set tmate.path /path/to/tmate`,
    ),
  noSshKey: (home: string) =>
    new PairbarError(
      'SSH_KEYS_MISSING',
      `This computer has no SSH key (none in ${home}/.ssh, and no SSH agent holding one), and tmate needs one to connect to its server.`,
      'Create one in a terminal with `ssh-keygen -t ed25519` (pressing Enter at each question is fine), then check again.',
    ),
  noTmuxServer: () =>
    new PairbarError(
      'NO_TMUX_SERVER',
      'No tmux server is running, so there is no session to share.',
      'Start one with `tmux new -s work`, or share a new blank terminal instead.',
    ),
  noSessions: () =>
    new PairbarError(
      'NO_SESSIONS',
      'tmux is running but has no sessions.',
      'Create one with `tmux new -s work`, or share a new blank terminal instead.',
    ),
  sessionNotFound: (name: string) =>
    new PairbarError(
      'SESSION_NOT_FOUND',
      `There is no tmux session named ${JSON.stringify(name)} (it may have been closed or renamed).`,
      'List the sessions with `pairbar sessions` and pick one of those names exactly.',
    ),
  noServerChosen: (names: readonly string[]) =>
    new PairbarError(
      'NO_SERVER_CHOSEN',
      "No tmate server chosen: tmate.io's public servers shut down in 2025, so shares go to a server you name.",
      names.length > 0
        ? `Choose one of yours: pairbar server use ${names[0]}${names.length > 1 ? ` (yours: ${names.join(', ')})` : ''}`
        : 'Add your tmate server: pairbar server add NAME HOST[:PORT] (or paste its tmate.conf lines: pairbar server add NAME --paste). See "Run your own tmate server" in the README.',
    ),
  unknownServer: (name: string, names: readonly string[]) =>
    new PairbarError(
      'UNKNOWN_SERVER',
      `There is no tmate server named ${JSON.stringify(name)}.`,
      names.length > 0
        ? `Use one of yours (${names.join(', ')}), or add it: pairbar server add ${name} HOST[:PORT]`
        : `Add it: pairbar server add ${name} HOST[:PORT]`,
    ),
  serverUntrusted: (name: string, address: string) =>
    new PairbarError(
      'SERVER_UNTRUSTED',
      `The tmate server ${JSON.stringify(name)} (${address}) has no confirmed host key fingerprint, so Pairbar cannot tell it from an impostor.`,
      `Read and confirm its keys: pairbar server add ${name} ${address}`,
    ),
  serverUnreachable: (host: string, port: number, seconds: number, detail?: string) =>
    new PairbarError(
      'SERVER_UNREACHABLE',
      `Could not reach the tmate server ${hostPort(host, port)} within ${seconds} s${detail ? ` (${detail})` : ''}.`,
      'Check your network connection and the server: pairbar server list, then pairbar server test.',
    ),
  serverNameNotFound: (host: string, port: number) =>
    new PairbarError(
      'SERVER_NAME_NOT_FOUND',
      `The tmate server's host name ${host} was not found (${hostPort(host, port)}).`,
      'Check the spelling and your network or VPN: pairbar server list shows what is set; pairbar server add NAME HOST[:PORT] replaces it.',
    ),
  serverRefused: (host: string, port: number) =>
    new PairbarError(
      'SERVER_REFUSED',
      `The tmate server ${hostPort(host, port)} refused the connection: nothing is listening on that port.`,
      'Check that tmate-ssh-server is running there and that the port is right and open in its firewall; then pairbar server test.',
    ),
  serverNotReady: (host: string, port: number, seconds: number) =>
    new PairbarError(
      'SERVER_NOT_READY',
      `The tmate server ${hostPort(host, port)} accepted the connection but gave no share links within ${seconds} s.`,
      'The server may be overloaded or misconfigured: try again, or raise share.readyTimeoutSeconds.',
    ),
  fingerprintMismatch: (
    host: string,
    port: number,
    configured: readonly string[] = [],
    presented: readonly string[] = [],
  ) =>
    new PairbarError(
      'FINGERPRINT_MISMATCH',
      `The tmate server ${hostPort(host, port)} presented a host key that does not match the configured fingerprint` +
        (configured.length > 0 || presented.length > 0
          ? ` (configured: ${configured.join(', ') || 'none'}; presented: ${presented.join(', ') || 'unknown, the key could not be read'}).`
          : '.'),
      "Compare with the fingerprints your server's operator gave you (`ssh-keygen -l -E sha256 -f KEY.pub` on the server). If the server's key really changed, add it again: pairbar server add NAME HOST[:PORT]. Otherwise someone may be intercepting the connection: do not share.",
    ),
  sshKeysMissing: () =>
    new PairbarError(
      'SSH_KEYS_MISSING',
      'The tmate server refused to let this computer connect: no usable SSH key was found.',
      'Create a key with `ssh-keygen -t ed25519`, then share again.',
    ),
  tmateFailed: (detail: string) =>
    new PairbarError(
      'TMATE_FAILED',
      `tmate stopped unexpectedly: ${detail}`,
      'Try again. If it keeps failing, run `tmate -V` to check the installation and report the message above.',
    ),
  tmuxServerGone: (session: string, socket: string) =>
    new PairbarError(
      'TMUX_SERVER_GONE',
      `The tmux server holding ${JSON.stringify(session)} is no longer running (it was stopped or killed, or its last session closed; ${socket} no longer answers), so sharing it ended.`,
      'Start tmux again (`tmux new -s work`) and share the session you want; Dismiss clears this message.',
    ),
  sharedSessionClosed: (session: string) =>
    new PairbarError(
      'SHARED_SESSION_CLOSED',
      `${JSON.stringify(session)} was closed, so sharing it ended: the pair's own view of it (a session grouped with yours) is closed with it.`,
      'Share another session when you want to; Dismiss clears this message.',
    ),
  shareStopped: (session: string) =>
    new PairbarError(
      'SHARE_STOPPED',
      `Sharing ${JSON.stringify(session)} was stopped before its links were ready.`,
      'Share it again when you want to.',
    ),
  prefsNotSaved: (file: string, dir: string, reason: string) =>
    new PairbarError(
      'PREFS_NOT_SAVED',
      `The preferences could not be saved to ${file}: ${reason}.`,
      `Make ${dir} writable and free some space on its disk, then set the value again. The file was left as it was.`,
    ),
  pairClientGone: (session: string) =>
    new PairbarError(
      'PAIR_CLIENT_GONE',
      `The pair's terminal in the share of ${JSON.stringify(session)} is no longer attached to your tmux server, so there is no keyboard to take or give.`,
      `End the pair with \`pairbar stop ${session}\` and share again, or get new links with \`pairbar rotate ${session}\`.`,
    ),
  shareNotFound: (session: string) =>
    new PairbarError(
      'SHARE_NOT_FOUND',
      `${JSON.stringify(session)} is not being shared.`,
      'See what is shared with `pairbar status`.',
    ),
  ambiguousShare: (session: string, sockets: string[]) =>
    new PairbarError(
      'INVALID_ARGUMENT',
      `${sockets.length} shared sessions are named ${JSON.stringify(session)}, on different tmux servers (${sockets.join(', ')}).`,
      'Name its tmux server too: add `--socket PATH` with one of the sockets above (the popover and the tray menu tell them apart as well).',
    ),
  invalidPreference: (key: string, reason: string) =>
    new PairbarError(
      'INVALID_PREFERENCE',
      `Cannot set ${key}: ${reason}.`,
      'See the valid keys and values with `pairbar config get`.',
    ),
  invalidArgument: (what: string, reason: string) =>
    new PairbarError('INVALID_ARGUMENT', `Invalid ${what}: ${reason}.`, 'Check the value and try again.'),
  clipboardMissing: () =>
    new PairbarError(
      'CLIPBOARD_MISSING',
      'No clipboard tool was found (pbcopy, wl-copy, xclip or xsel).',
      'Install one (for example `sudo apt install xclip`), or copy the link from the output above.',
    ),
  keyscanMissing: (platform?: NodeJS.Platform) =>
    new PairbarError(
      'KEYSCAN_MISSING',
      "ssh-keyscan was not found, so Pairbar cannot read the server's host keys.",
      platform === 'darwin' || (platform === undefined && process.platform === 'darwin')
        ? 'It comes with macOS: check that /usr/bin is on your PATH.'
        : "Install OpenSSH's client tools: sudo apt install openssh-client (Fedora: sudo dnf install openssh-clients).",
    ),
  /** A directory Pairbar would talk through or write into that someone else could use: tmux's rule, applied before use. */
  unsafeDirectory: (
    what: string,
    dir: string,
    problem: 'not-a-directory' | 'other-owner' | 'open-to-others',
    mode: number,
    env = 'TMUX_TMPDIR',
  ) => {
    const octal = (mode & 0o7777).toString(8).padStart(4, '0');
    const detail =
      problem === 'not-a-directory'
        ? 'is not a directory (a symbolic link or a file is in its place)'
        : problem === 'other-owner'
          ? 'belongs to another user'
          : `can be used by other users (mode ${octal})`;
    const fix =
      problem === 'open-to-others'
        ? `Make it yours alone with \`chmod 700 ${dir}\`, then try again.`
        : `Someone else may have made it to catch your sessions. Remove it (it is not yours to trust), or set ${env} to a directory of your own.`;
    return new PairbarError('UNSAFE_DIRECTORY', `The ${what} ${dir} ${detail}, so Pairbar will not use it.`, fix);
  },
  unsafeSocket: (socket: string, detail: string) =>
    new PairbarError(
      'UNSAFE_DIRECTORY',
      `The tmux socket ${socket} ${detail}, so Pairbar will not share through it.`,
      'Someone else may have made it to catch your sessions. Name the socket of a tmux server of your own (`pairbar sessions` lists them), or leave --socket out.',
    ),
  invalidKeySource: (text: string, reason: string) =>
    new PairbarError(
      'INVALID_ARGUMENT',
      `Cannot use ${JSON.stringify(text)} as a source of allowed keys: ${reason}.`,
      'Name a forge user as github:NAME, gitlab:NAME or codeberg:NAME, or a keys file by its path (file:/path/to/keys).',
    ),
  sharedOtherwise: (session: string, differences: readonly string[]) =>
    new PairbarError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(session)} is already shared, and ${differences.join('; ')}: not what was asked for.`,
      `End that share first (End pair in Pairbar, or \`pairbar stop ${shellWord(session)}\`), then share it again with what you asked for. Sharing it with no options gives the running share's links.`,
    ),
  keysNotFound: (source: string, url: string) =>
    new PairbarError(
      'KEYS_NOT_FOUND',
      `Could not get the keys of ${source}: ${url} says there is no such user (404).`,
      'Check the spelling of the user name (and that it is an account on that forge), then share again.',
    ),
  keysFetchFailed: (source: string, cause: string) =>
    new PairbarError(
      'KEYS_FETCH_FAILED',
      `Could not get the keys of ${source}: ${cause}.`,
      'Check your network connection and the forge address (pairbar config get access.githubUrl / access.gitlabUrl / access.codebergUrl), then share again. No share was started.',
    ),
  keysInvalid: (source: string, detail: string) =>
    new PairbarError(
      'KEYS_INVALID',
      `The keys of ${source} are not SSH public keys: ${detail}.`,
      'Each line must be one public key such as "ssh-ed25519 AAAA… comment" (the contents of a .pub file); fix the source or leave it out. No share was started.',
    ),
  keysEmpty: (source: string) =>
    new PairbarError(
      'KEYS_EMPTY',
      `${source} has no SSH public keys, so nobody could join with them.`,
      'Ask them to add a key to their account (or put one in the file), or leave this source out. No share was started.',
    ),
  commandFailed: (command: string, detail: string) =>
    new PairbarError(
      'COMMAND_FAILED',
      `${command} failed: ${detail}`,
      'Try again; if it keeps failing, report this message.',
    ),
};

/** host:port with brackets around an IPv6 address. */
function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Anything thrown, as the ErrorInfo the CLI and the popover show. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (isPairbarError(error)) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'COMMAND_FAILED', message, fix: 'Try again; if it keeps failing, report this message.' };
}
